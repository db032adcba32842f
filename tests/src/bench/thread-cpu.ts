// Per-thread CPU of a server under the shared fan-out benchmark (../shared/bench), to tell JIT warm-up from
// steady-state cost:
//   node tests/dist/bench/thread-cpu.js watch PORT OUT      waits for a listener on PORT, then samples every
//                                                          thread of it every 250 ms into OUT until it exits
//   node tests/dist/bench/thread-cpu.js report DRIVER_JSON OUT   the fixed-rate phase by second and thread
// Linux only (/proc, ss). Run `watch` in the background, then the benchmark's run.sh for the same port.
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { sleep, threadTicks } from '../fixtures/measure.js';
import { splitPhase, type Span, type ThreadSample } from './thread-phases.js';

const SAMPLE_MS = 250;
const WAIT_FOR_LISTENER_MS = 300_000;

function listenerPid(port: number): number | null {
  const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(out)?.[1];
  return pid === undefined ? null : Number(pid);
}

async function watch(port: number, out: string): Promise<void> {
  const deadline = Date.now() + WAIT_FOR_LISTENER_MS;
  let pid = listenerPid(port);
  while (pid === null) {
    if (Date.now() > deadline) throw new Error(`nothing listened on port ${port} within ${WAIT_FOR_LISTENER_MS / 1000} s`);
    await sleep(200);
    pid = listenerPid(port);
  }
  writeFileSync(out, `${JSON.stringify({ pid })}\n`);
  for (;;) {
    const threads = threadTicks(pid);
    if (threads.size === 0) return;
    const sample: ThreadSample = { t: Date.now(), threads: Object.fromEntries(threads) };
    appendFileSync(out, `${JSON.stringify(sample)}\n`);
    await sleep(SAMPLE_MS);
  }
}

interface DriverResult {
  label: string;
  when: string;
  opt: { settle: number };
  connect: { secs: number };
  fixed?: { secs: number; deliveredPerSec: number; serverCpuUsPerMsg: number | null };
}

/** The fields `report` reads, each checked: a missing one would otherwise turn into NaN and silently zero figures. */
function fixedPhase(result: DriverResult, file: string): { startMs: number; secs: number; deliveredPerSec: number; driverUsPerMsg: number | null } {
  if (!result.fixed) throw new Error(`${file} has no fixed-rate phase`);
  const when = Date.parse(result.when);
  const connectSecs = result.connect?.secs;
  const settleSecs = result.opt?.settle;
  const { secs, deliveredPerSec, serverCpuUsPerMsg } = result.fixed;
  const numbers = [when, connectSecs, settleSecs, secs, deliveredPerSec];
  if (!numbers.every((n) => typeof n === 'number' && Number.isFinite(n)) || deliveredPerSec <= 0) {
    throw new Error(`${file} lacks when, connect.secs, opt.settle or fixed.secs/deliveredPerSec: not a driver.js result`);
  }
  // driver.js stamps `when`, pauses 300 ms, connects, settles, then starts the fixed-rate phase.
  return { startMs: when + 300 + connectSecs * 1000 + settleSecs * 1000, secs, deliveredPerSec, driverUsPerMsg: serverCpuUsPerMsg };
}

/** A wrong command line: the usage is printed with it. */
class UsageError extends Error {}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
}

function parseJson(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${file} is not ${what}`);
  }
}

function isThreadSample(value: unknown): value is ThreadSample {
  const { t, threads } = (value ?? {}) as Partial<ThreadSample>;
  if (typeof t !== 'number' || typeof threads !== 'object' || threads === null) return false;
  return Object.values(threads).every((ticks) => typeof ticks?.user === 'number' && typeof ticks.system === 'number');
}

function report(driverJson: string, samplesFile: string): void {
  const result = parseJson(readText(driverJson), driverJson, 'JSON') as DriverResult;
  const fixed = fixedPhase(result, driverJson);
  const [head, ...rest] = readText(samplesFile).trim().split('\n').map((line) => parseJson(line, samplesFile, 'a `watch` output (JSON lines)'));
  const pid = (head as { pid?: unknown } | null)?.pid;
  if (typeof pid !== 'number') throw new Error(`${samplesFile} does not start with the watched pid: not a \`watch\` output`);
  const samples = rest.map((sample, i) => {
    if (!isThreadSample(sample)) throw new Error(`${samplesFile} line ${i + 2} is not a thread sample ({"t": ms, "threads": {tid: {"user", "system"}}})`);
    return sample;
  });
  const phase = splitPhase(samples, pid, fixed.startMs, fixed.secs, fixed.deliveredPerSec);
  const fmt = (s: Span) => `${s.usPerMessage.toFixed(1)} µs/msg (helper threads ${s.helpersUsPerMessage.toFixed(1)}, user mode ${s.userUsPerMessage.toFixed(2)})`;
  console.log(`${result.label}: driver ${fixed.driverUsPerMsg} µs/msg over ${fixed.secs} s`);
  console.log(`  ticks per second, main/helpers: ${phase.seconds.map((s) => `${s.main}/${s.helpers}`).join(' ')}`);
  console.log(`  first ${phase.warmUp.secs} s: ${fmt(phase.warmUp)}; the ${phase.rest.secs.toFixed(0)} s after: ${fmt(phase.rest)}; whole: ${fmt(phase.whole)}`);
}

function portOf(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError(`PORT must be a TCP port (1-65535), not ${JSON.stringify(text)}`);
  return port;
}

const [command, a, b] = process.argv.slice(2);
try {
  if (command === 'watch' && a && b) await watch(portOf(a), b);
  else if (command === 'report' && a && b) report(a, b);
  else throw new UsageError('a command and two arguments are needed');
} catch (err) {
  // A tool's mistakes are told in one line, not with a stack trace.
  console.error(`thread-cpu: ${(err as Error).message}`);
  if (err instanceof UsageError) console.error('usage: thread-cpu.js watch PORT OUT | report DRIVER_JSON OUT');
  process.exit(err instanceof UsageError ? 2 : 1);
}
