// Picks the storage backend named in the configuration; an unknown one is a start-up error.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { HeraldConfigError } from '../config/errors.js';
import type { Storage } from './storage.js';
import { SqliteStorage } from './sqlite/sqlite.js';
import { RedisStorage } from './redis/redis.js';

/** Hooks a backend may report through (connection trouble while running). */
export interface StorageHooks {
  onError?: (err: Error) => void;
}

export function createStorage(config: Config, hooks: StorageHooks = {}): Storage {
  switch (config.storage) {
    case 'sqlite':
      mkdirSync(config.dataDir, { recursive: true });
      return new SqliteStorage({ path: join(config.dataDir, 'herald.db'), synchronous: config.sqliteSynchronous });
    case 'redis':
      return new RedisStorage({
        url: config.redisUrl,
        prefix: config.redisPrefix,
        timeoutMs: config.redisTimeoutMs,
        ...(hooks.onError ? { onError: hooks.onError } : {}),
      });
    default: {
      const unknown: never = config.storage;
      throw new HeraldConfigError(`unknown storage ${String(unknown)}`);
    }
  }
}
