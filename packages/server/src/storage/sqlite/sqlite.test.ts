// Runs the storage contract on SqliteStorage (file and in-memory), plus the SQLite-only behaviour.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { HeraldError } from '../../errors.js';
import { storageContract, type ContractHarness } from '../contract.js';
import { pushContract } from '../push-contract.js';
import type { PublishInput, Storage } from '../storage.js';
import { SCHEMA_VERSION } from './schema.js';
import { SqliteStorage, type SqliteStorageOptions } from './sqlite.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'herald-sqlite-'));
}

/** A storage on a fresh database file; reopen() restarts it on the same file. */
async function sqliteFile(): Promise<ContractHarness> {
  const dir = await tempDir();
  const path = join(dir, 'herald.db');
  let current = new SqliteStorage({ path });
  return {
    storage: current,
    reopen: async () => {
      await current.close();
      current = new SqliteStorage({ path });
      return current;
    },
    cleanup: async () => {
      await current.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

storageContract('sqlite file', sqliteFile);
pushContract('sqlite file', sqliteFile);

storageContract('sqlite :memory:', async (): Promise<ContractHarness> => {
  const storage = new SqliteStorage({ path: ':memory:', synchronous: 'NORMAL' });
  return { storage, cleanup: () => storage.close() };
});

const T0 = 1_700_000_000_000;

function publishAll(id: string): PublishInput {
  return {
    notification: { appId: 'a', id, json: JSON.stringify({ id }), createdAt: T0, expiresAt: null, idempotencyKey: null, requestHash: null },
    target: { all: true },
    maxInbox: 1_000_000,
    idempotencyTtlMs: 60_000,
  };
}

async function seed(storage: Storage, sessions: string[]): Promise<void> {
  await storage.putApp({ id: 'a', key: 'key-a', secret: 's', name: 'A', createdAt: T0, settings: {} });
  for (const id of sessions) {
    await storage.createSession({ id, appId: 'a', userId: null, scope: 'browser', meta: {}, resumeHash: 'h', ttlMs: 60_000, createdAt: T0 });
  }
}

function isUnavailable(err: unknown): boolean {
  return err instanceof HeraldError && err.code === 'storage_unavailable';
}

describe('SqliteStorage', () => {
  let dir: string;
  let path: string;
  let storage: SqliteStorage;

  beforeEach(async () => {
    dir = await tempDir();
    path = join(dir, 'herald.db');
    storage = new SqliteStorage({ path });
  });
  afterEach(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('commits 1,000 concurrent publishes in far fewer transactions than publishes', async () => {
    await storage.init();
    await seed(storage, ['s1', 's2']);
    const before = storage.commits;
    const outs = await Promise.all(Array.from({ length: 1000 }, (_, i) => storage.publish(publishAll(`n${i}`))));
    const used = storage.commits - before;
    assert.ok(outs.every((o) => o.kind === 'published'));
    assert.ok(used >= 1 && used <= 10, `1,000 publishes took ${used} commits`);
    assert.equal((await storage.getSession('s1'))?.pending, 1000);
  });

  it('rejects only the failing write of a batch and commits the others', async () => {
    await storage.init();
    await seed(storage, ['s1']);
    const before = storage.commits;
    const [published, duplicate, app] = await Promise.allSettled([
      storage.publish(publishAll('n1')),
      // Same id again: a constraint violation inside the batch.
      storage.createSession({ id: 's1', appId: 'a', userId: null, scope: 'x', meta: {}, resumeHash: 'h', ttlMs: 1, createdAt: T0 }),
      storage.putApp({ id: 'b', key: 'key-b', secret: 's', name: 'B', createdAt: T0, settings: {} }),
    ]);
    assert.equal(storage.commits - before, 1, 'the three writes shared one transaction');
    assert.equal(published.status, 'fulfilled');
    assert.equal(app.status, 'fulfilled');
    assert.ok(duplicate.status === 'rejected');
    assert.ok(!isUnavailable(duplicate.reason), 'a caller mistake is not an outage');
    assert.equal((await storage.getSession('s1'))?.scope, 'browser');
    assert.equal((await storage.getSession('s1'))?.pending, 1);
    assert.equal((await storage.getApp('b'))?.name, 'B');
  });

  it('stores the notification JSON once whatever the number of recipients', async () => {
    await storage.init();
    await seed(storage, ['s1', 's2', 's3']);
    await storage.publish(publishAll('n1'));
    const db = new Database(path, { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT count(*) AS n FROM notifications').get(), { n: 1 });
      assert.deepEqual(db.prepare('SELECT count(*) AS n FROM inbox').get(), { n: 3 });
    } finally {
      db.close();
    }
  });

  it('opens the file in WAL mode and records the schema version', async () => {
    await storage.init();
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('creates the directory of the database file', async () => {
    storage = new SqliteStorage({ path: join(dir, 'nested', 'deeper', 'herald.db') });
    await storage.init();
    await storage.ping();
  });

  it('answers storage_unavailable before init and after close', async () => {
    await assert.rejects(storage.getApp('a'), isUnavailable);
    await assert.rejects(storage.publish(publishAll('n1')), isUnavailable);
    await storage.init();
    await storage.ping();
    await storage.close();
    await assert.rejects(storage.ping(), isUnavailable);
    await assert.rejects(storage.ack('s1', 1, Date.now()), isUnavailable);
  });

  it('refuses a database written by a newer schema', async () => {
    const db = new Database(path);
    db.pragma('user_version = 999');
    db.close();
    await assert.rejects(storage.init(), (err) => isUnavailable(err) && /newer/.test(String(err)));
  });

  it('refuses a file that is not a database with storage_unavailable', async () => {
    await writeFile(path, 'this is not a database, just text long enough to fill a header '.repeat(20));
    await assert.rejects(storage.init(), isUnavailable);
  });

  it('rejects an unknown synchronous mode at construction', () => {
    const options = { path, synchronous: 'OFF' } as unknown as SqliteStorageOptions;
    assert.throws(() => new SqliteStorage(options), /synchronous/);
  });

  it('keeps every publish that resolved when the process is killed', async () => {
    await storage.init();
    await seed(storage, ['s1']);
    await storage.close();
    // The child prints each seq once its publish resolved, then dies without closing anything.
    // writeSync: a pending asynchronous stdout write would die with the process.
    const child = `
      import { writeSync } from 'node:fs';
      import { SqliteStorage } from ${JSON.stringify(new URL('./sqlite.js', import.meta.url).href)};
      const storage = new SqliteStorage({ path: ${JSON.stringify(path)} });
      await storage.init();
      const input = (id) => ({ notification: { appId: 'a', id, json: '{}', createdAt: 0, expiresAt: null,
        idempotencyKey: null, requestHash: null }, target: { all: true }, maxInbox: 1e6, idempotencyTtlMs: 1 });
      await Promise.all(Array.from({ length: 300 }, (_, i) =>
        storage.publish(input('n' + i)).then((out) => writeSync(1, out.seq + '\\n'))));
      process.kill(process.pid, 'SIGKILL');
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8' });
    assert.equal(run.signal, 'SIGKILL', run.stderr);
    const acknowledged = run.stdout.trim().split('\n').map(Number);
    assert.equal(acknowledged.length, 300);

    storage = new SqliteStorage({ path });
    await storage.init();
    const stored = new Set((await storage.readInbox('s1', 0, 1000, 0)).map((e) => e.seq));
    assert.ok(acknowledged.every((seq) => stored.has(seq)), 'a resolved publish was lost');
  });
});

describe('SqliteStorage after a crash', () => {
  it('treats sessions still marked connected at start as disconnected from then, so their ttl runs', async () => {
    const harness = await sqliteFile();
    try {
      const storage = harness.storage;
      await storage.init();
      await storage.putApp({ id: 'a', key: 'ka', secret: 'sa', name: 'A', createdAt: 1, settings: {} });
      await storage.createSession({ id: 's1', appId: 'a', userId: 'u', scope: 'browser', meta: {}, resumeHash: 'h', ttlMs: 60_000, createdAt: Date.now() });
      await storage.setConnection('s1', 'dead-node', 'websocket', Date.now());
      // The process "dies": the next start finds s1 still marked as served by dead-node.
      const reopened = await harness.reopen!();
      const before = Date.now();
      await reopened.init();
      const s1 = await reopened.getSession('s1');
      assert.equal(s1?.node, null);
      assert.ok(s1?.disconnectedAt !== null && s1!.disconnectedAt! >= before);
      assert.deepEqual(await reopened.expiredSessions(before + 59_000, 10), []);
      assert.deepEqual(await reopened.expiredSessions(Date.now() + 60_001, 10), ['s1']);
    } finally {
      await harness.cleanup();
    }
  });
});
