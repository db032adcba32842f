import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../fixtures/server-process.js';

const TOOL = fileURLToPath(new URL('./thread-cpu.js', import.meta.url));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [TOOL, ...args], { encoding: 'utf8', timeout: 10_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a wrong command line gets the usage and exit code 2', () => {
  for (const args of [[], ['watch', '6005'], ['watch', 'http', '/tmp/x'], ['watch', '70000', '/tmp/x'], ['sample', 'a', 'b']]) {
    const r = run(...args);
    assert.equal(r.status, 2, JSON.stringify(args));
    assert.match(r.stderr, /^thread-cpu: .*\nusage: thread-cpu\.js watch PORT OUT \| report DRIVER_JSON OUT\n$/, r.stderr);
  }
  assert.match(run('watch', 'http', '/tmp/x').stderr, /PORT must be a TCP port \(1-65535\), not "http"/);
});

test('report: unreadable or foreign files get one clear line and exit code 1, no stack trace', () => {
  const dir = tempDir('herald-thread-cpu-');
  try {
    const driver = `${dir.path}/driver.json`;
    const samples = `${dir.path}/samples`;
    const cases: Array<[() => void, RegExp]> = [
      [() => undefined, /^thread-cpu: cannot read .*driver\.json: ENOENT/],
      [() => writeFileSync(driver, 'not json'), /driver\.json is not JSON/],
      [() => writeFileSync(driver, JSON.stringify({ label: 'x', when: new Date(0).toISOString(), opt: { settle: 3 }, connect: { secs: 1 } })), /driver\.json has no fixed-rate phase/],
      [() => writeFileSync(driver, JSON.stringify({ label: 'x', opt: { settle: 3 }, connect: { secs: 1 }, fixed: { secs: 10, deliveredPerSec: 100, serverCpuUsPerMsg: 1 } })), /driver\.json lacks when, .*not a driver\.js result/],
      [() => writeFileSync(driver, JSON.stringify({ label: 'x', when: new Date(0).toISOString(), fixed: { secs: 10, deliveredPerSec: 100, serverCpuUsPerMsg: 1 } })), /driver\.json lacks when, .*not a driver\.js result/],
      [() => writeFileSync(driver, JSON.stringify({ label: 'x', when: new Date(0).toISOString(), opt: { settle: 3 }, connect: { secs: 1 }, fixed: { secs: 10, deliveredPerSec: 100, serverCpuUsPerMsg: 1 } })), /cannot read .*samples: ENOENT/],
      [() => writeFileSync(samples, '{"t":1,"threads":{}}\n'), /samples does not start with the watched pid/],
      [() => writeFileSync(samples, `{"pid":1}\n${JSON.stringify({ t: 99_000, threads: { 1: [1, 0] } })}\n`), /samples line 2 is not a thread sample/],
      [() => writeFileSync(samples, `{"pid":1}\n${JSON.stringify({ t: 99_000, threads: { 1: { user: 1, system: 0 } } })}\n`), /do not cover the phase/],
    ];
    for (const [prepare, message] of cases) {
      prepare();
      const r = run('report', driver, samples);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  } finally {
    dir.remove();
  }
});

test('report: prints the phase by second, with the helper threads and the user-mode part', () => {
  const dir = tempDir('herald-thread-cpu-');
  try {
    const driver = `${dir.path}/driver.json`;
    const samples = `${dir.path}/samples`;
    // The phase starts 300 ms + 1 s of connecting + 3 s of settling after `when` (0): at 4.3 s, for 10 s at 100 messages a second.
    writeFileSync(driver, JSON.stringify({ label: 'x', when: new Date(0).toISOString(), opt: { settle: 3 }, connect: { secs: 1 }, fixed: { secs: 10, deliveredPerSec: 100, serverCpuUsPerMsg: 7 } }));
    // Every 250 ms the main thread (tid 1) uses one user and one system tick, a helper (tid 2) one user tick.
    const lines = [JSON.stringify({ pid: 1 })];
    for (let i = 0; i <= 48; i++) lines.push(JSON.stringify({ t: 3300 + i * 250, threads: { 1: { user: i, system: i }, 2: { user: i, system: 0 } } }));
    writeFileSync(samples, `${lines.join('\n')}\n`);
    const r = run('report', driver, samples);
    assert.equal(r.status, 0, r.stderr);
    // 8 + 4 ticks a second over 100 messages: 1200 µs each, the helper's 400, user mode (4 + 4 ticks) 800.
    assert.match(r.stdout, /^x: driver 7 µs\/msg over 10 s\n {2}ticks per second, main\/helpers: (8\/4 ){9}8\/4\n/);
    assert.match(r.stdout, /whole: 1200\.0 µs\/msg \(helper threads 400\.0, user mode 800\.00\)\n$/);
  } finally {
    dir.remove();
  }
});
