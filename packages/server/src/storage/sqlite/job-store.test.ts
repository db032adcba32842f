// Runs the job store contract on SqliteJobStore (file and in-memory), plus its sharing of Herald's database file.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { jobStoreContract, type JobStoreHarness } from '../job-contract.js';
import { SqliteJobStore } from './job-store.js';
import { SqliteStorage } from './sqlite.js';

jobStoreContract('sqlite file', async (): Promise<JobStoreHarness> => {
  const dir = await mkdtemp(join(tmpdir(), 'herald-jobs-'));
  const path = join(dir, 'herald.db');
  let current = new SqliteJobStore({ path });
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = new SqliteJobStore({ path });
      return current;
    },
    cleanup: async () => {
      await current.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

jobStoreContract('sqlite :memory:', async (): Promise<JobStoreHarness> => {
  const store = new SqliteJobStore({ path: ':memory:', synchronous: 'NORMAL' });
  return { store, cleanup: () => store.close() };
});

describe('SqliteJobStore', () => {
  it('shares the database file with SqliteStorage, whichever opens it first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-jobs-'));
    const path = join(dir, 'herald.db');
    const jobs = new SqliteJobStore({ path });
    const storage = new SqliteStorage({ path });
    try {
      await jobs.init();
      await storage.init();
      const T0 = 1_700_000_000_000;
      await Promise.all([
        storage.putApp({ id: 'a', key: 'k', secret: 's', name: 'A', createdAt: T0, settings: {} }),
        jobs.create({ id: 'j1', appId: 'a', sessionId: 's1', kind: 'k', meta: {}, createdAt: T0, expiresAt: T0 + 1 }),
      ]);
      assert.equal((await storage.getApp('a'))?.name, 'A');
      assert.equal((await jobs.get('j1'))?.state, 'running');
    } finally {
      await jobs.close();
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
