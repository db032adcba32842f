// JobQueue: runs operations on one job one at a time across every node: this node's KeyedQueue, then the job's lock in the store.
//
// The local queue alone orders one node's operations; a cluster gets a job's calls through any node,
// and every node runs rechecks and expiry sweeps. The store's lock (JobStore.lock) extends the order to
// all of them. Waiting is local first, so a node contends for a job's lock with one operation at a time.
import { randomBytes } from 'node:crypto';
import { HeraldError } from '../errors.js';
import type { JobStore } from '../storage/job-store.js';
import { KeyedQueue } from './keyed-queue.js';

/** Settings of a JobQueue. */
export interface JobQueueOptions {
  /** How long a lock lasts unless renewed, ms: a node that died holding one blocks the job this long at most. */
  lockTtlMs: number;
  /** How long an operation waits for a lock another node holds before it fails, ms. Default: twice the lease. */
  maxWaitMs?: number;
  onError: (err: unknown, context: string) => void;
}

/** First and longest pause between attempts to take a lock another node holds, ms. */
const RETRY_MIN_MS = 5;
const RETRY_MAX_MS = 100;

/** Per-job serialization across nodes; Jobs runs every operation on a job through `run`. */
export class JobQueue {
  private readonly local = new KeyedQueue();
  private readonly owner = randomBytes(9).toString('base64url');
  private taken = 0;

  constructor(
    private readonly store: JobStore,
    private readonly options: JobQueueOptions,
  ) {}

  /** Runs `task` once every earlier task of job `id`, on this node or any other, has finished; resolves or rejects with it. */
  run<T>(id: string, task: () => Promise<T>): Promise<T> {
    return this.local.run(id, async () => {
      const token = `${this.owner}:${++this.taken}`;
      await this.acquire(id, token);
      // A task outliving a third of the lease keeps it: the lease only runs out for a node that stopped.
      const { lockTtlMs: ttl, onError } = this.options;
      const renew = setInterval(() => {
        this.store.lock(id, token, ttl).then(
          (held) => {
            if (!held) onError(new Error(`the lock of job ${id} was lost while an operation on it ran`), 'job lock');
          },
          (err: unknown) => onError(err, 'job lock'),
        );
      }, Math.max(1, Math.floor(ttl / 3)));
      renew.unref();
      try {
        return await task();
      } finally {
        clearInterval(renew);
        // A lock that could not be released frees itself after its ttl.
        await this.store.unlock(id, token).catch((err: unknown) => onError(err, 'job unlock'));
      }
    });
  }

  /** Resolves once every task queued on this node so far has settled. */
  idle(): Promise<void> {
    return this.local.idle();
  }

  /** Waits for the lock; by default as long as a dead holder's lease could last, and as long again. */
  private async acquire(id: string, token: string): Promise<void> {
    const { lockTtlMs: ttl, maxWaitMs = 2 * ttl } = this.options;
    const deadline = Date.now() + maxWaitMs;
    for (let pause = RETRY_MIN_MS; ; pause = Math.min(pause * 2, RETRY_MAX_MS)) {
      if (await this.store.lock(id, token, ttl)) return;
      if (Date.now() >= deadline) {
        throw new HeraldError('storage_unavailable', `job ${id} is locked by an operation on another node that has not finished in ${maxWaitMs} ms`);
      }
      // Jittered, so nodes waiting for the same job do not retry in step.
      await new Promise((resolve) => setTimeout(resolve, pause / 2 + Math.random() * (pause / 2)));
    }
  }
}
