// Picks the job store for the configured storage backend; null where none exists yet (jobs then answer jobs_unavailable).
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { JobStore } from './job-store.js';
import { SqliteJobStore } from './sqlite/job-store.js';

export function createJobStore(config: Config): JobStore | null {
  switch (config.storage) {
    case 'sqlite':
      return new SqliteJobStore({ path: join(config.dataDir, 'herald.db'), synchronous: config.sqliteSynchronous });
    case 'redis':
      // The Redis job store implements job-store.ts separately; until it lands, jobs are refused, loudly.
      return null;
    default: {
      const unknown: never = config.storage;
      throw new Error(`unknown storage ${String(unknown)}`);
    }
  }
}
