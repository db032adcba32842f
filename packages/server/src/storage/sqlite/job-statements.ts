// The SQL of the SQLite job store, prepared once per connection, and the conversion between rows and JobRecords.
import type { Database } from 'better-sqlite3';
import type { JobProgress, JsonObject } from '@herald/protocol';
import type { FinishedJob, JobOutcome, JobRecord, NewJob, RunningJob } from '../job-store.js';
import type { Stmt } from './statements.js';

export interface JobRow {
  id: string;
  app_id: string;
  session_id: string;
  kind: string;
  meta: string;
  state: string;
  progress: string | null;
  progress_notice: string | null;
  progress_held: number;
  outcome: string | null;
  created_at: number;
  updated_at: number;
  expires_at: number;
  finished_at: number | null;
}

/** Prepares every job statement. */
export function prepareJobStatements(db: Database) {
  const prepare = <P extends unknown[] = [], R = unknown>(sql: string): Stmt<P, R> => db.prepare<P, R>(sql);
  return {
    ping: prepare<[], { n: number }>('SELECT 1 AS n'),
    insert: prepare<[{ id: string; app_id: string; session_id: string; kind: string; meta: string; created_at: number; expires_at: number }]>(
      `INSERT INTO jobs (id, app_id, session_id, kind, meta, state, created_at, updated_at, expires_at)
       VALUES (@id, @app_id, @session_id, @kind, @meta, 'running', @created_at, @created_at, @expires_at)`,
    ),
    byId: prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?'),
    remove: prepare<[string]>('DELETE FROM jobs WHERE id = ?'),
    // A coalesced report (notice null) keeps the notice of the last one delivered.
    progress: prepare<[{ id: string; progress: string; notice: string | null; at: number }]>(
      `UPDATE jobs SET progress = @progress, updated_at = @at,
         progress_held = (@notice IS NULL), progress_notice = coalesce(@notice, progress_notice)
       WHERE id = @id AND state = 'running'`,
    ),
    finish: prepare<[{ id: string; state: string; outcome: string; at: number; keep_until: number }]>(
      `UPDATE jobs SET state = @state, outcome = @outcome, updated_at = @at, finished_at = @at, expires_at = @keep_until
       WHERE id = @id AND state = 'running'`,
    ),
    running: prepare<[string, number], JobRow>(
      `SELECT * FROM jobs WHERE session_id = ? AND state = 'running' ORDER BY created_at, id LIMIT ?`,
    ),
    due: prepare<[number, number], JobRow>(
      `SELECT * FROM jobs WHERE expires_at <= ? AND state = 'running' ORDER BY expires_at, id LIMIT ?`,
    ),
    sweep: prepare<[number]>(`DELETE FROM jobs WHERE expires_at <= ? AND state != 'running'`),
  };
}

export type JobStatements = ReturnType<typeof prepareJobStatements>;

export function newJobToRow(job: NewJob) {
  return {
    id: job.id,
    app_id: job.appId,
    session_id: job.sessionId,
    kind: job.kind,
    meta: JSON.stringify(job.meta),
    created_at: job.createdAt,
    expires_at: job.expiresAt,
  };
}

/** Rebuilds a record; the JSON columns were written by this store from typed values, so parsing gives them back. */
export function jobFromRow(row: JobRow): JobRecord {
  const base = {
    id: row.id,
    appId: row.app_id,
    sessionId: row.session_id,
    kind: row.kind,
    meta: JSON.parse(row.meta) as JsonObject,
    progress: row.progress === null ? null : (JSON.parse(row.progress) as JobProgress),
    progressNotice: row.progress_notice,
    progressHeld: row.progress_held !== 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
  };
  if (row.state === 'running' || row.outcome === null || row.finished_at === null) {
    const running: RunningJob = { ...base, state: 'running' };
    return running;
  }
  const finished: FinishedJob = { ...base, ...(JSON.parse(row.outcome) as JobOutcome), finishedAt: row.finished_at };
  return finished;
}

export function runningFromRow(row: JobRow): RunningJob {
  const job = jobFromRow(row);
  if (job.state !== 'running') throw new Error(`job ${row.id} is not running`);
  return job;
}

export function finishedFromRow(row: JobRow): FinishedJob {
  const job = jobFromRow(row);
  if (job.state === 'running') throw new Error(`job ${row.id} is still running`);
  return job;
}
