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

/** The SQLite file every SQLite store of this server opens (data, jobs). */
export function sqliteOptions(config: Config): { path: string; synchronous: Config['sqliteSynchronous'] } {
  return { path: join(config.dataDir, 'herald.db'), synchronous: config.sqliteSynchronous };
}

/** The Redis every Redis store of this server connects to (data, jobs). */
export function redisOptions(config: Config, hooks: StorageHooks): { url: string; prefix: string; timeoutMs: number; onError?: (err: Error) => void } {
  return {
    url: config.redisUrl,
    prefix: config.redisPrefix,
    timeoutMs: config.redisTimeoutMs,
    ...(hooks.onError ? { onError: hooks.onError } : {}),
  };
}

export function createStorage(config: Config, hooks: StorageHooks = {}): Storage {
  switch (config.storage) {
    case 'sqlite':
      mkdirSync(config.dataDir, { recursive: true });
      return new SqliteStorage(sqliteOptions(config));
    case 'redis':
      return new RedisStorage(redisOptions(config, hooks));
    default: {
      const unknown: never = config.storage;
      throw new HeraldConfigError(`unknown storage ${String(unknown)}`);
    }
  }
}
