// The job store interface every backend implements (sqlite/job-store.ts, redis/jobs.ts), and the guarantees it keeps.
// One contract suite (job-contract.ts) checks them against every backend.
import type { JobError, JobProgress, JsonObject, JsonValue, SessionEndReason } from '@herald/protocol';

/** A job as created: running, no progress yet. */
export interface NewJob {
  id: string;
  appId: string;
  sessionId: string;
  kind: string;
  meta: JsonObject;
  createdAt: number;
  /** Deadline: a job still running at this time is due for expiry. */
  expiresAt: number;
}

/** How a job ended; `finish` stores exactly one of these per job. */
export type JobOutcome =
  | { state: 'completed'; result: JsonValue }
  | { state: 'failed'; error: JobError }
  | { state: 'expired' }
  /** Its session ended first; `reason` is null when the session was already gone and the reason unknown. */
  | { state: 'orphaned'; reason: SessionEndReason | null };

interface JobFields extends NewJob {
  /** Latest progress reported (delivered or held back), null before the first. */
  progress: JobProgress | null;
  /** Id of the last progress notification written to the session's inbox; null when none was. */
  progressNotice: string | null;
  /** True when `progress` is newer than that notification carries (it was coalesced, not written). */
  progressHeld: boolean;
  updatedAt: number;
}

/** A running job. */
export type RunningJob = JobFields & { state: 'running' };
/** A finished job: its outcome, when it finished; `expiresAt` then means "purged after". */
export type FinishedJob = JobFields & JobOutcome & { finishedAt: number };
/** A stored job, discriminated by `state`. */
export type JobRecord = RunningJob | FinishedJob;

/** A progress report to record. */
export interface ProgressUpdate {
  progress: JobProgress;
  /** Id of the notification that carries it to the session, or null when it was held back (coalesced). */
  notice: string | null;
  at: number;
}

export type FinishResult =
  | { kind: 'finished'; job: FinishedJob }
  /** Another finish won (or the job was already finished): nothing changed. */
  | { kind: 'already_finished'; job: FinishedJob }
  | { kind: 'not_found' };

/**
 * Guarantees every backend keeps:
 * - Durability: when a write's promise resolves, the write survives a crash of this process.
 * - `finish` is atomic compare-and-set from `running`: of any number of concurrent finishes of one
 *   job (on any node), exactly one returns `finished`; the others return `already_finished` with the
 *   winner's record. A finished job never changes again (except being purged by `sweep`).
 * - `progress` applies only to a running job; a held-back update keeps `progressNotice`.
 * - `due` and `running` return only jobs whose state is `running` at the time of the read.
 * - `lock` is mutual exclusion per job id among every process that shares the store: while one token
 *   holds a job's lock (until it unlocks, or `ttlMs` after its last lock call), `lock` with any other
 *   token returns false. A holder that died frees the lock after `ttlMs`; the lock needs no job record.
 * - Failures reject (with HeraldError 'storage_unavailable' when the backend cannot be reached);
 *   nothing is reported as written that was not.
 */
export interface JobStore {
  readonly kind: string;
  /** Prepares schema and connections; rejects with a clear error when the backend is unreachable. */
  init(): Promise<void>;
  close(): Promise<void>;

  /** Stores a new running job; rejects when the id is taken. */
  create(job: NewJob): Promise<void>;
  get(id: string): Promise<JobRecord | null>;
  /** Removes a job whatever its state (a create whose announcement could not be stored). */
  remove(id: string): Promise<void>;

  /** Records progress of a running job. Returns the record afterwards (unchanged when not running), null when there is no such job. */
  progress(id: string, update: ProgressUpdate): Promise<JobRecord | null>;
  /** Finishes a running job with `outcome` at `at`; it stays readable until `keepUntil`. */
  finish(id: string, outcome: JobOutcome, at: number, keepUntil: number): Promise<FinishResult>;

  /** Running jobs of a session (to orphan them when it ends), at most `limit`. */
  running(sessionId: string, limit: number): Promise<RunningJob[]>;
  /** Running jobs whose `expiresAt` <= `now`, earliest first, at most `limit`. */
  due(now: number, limit: number): Promise<RunningJob[]>;
  /** Purges finished jobs whose `expiresAt` <= `now`. Returns how many. */
  sweep(now: number): Promise<number>;

  /**
   * Takes job `id`'s lock for `token` for `ttlMs`, or extends it when `token` already holds it: true
   * then; false while another token holds it. Jobs holds it around each operation on a job, so the
   * notices of one job are published one at a time across every node, not only within one.
   */
  lock(id: string, token: string, ttlMs: number): Promise<boolean>;
  /** Releases job `id`'s lock if `token` holds it; does nothing otherwise. */
  unlock(id: string, token: string): Promise<void>;
}
