// Picks the job store for the configured storage backend: jobs live beside the rest of the data.
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { JobStore } from './job-store.js';
import type { StorageHooks } from './create.js';
import { SqliteJobStore } from './sqlite/job-store.js';
import { RedisJobStore } from './redis/jobs.js';

/** The job store of `config.storage`, not yet initialized; `hooks.onError` hears connection trouble while running. */
export function createJobStore(config: Config, hooks: StorageHooks = {}): JobStore {
  switch (config.storage) {
    case 'sqlite':
      return new SqliteJobStore({ path: join(config.dataDir, 'herald.db'), synchronous: config.sqliteSynchronous });
    case 'redis':
      return new RedisJobStore({
        url: config.redisUrl,
        prefix: config.redisPrefix,
        timeoutMs: config.redisTimeoutMs,
        ...(hooks.onError ? { onError: hooks.onError } : {}),
      });
    default: {
      const unknown: never = config.storage;
      throw new Error(`unknown storage ${String(unknown)}`);
    }
  }
}
