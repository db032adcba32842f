// The app cache on a real SQLite database: what it reuses, for how long, and when it must read again.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { cacheApps } from './app-cache.js';
import { storageContract } from './contract.js';
import { SqliteStorage } from './sqlite/sqlite.js';
import type { AppRecord, Storage } from './storage.js';
import { wrapMethods } from './wrap.js';

const app = (secret: string): AppRecord => ({ id: 'a', key: 'key-a', secret, name: 'A', createdAt: 1, settings: {} });

// The cache must be invisible to every storage behaviour the contract pins down.
storageContract('sqlite file behind the app cache', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'herald-app-cache-'));
  const path = join(dir, 'herald.db');
  let inner = new SqliteStorage({ path });
  return {
    storage: cacheApps(inner, { ttlMs: 60_000 }),
    reopen: async () => {
      await inner.close();
      inner = new SqliteStorage({ path });
      return cacheApps(inner, { ttlMs: 60_000 });
    },
    cleanup: async () => {
      await inner.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('app cache', () => {
  let dir: string;
  let path: string;
  /** The storage the node uses (behind the cache) and a second one on the same file (the CLI, another process). */
  let inner: SqliteStorage;
  let other: SqliteStorage;
  let clock: number;
  let cached: Storage;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-app-cache-'));
    path = join(dir, 'herald.db');
    inner = new SqliteStorage({ path });
    await inner.init();
    other = new SqliteStorage({ path });
    await other.init();
    clock = 1_000_000;
    cached = cacheApps(inner, { ttlMs: 1000, now: () => clock });
  });

  afterEach(async () => {
    await other.close();
    await inner.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reuses a looked-up app until ttlMs has passed, then sees a change made elsewhere', async () => {
    await other.putApp(app('first-secret-000'));
    assert.equal((await cached.getApp('a'))?.secret, 'first-secret-000');
    assert.equal((await cached.getAppByKey('key-a'))?.secret, 'first-secret-000');
    await other.putApp(app('second-secret-00'));
    clock += 999;
    assert.equal((await cached.getApp('a'))?.secret, 'first-secret-000', 'within the ttl the cached record answers');
    assert.equal((await cached.getAppByKey('key-a'))?.secret, 'first-secret-000');
    clock += 1;
    assert.equal((await cached.getApp('a'))?.secret, 'second-secret-00', 'after the ttl the storage is read again');
    assert.equal((await cached.getAppByKey('key-a'))?.secret, 'second-secret-00');
  });

  it('remembers an unknown app for the ttl too, then finds one created elsewhere', async () => {
    assert.equal(await cached.getApp('a'), null);
    await other.putApp(app('first-secret-000'));
    assert.equal(await cached.getApp('a'), null);
    clock += 1000;
    assert.equal((await cached.getApp('a'))?.secret, 'first-secret-000');
  });

  it('applies a change made through itself at once', async () => {
    await cached.putApp(app('first-secret-000'));
    assert.equal((await cached.getApp('a'))?.secret, 'first-secret-000');
    await cached.putApp(app('second-secret-00'));
    assert.equal((await cached.getApp('a'))?.secret, 'second-secret-00');
    assert.equal((await cached.getAppByKey('key-a'))?.secret, 'second-secret-00');
  });

  it('does not keep a read that started before a local write and ended after it', async () => {
    await inner.putApp(app('first-secret-000'));
    // A slow backend (a Redis round trip): the read sees the old record but answers late.
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = wrapMethods(inner, (name, method) =>
      name !== 'getApp'
        ? method
        : async (...args) => {
            const found = await method(...args);
            await gate;
            return found;
          },
    );
    const racy = cacheApps(slow, { ttlMs: 1000, now: () => clock });
    const racing = racy.getApp('a');
    await new Promise((resolve) => setImmediate(resolve));
    await racy.putApp(app('second-secret-00'));
    release();
    assert.equal((await racing)?.secret, 'first-secret-000', 'the slow read answers what it read');
    const after = racy.getApp('a');
    assert.equal((await after)?.secret, 'second-secret-00', 'but it was not remembered over the newer write');
  });

  it('hands out frozen records, so no caller changes what the others see', async () => {
    await cached.putApp(app('first-secret-000'));
    const found = await cached.getApp('a');
    assert.ok(found);
    assert.throws(() => {
      (found as { secret: string }).secret = 'changed';
    }, TypeError);
  });

  it('passes every other call through to the storage', async () => {
    await cached.putApp(app('first-secret-000'));
    assert.deepEqual((await cached.listApps()).map((a) => a.id), ['a']);
    await cached.ping();
    assert.equal(cached.kind, inner.kind);
  });

  it('is the storage itself when ttlMs is 0', () => {
    assert.equal(cacheApps(inner, { ttlMs: 0 }), inner);
  });
});
