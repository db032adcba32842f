// Splits a server's CPU over the fan-out benchmark's fixed-rate phase by second and by thread: the
// main thread against the helper threads (V8's optimizing compiler and GC), the first seconds (JIT
// warm-up of code the phase runs for the first time) against the rest. A 10 s phase measured whole
// mixes the two; see docs/performance.md.
import { TICK_MS, type Ticks } from '../fixtures/measure.js';

/** One reading of every thread of the server: wall clock ms, and thread id -> its clock ticks (`threadTicks`). */
export interface ThreadSample {
  t: number;
  threads: Record<string, Ticks>;
}

/** Clock ticks used in one second of the phase. */
export interface SecondCpu {
  main: number;
  helpers: number;
}

export interface Span {
  secs: number;
  /** Server CPU (every thread, user + system) per delivered message, µs. */
  usPerMessage: number;
  /** Of that, the helper threads' part, µs. */
  helpersUsPerMessage: number;
  /**
   * Of the whole, the part spent in user mode (every thread), µs: the driver's user figure is the
   * difference of two whole percentages, too coarse when the server uses a few per cent of a core.
   */
  userUsPerMessage: number;
}

export interface PhaseReport {
  seconds: SecondCpu[];
  warmUp: Span;
  rest: Span;
  whole: Span;
}

const TICK_US = TICK_MS * 1000;
/** How far the first and last samples may lie inside the phase: two sampling periods. */
const BOUND_SLACK_MS = 500;

/** The sample taken nearest to `t`. */
function nearest(samples: ThreadSample[], t: number): ThreadSample {
  let best = samples[0]!;
  for (const s of samples) if (Math.abs(s.t - t) < Math.abs(best.t - t)) best = s;
  return best;
}

/** Each thread's ticks between two samples; a thread missing from `a` started after it. */
function* threadDeltas(a: ThreadSample, b: ThreadSample): Generator<{ tid: number } & Ticks> {
  for (const [tid, { user, system }] of Object.entries(b.threads)) {
    const before = a.threads[tid];
    yield { tid: Number(tid), user: user - (before?.user ?? 0), system: system - (before?.system ?? 0) };
  }
}

/** Ticks used between two samples, main thread and the others. */
function used(a: ThreadSample, b: ThreadSample, mainTid: number): SecondCpu {
  const out: SecondCpu = { main: 0, helpers: 0 };
  for (const { tid, user, system } of threadDeltas(a, b)) {
    if (tid === mainTid) out.main += user + system;
    else out.helpers += user + system;
  }
  return out;
}

/** User-mode ticks of every thread between two samples. */
function userTicks(a: ThreadSample, b: ThreadSample): number {
  let ticks = 0;
  for (const { user } of threadDeltas(a, b)) ticks += user;
  return ticks;
}

function span(a: ThreadSample, b: ThreadSample, mainTid: number, secs: number, deliveredPerSecond: number): Span {
  const cpu = used(a, b, mainTid);
  const messages = deliveredPerSecond * secs;
  return {
    secs,
    usPerMessage: ((cpu.main + cpu.helpers) * TICK_US) / messages,
    helpersUsPerMessage: (cpu.helpers * TICK_US) / messages,
    userUsPerMessage: (userTicks(a, b) * TICK_US) / messages,
  };
}

/**
 * The phase that starts at `startMs` and lasts `secs`, delivering `deliveredPerSecond` messages each
 * second (a fixed-rate phase: the rate is even across it), split at `warmUpSecs`.
 */
export function splitPhase(samples: ThreadSample[], mainTid: number, startMs: number, secs: number, deliveredPerSecond: number, warmUpSecs = 5): PhaseReport {
  if (samples.length === 0) throw new Error('no samples');
  // NaN bounds would pass every comparison below and give zero figures.
  if (!Number.isFinite(startMs) || !Number.isFinite(secs) || !(deliveredPerSecond > 0)) throw new Error(`bad phase: start ${startMs}, ${secs} s, ${deliveredPerSecond} messages a second`);
  if (secs <= warmUpSecs) throw new Error(`the phase (${secs} s) must be longer than the warm-up split (${warmUpSecs} s)`);
  // A watch started late or stopped early would give the phase's bounds a sample seconds away from them.
  const first = samples[0]!.t;
  const last = samples[samples.length - 1]!.t;
  if (first > startMs + BOUND_SLACK_MS || last < startMs + secs * 1000 - BOUND_SLACK_MS) {
    throw new Error(`the samples (${new Date(first).toISOString()} to ${new Date(last).toISOString()}) do not cover the phase (${new Date(startMs).toISOString()}, ${secs} s)`);
  }
  const at = (sec: number) => nearest(samples, startMs + sec * 1000);
  const seconds: SecondCpu[] = [];
  for (let sec = 0; sec < Math.floor(secs); sec++) seconds.push(used(at(sec), at(sec + 1), mainTid));
  return {
    seconds,
    warmUp: span(at(0), at(warmUpSecs), mainTid, warmUpSecs, deliveredPerSecond),
    rest: span(at(warmUpSecs), at(secs), mainTid, secs - warmUpSecs, deliveredPerSecond),
    whole: span(at(0), at(secs), mainTid, secs, deliveredPerSecond),
  };
}
