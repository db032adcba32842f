// Picks the storage backend named in the configuration; an unknown one is a start-up error.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { HeraldConfigError } from '../config/errors.js';
import type { Storage } from './storage.js';
import { SqliteStorage } from './sqlite/sqlite.js';

export function createStorage(config: Config): Storage {
  switch (config.storage) {
    case 'sqlite':
      mkdirSync(config.dataDir, { recursive: true });
      return new SqliteStorage({ path: join(config.dataDir, 'herald.db'), synchronous: config.sqliteSynchronous });
    case 'redis':
      throw new HeraldConfigError('storage "redis" is not available in this build yet');
    default: {
      const unknown: never = config.storage;
      throw new HeraldConfigError(`unknown storage ${String(unknown)}`);
    }
  }
}
