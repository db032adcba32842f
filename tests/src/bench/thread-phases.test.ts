import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitPhase, type ThreadSample } from './thread-phases.js';

const MAIN = 100;

/** Samples every 250 ms from t=0: the main thread uses `main(sec)` ticks a second, one helper `helper(sec)`; a second helper starts at 2 s. */
function samples(secs: number, main: (sec: number) => number, helper: (sec: number) => number): ThreadSample[] {
  const out: ThreadSample[] = [];
  let m = 0;
  let h = 0;
  let late = 0;
  for (let i = 0; i <= secs * 4; i++) {
    const sec = Math.floor((i - 1) / 4);
    if (i > 0) {
      m += main(sec) / 4;
      h += helper(sec) / 4;
      if (sec >= 2) late += 1 / 4;
    }
    const threads: ThreadSample['threads'] = { [MAIN]: { user: m * 0.75, system: m * 0.25 }, 101: { user: h, system: 0 } };
    if (i >= 8) threads[102] = { user: late, system: 0 };
    out.push({ t: 1000 + i * 250, threads });
  }
  return out;
}

test('splits the phase by second and thread, warm-up apart from the rest', () => {
  // Warm-up: 30 main + 8 helper ticks a second for 5 s; then 16 + 0.
  const s = samples(12, (sec) => (sec < 5 ? 30 : 16), (sec) => (sec < 5 ? 8 : 0));
  const phase = splitPhase(s, MAIN, 1000, 10, 2500);
  assert.equal(phase.seconds.length, 10);
  assert.deepEqual(phase.seconds[0], { main: 30, helpers: 8 });
  assert.deepEqual(phase.seconds[4], { main: 30, helpers: 9 }); // the late helper adds one tick a second from 2 s on
  assert.deepEqual(phase.seconds[9], { main: 16, helpers: 1 });
  // First 5 s: (150 + 40 + 3) ticks = 1.93 s over 12,500 messages = 154.4 µs; after: (80 + 5) ticks over 12,500 = 68 µs.
  assert.equal(phase.warmUp.usPerMessage.toFixed(1), '154.4');
  assert.equal(phase.warmUp.helpersUsPerMessage.toFixed(1), '34.4');
  assert.equal(phase.rest.usPerMessage.toFixed(1), '68.0');
  assert.equal(phase.whole.usPerMessage.toFixed(1), '111.2');
  // User mode: three quarters of the main thread's ticks, all of the helpers'. First 5 s: 112.5 + 43 ticks; whole: 172.5 + 48.
  assert.equal(phase.warmUp.userUsPerMessage.toFixed(1), '124.4');
  assert.equal(phase.whole.userUsPerMessage.toFixed(1), '88.2');
});

test('the phase is read from the samples nearest its bounds', () => {
  const s = samples(12, () => 20, () => 0);
  // Starting 2.1 s in: the nearest samples are at 2.0 s and every second after.
  const phase = splitPhase(s, MAIN, 3100, 6, 100);
  assert.deepEqual(phase.seconds[0], { main: 20, helpers: 1 });
  assert.equal(phase.rest.secs, 1);
});

test('refuses a phase no longer than the warm-up split, bad bounds, and no samples', () => {
  assert.throws(() => splitPhase(samples(6, () => 1, () => 0), MAIN, 1000, 5, 100), /longer than the warm-up/);
  assert.throws(() => splitPhase([], MAIN, 1000, 10, 100), /no samples/);
  assert.throws(() => splitPhase(samples(12, () => 1, () => 0), MAIN, NaN, 10, 100), /bad phase/);
  assert.throws(() => splitPhase(samples(12, () => 1, () => 0), MAIN, 1000, 10, 0), /bad phase/);
});

test('refuses samples that do not cover the phase', () => {
  const s = samples(12, () => 1, () => 0); // 1.0 s to 13.0 s
  assert.throws(() => splitPhase(s, MAIN, 2000, 12, 100), /do not cover the phase/);
  assert.throws(() => splitPhase(s.slice(8), MAIN, 1000, 10, 100), /do not cover the phase/);
});
