// Reading the job scripts' replies into JobRecords: each job comes as {id, field, value, ...} (lua/jobs.ts).
import type { JobProgress, JsonObject } from '@herald/protocol';
import { HeraldError } from '../../errors.js';
import type { FinishResult, FinishedJob, JobOutcome, JobRecord, RunningJob } from '../job-store.js';
import { pairsToHash } from './replies.js';

function malformed(what: string, reply: unknown): HeraldError {
  return new HeraldError('internal_error', `Redis job store: unexpected ${what} reply ${JSON.stringify(reply)?.slice(0, 200)}`);
}

function field(h: Record<string, string>, name: string): string {
  const value = h[name];
  if (value === undefined) throw malformed(`job field ${name}`, h);
  return value;
}

function int(h: Record<string, string>, name: string): number {
  const n = Number(field(h, name));
  if (!Number.isSafeInteger(n)) throw malformed(`job field ${name}`, h);
  return n;
}

/** One job as the scripts return it, {id, field, value, ...}; null when the hash is gone. */
export function parseJob(reply: unknown): JobRecord | null {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') throw malformed('job', reply);
  return jobFromHash(reply[0], pairsToHash(reply.slice(1)));
}

/**
 * A job hash (`j:<id>`) as a record; null for an empty hash (no such job). The JSON fields were
 * written by RedisJobStore from typed values (JSON.stringify), so parsing gives them back.
 */
export function jobFromHash(id: string, h: Record<string, string>): JobRecord | null {
  if (h['state'] === undefined) return null;
  const base = {
    id,
    appId: field(h, 'app'),
    sessionId: field(h, 'sess'),
    kind: field(h, 'kind'),
    meta: JSON.parse(field(h, 'meta')) as JsonObject,
    progress: h['prog'] === undefined ? null : (JSON.parse(h['prog']) as JobProgress),
    progressNotice: h['pn'] ?? null,
    progressHeld: h['ph'] === '1',
    createdAt: int(h, 'created'),
    updatedAt: int(h, 'upd'),
    expiresAt: int(h, 'exp'),
  };
  if (h['state'] === 'running' || h['out'] === undefined || h['fin'] === undefined) {
    const running: RunningJob = { ...base, state: 'running' };
    return running;
  }
  const finished: FinishedJob = { ...base, ...(JSON.parse(h['out']) as JobOutcome), finishedAt: int(h, 'fin') };
  return finished;
}

/** The running jobs of a listing (JOB_RUNNING, JOB_DUE). */
export function parseRunning(reply: unknown): RunningJob[] {
  if (!Array.isArray(reply)) throw malformed('job listing', reply);
  return reply.map(parseJob).filter((job): job is RunningJob => job?.state === 'running');
}

/** The answer of JOB_FINISH. */
export function parseFinish(reply: unknown): FinishResult {
  if (!Array.isArray(reply)) throw malformed('finish', reply);
  const [kind, ...rest] = reply as unknown[];
  if (kind === 'not_found') return { kind: 'not_found' };
  const job = parseJob(rest);
  if ((kind !== 'finished' && kind !== 'already') || job === null || job.state === 'running') throw malformed('finish', reply);
  return { kind: kind === 'finished' ? 'finished' : 'already_finished', job };
}
