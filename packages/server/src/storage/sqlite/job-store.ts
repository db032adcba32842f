// SqliteJobStore: the JobStore on Herald's SQLite file, through its own connection and group commit. Guarantees: see ../job-store.ts.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { HeraldError } from '../../errors.js';
import type { FinishResult, JobOutcome, JobRecord, JobStore, NewJob, ProgressUpdate, RunningJob } from '../job-store.js';
import { LocalJobLocks } from '../local-job-locks.js';
import { notOpen, toStorageError } from './errors.js';
import { GroupCommit } from './group-commit.js';
import { finishedFromRow, jobFromRow, newJobToRow, prepareJobStatements, runningFromRow, type JobStatements } from './job-statements.js';
import { migrate } from './schema.js';

export interface SqliteJobStoreOptions {
  /** Database file (the same one SqliteStorage uses), or ':memory:'. */
  path: string;
  synchronous?: 'FULL' | 'NORMAL';
}

interface Connection {
  db: Database.Database;
  st: JobStatements;
  writer: GroupCommit;
}

/**
 * Jobs in the `jobs` table. A second connection to the same file: job writes are rare beside
 * notifications, and a connection of its own keeps SqliteStorage untouched. Both connections live
 * in one process whose writes are synchronous, so their transactions never wait on each other.
 * That one process is every user of the file, so job locks live in its memory.
 */
export class SqliteJobStore implements JobStore {
  readonly kind = 'sqlite';
  private connection: Connection | null = null;
  private readonly locks = new LocalJobLocks();

  constructor(private readonly options: SqliteJobStoreOptions) {}

  async init(): Promise<void> {
    if (this.connection !== null) return;
    const { path, synchronous = 'FULL' } = this.options;
    let db: Database.Database | null = null;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${synchronous}`);
      db.pragma('busy_timeout = 5000');
      migrate(db);
      this.connection = { db, st: prepareJobStatements(db), writer: new GroupCommit(db) };
    } catch (err) {
      db?.close();
      if (err instanceof HeraldError) throw err;
      const detail = err instanceof Error ? err.message : String(err);
      throw new HeraldError('storage_unavailable', `Cannot open SQLite database ${path} for jobs: ${detail}`);
    }
  }

  async close(): Promise<void> {
    const connection = this.connection;
    if (connection === null) return;
    this.connection = null;
    connection.writer.close();
    connection.db.close();
  }

  create(job: NewJob): Promise<void> {
    const row = newJobToRow(job);
    return this.write((st) => {
      st.insert.run(row);
    });
  }

  get(id: string): Promise<JobRecord | null> {
    return this.read((st) => {
      const row = st.byId.get(id);
      return row === undefined ? null : jobFromRow(row);
    });
  }

  remove(id: string): Promise<void> {
    return this.write((st) => {
      st.remove.run(id);
    });
  }

  progress(id: string, update: ProgressUpdate): Promise<JobRecord | null> {
    const progress = JSON.stringify(update.progress);
    return this.write((st) => {
      st.progress.run({ id, progress, notice: update.notice, at: update.at });
      const row = st.byId.get(id);
      return row === undefined ? null : jobFromRow(row);
    });
  }

  finish(id: string, outcome: JobOutcome, at: number, keepUntil: number): Promise<FinishResult> {
    const json = JSON.stringify(outcome);
    return this.write((st): FinishResult => {
      // The state condition in the UPDATE is the compare-and-set: one writer at a time, so one winner.
      const changed = st.finish.run({ id, state: outcome.state, outcome: json, at, keep_until: keepUntil }).changes;
      const row = st.byId.get(id);
      if (row === undefined) return { kind: 'not_found' };
      return { kind: changed === 1 ? 'finished' : 'already_finished', job: finishedFromRow(row) };
    });
  }

  running(sessionId: string, limit: number): Promise<RunningJob[]> {
    return this.read((st) => st.running.all(sessionId, limit).map(runningFromRow));
  }

  due(now: number, limit: number): Promise<RunningJob[]> {
    return this.read((st) => st.due.all(now, limit).map(runningFromRow));
  }

  sweep(now: number): Promise<number> {
    return this.write((st) => st.sweep.run(now).changes);
  }

  lock(id: string, token: string, ttlMs: number): Promise<boolean> {
    return this.read(() => this.locks.lock(id, token, ttlMs));
  }

  unlock(id: string, token: string): Promise<void> {
    return this.read(() => this.locks.unlock(id, token));
  }

  private open(): Connection {
    if (this.connection === null) throw notOpen();
    return this.connection;
  }

  private read<T>(fn: (st: JobStatements) => T): Promise<T> {
    try {
      return Promise.resolve(fn(this.open().st));
    } catch (err) {
      return Promise.reject(toStorageError(err));
    }
  }

  private write<T>(fn: (st: JobStatements) => T): Promise<T> {
    try {
      const { st, writer } = this.open();
      return writer.enqueue(() => fn(st));
    } catch (err) {
      return Promise.reject(toStorageError(err));
    }
  }
}
