// Picks the job store for the configured storage backend: jobs live beside the rest of the data.
import type { Config } from '../config/schema.js';
import type { JobStore } from './job-store.js';
import { redisOptions, sqliteOptions, type StorageHooks } from './create.js';
import { HeraldConfigError } from '../config/errors.js';
import { SqliteJobStore } from './sqlite/job-store.js';
import { RedisJobStore } from './redis/jobs.js';

/** The job store of `config.storage`, not yet initialized; `hooks.onError` hears connection trouble while running. */
export function createJobStore(config: Config, hooks: StorageHooks = {}): JobStore {
  switch (config.storage) {
    case 'sqlite':
      return new SqliteJobStore(sqliteOptions(config));
    case 'redis':
      return new RedisJobStore(redisOptions(config, hooks));
    default: {
      const unknown: never = config.storage;
      throw new HeraldConfigError(`unknown storage ${String(unknown)}`);
    }
  }
}
