// RedisJobStore: the JobStore on the Redis every node shares, through its own connection. Guarantees: see ../job-store.ts.
import type { Redis } from 'ioredis';
import type { FinishResult, JobOutcome, JobRecord, JobStore, NewJob, ProgressUpdate, RunningJob } from '../job-store.js';
import { openConnection } from './connection.js';
import { notOpen, toStorageError } from './errors.js';
import { jobFromHash, parseFinish, parseJob, parseRunning } from './job-replies.js';
import { JOB_CREATE, JOB_DUE, JOB_FINISH, JOB_LOCK, JOB_PROGRESS, JOB_REMOVE, JOB_RUNNING, JOB_SWEEP, JOB_UNLOCK } from './lua/jobs.js';

/** Where RedisJobStore keeps jobs: RedisStorage's Redis and key prefix. */
export interface RedisJobStoreOptions {
  /** redis:// or rediss:// URL: the Redis of RedisStorage. */
  url: string;
  /** The key prefix of RedisStorage: job keys sit beside the other keys (layout in keys.ts). */
  prefix: string;
  /** Connect timeout at init, and how long a command may go unanswered before it fails, ms. Default 5000. */
  timeoutMs?: number;
  /** Connection problems while running (logs). */
  onError?: (err: Error) => void;
}

const SCRIPTS = {
  heraldJobCreate: JOB_CREATE,
  heraldJobProgress: JOB_PROGRESS,
  heraldJobFinish: JOB_FINISH,
  heraldJobRemove: JOB_REMOVE,
  heraldJobRunning: JOB_RUNNING,
  heraldJobDue: JOB_DUE,
  heraldJobSweep: JOB_SWEEP,
  heraldJobLock: JOB_LOCK,
  heraldJobUnlock: JOB_UNLOCK,
} as const;

/** A connection with the job scripts defined; each takes ARGV only (the prefix first) and no KEYS. */
type JobRedis = Redis & { [K in keyof typeof SCRIPTS]: (...argv: Array<string | number>) => Promise<unknown> };

/** Finished jobs one sweep script call purges; sweep() repeats until fewer are left. */
const SWEEP_BATCH = 500;

/**
 * Jobs in Redis, every write one Lua script (atomic, so `finish` is a compare-and-set whichever node
 * calls it). A connection of its own, like the SQLite job store's: RedisStorage stays untouched and
 * the two close independently. Durability is Redis's, as for RedisStorage (docs/cluster.md).
 */
export class RedisJobStore implements JobStore {
  readonly kind = 'redis';
  private client: JobRedis | null = null;

  constructor(private readonly options: RedisJobStoreOptions) {}

  async init(): Promise<void> {
    if (this.client !== null) return;
    const { url, timeoutMs = 5000, onError } = this.options;
    const connection = await openConnection({ url, timeoutMs, ...(onError ? { onError } : {}) });
    for (const [name, lua] of Object.entries(SCRIPTS)) connection.defineCommand(name, { numberOfKeys: 0, lua });
    // defineCommand adds the methods at run time; JobRedis names them.
    this.client = connection as JobRedis;
  }

  async close(): Promise<void> {
    const client = this.client;
    if (client === null) return;
    this.client = null;
    try {
      // QUIT is answered after every command sent before it, so pending writes still commit.
      await client.quit();
    } catch {
      client.disconnect();
    }
  }

  create(job: NewJob): Promise<void> {
    return this.run(async (r) => {
      await r.heraldJobCreate(this.prefix, job.id, job.appId, job.sessionId, job.kind, JSON.stringify(job.meta), job.createdAt, job.expiresAt);
    });
  }

  get(id: string): Promise<JobRecord | null> {
    return this.run(async (r) => jobFromHash(id, await r.hgetall(`${this.prefix}j:${id}`)));
  }

  remove(id: string): Promise<void> {
    return this.run(async (r) => {
      await r.heraldJobRemove(this.prefix, id);
    });
  }

  progress(id: string, update: ProgressUpdate): Promise<JobRecord | null> {
    return this.run(async (r) => {
      const reply = await r.heraldJobProgress(this.prefix, id, JSON.stringify(update.progress), update.notice ?? '', update.at);
      return reply === null ? null : parseJob(reply);
    });
  }

  finish(id: string, outcome: JobOutcome, at: number, keepUntil: number): Promise<FinishResult> {
    return this.run(async (r) => parseFinish(await r.heraldJobFinish(this.prefix, id, outcome.state, JSON.stringify(outcome), at, keepUntil)));
  }

  running(sessionId: string, limit: number): Promise<RunningJob[]> {
    return this.run(async (r) => parseRunning(await r.heraldJobRunning(this.prefix, sessionId, limit)));
  }

  due(now: number, limit: number): Promise<RunningJob[]> {
    return this.run(async (r) => parseRunning(await r.heraldJobDue(this.prefix, now, limit)));
  }

  async sweep(now: number): Promise<number> {
    let purged = 0;
    for (;;) {
      const n = await this.run(async (r) => Number(await r.heraldJobSweep(this.prefix, now, SWEEP_BATCH)));
      purged += n;
      if (n < SWEEP_BATCH) return purged;
    }
  }

  lock(id: string, token: string, ttlMs: number): Promise<boolean> {
    return this.run(async (r) => Number(await r.heraldJobLock(this.prefix, id, token, ttlMs)) === 1);
  }

  unlock(id: string, token: string): Promise<void> {
    return this.run(async (r) => {
      await r.heraldJobUnlock(this.prefix, id, token);
    });
  }

  private get prefix(): string {
    return this.options.prefix;
  }

  /** Runs one operation on the open connection; every failure comes out through toStorageError. */
  private async run<T>(op: (r: JobRedis) => Promise<T>): Promise<T> {
    try {
      if (this.client === null) throw notOpen();
      return await op(this.client);
    } catch (err) {
      throw toStorageError(err);
    }
  }
}
