// Runs the storage contract on RedisStorage (the shared Redis, a random key prefix per test), plus the Redis-only behaviour.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { HeraldError } from '../../errors.js';
import { storageContract, type ContractHarness } from '../contract.js';
import { pushContract } from '../push-contract.js';
import type { PublishInput } from '../storage.js';
import { RedisStorage } from './redis.js';
import { deletePrefix, freePort, keysUnder, PrivateRedis, randomPrefix, TEST_REDIS_URL } from './testing.js';

/** A storage on the shared Redis under a fresh key prefix; reopen() restarts it on the same keys. */
async function redisHarness(): Promise<ContractHarness> {
  const prefix = randomPrefix();
  let current = new RedisStorage({ url: TEST_REDIS_URL, prefix });
  return {
    storage: current,
    reopen: async () => {
      await current.close();
      current = new RedisStorage({ url: TEST_REDIS_URL, prefix });
      return current;
    },
    cleanup: async () => {
      await current.close();
      await deletePrefix(prefix);
    },
  };
}

storageContract('redis', redisHarness);
pushContract('redis', redisHarness);

const T0 = 1_700_000_000_000;

function publishTo(id: string, target: PublishInput['target'] = { all: true }): PublishInput {
  return {
    notification: { appId: 'a', id, json: JSON.stringify({ id, text: 'a/"b"\u00e9' }), createdAt: T0, expiresAt: null, idempotencyKey: null, requestHash: null },
    target,
    maxInbox: 1_000_000,
    idempotencyTtlMs: 60_000,
  };
}

async function seed(storage: RedisStorage, sessions: string[]): Promise<void> {
  await storage.putApp({ id: 'a', key: 'key-a', secret: 's', name: 'A', createdAt: T0, settings: {} });
  for (const id of sessions) {
    await storage.createSession({ id, appId: 'a', userId: null, scope: 'browser', meta: {}, resumeHash: 'h', ttlMs: 60_000, createdAt: T0 });
  }
}

function isUnavailable(err: unknown): boolean {
  return err instanceof HeraldError && err.code === 'storage_unavailable';
}

describe('RedisStorage', () => {
  let prefix: string;
  let storage: RedisStorage;

  beforeEach(() => {
    prefix = randomPrefix();
    storage = new RedisStorage({ url: TEST_REDIS_URL, prefix });
  });
  afterEach(async () => {
    await storage.close();
    await deletePrefix(prefix);
  });

  it('fails init at once with storage_unavailable when nothing listens at the URL', async () => {
    const port = await freePort();
    const unreachable = new RedisStorage({ url: `redis://user:hunter2@127.0.0.1:${port}`, prefix, timeoutMs: 1000 });
    const started = Date.now();
    await assert.rejects(unreachable.init(), (err) => isUnavailable(err) && /Cannot reach Redis/.test(String(err)) && !/hunter2/.test(String(err)));
    assert.ok(Date.now() - started < 1000, 'no retry loop at start');
  });

  it('answers storage_unavailable before init and after close', async () => {
    await assert.rejects(storage.getApp('a'), isUnavailable);
    await storage.init();
    await storage.ping();
    await storage.close();
    await assert.rejects(storage.ping(), isUnavailable);
    await assert.rejects(storage.publish(publishTo('n1')), isUnavailable);
  });

  it('stores the notification JSON once whatever the number of recipients', async () => {
    await storage.init();
    await seed(storage, ['s1', 's2', 's3']);
    const out = await storage.publish(publishTo('n1'));
    assert.ok(out.kind === 'published');
    assert.equal((await keysUnder(prefix, 'n:*')).length, 1);
    assert.equal((await keysUnder(prefix, 'in:*')).length, 3);
  });

  it('announces every committed publish on the bus in commit order, with its recipients, JSON and accepted time', async () => {
    await storage.init();
    await seed(storage, ['s1', 's2']);
    const sub = new Redis(TEST_REDIS_URL);
    const messages: Array<{ kind: string; seq: number; recipients: string[]; json: string; acceptedAt: number }> = [];
    try {
      await sub.subscribe(storage.keys.bus);
      sub.on('message', (_channel: string, text: string) => messages.push(JSON.parse(text) as (typeof messages)[number]));
      const outs = await Promise.all(Array.from({ length: 200 }, (_, i) => storage.publish(publishTo(`n${i}`, i % 2 ? { all: true } : { sessions: ['s2'] }))));
      const deadline = Date.now() + 5000;
      while (messages.length < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(messages.length, 200);
      const seqs = messages.map((m) => m.seq);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'bus order is seq order');
      for (const [i, out] of outs.entries()) {
        assert.ok(out.kind === 'published');
        const m = messages.find((x) => x.seq === out.seq);
        assert.equal(m?.kind, 'inbox');
        assert.deepEqual(m?.recipients, out.recipients);
        assert.equal(m?.json, publishTo(`n${i}`).notification.json);
        assert.equal(m?.acceptedAt, publishTo(`n${i}`).notification.createdAt);
      }
    } finally {
      sub.disconnect();
    }
  });

  it('refuses a second session with the same id without touching the first', async () => {
    await storage.init();
    await seed(storage, ['s1']);
    await assert.rejects(
      storage.createSession({ id: 's1', appId: 'a', userId: 'u', scope: 'x', meta: {}, resumeHash: 'h', ttlMs: 1, createdAt: T0 }),
      (err) => !isUnavailable(err),
    );
    assert.equal((await storage.getSession('s1'))?.scope, 'browser');
  });

  describe('node leases', () => {
    beforeEach(async () => {
      await storage.init();
      await seed(storage, ['s1', 's2']);
    });

    it('releases the sessions of a node silent past its lease as disconnected since its last beat', async () => {
      await storage.nodes.register('node-a', T0);
      await storage.nodes.register('node-b', T0);
      await storage.setConnection('s1', 'node-a', 'websocket', T0);
      await storage.setConnection('s2', 'node-b', 'websocket', T0);
      assert.equal(await storage.nodes.beat('node-a', T0 + 1_000), true);
      assert.equal(await storage.nodes.beat('node-b', T0 + 5_000), true);
      assert.deepEqual(await storage.nodes.reap(T0 + 5_000, 3_000), ['node-a']);
      assert.equal(await storage.nodes.releaseRetired(), 1);
      const s1 = await storage.getSession('s1');
      assert.deepEqual([s1?.node, s1?.disconnectedAt], [null, T0 + 1_000]);
      assert.equal((await storage.getSession('s2'))?.node, 'node-b');
      assert.deepEqual(await storage.expiredSessions(T0 + 1_000 + 60_001, 10), ['s1']);
      assert.equal(await storage.nodes.beat('node-a', T0 + 6_000), false, 'the dead node learns its lease is gone');
    });

    it('keeps a session that connected through the node again after its lease was retired', async () => {
      await storage.nodes.register('node-a', T0);
      await storage.setConnection('s1', 'node-a', 'websocket', T0);
      await storage.setConnection('s2', 'node-a', 'websocket', T0);
      assert.deepEqual(await storage.nodes.reap(T0 + 10_000, 3_000), ['node-a']);
      // The node was only paused: it registers again and s1 reconnects through it before the release runs.
      await storage.nodes.register('node-a', T0 + 10_001);
      await storage.setConnection('s1', 'node-a', 'websocket', T0 + 10_002);
      await storage.nodes.releaseRetired();
      assert.equal((await storage.getSession('s1'))?.node, 'node-a');
      assert.equal((await storage.getSession('s2'))?.node, null);
      // s1 is in the new lease: retiring that one releases it.
      await storage.nodes.leave('node-a', T0 + 20_000);
      await storage.nodes.releaseRetired();
      assert.deepEqual([(await storage.getSession('s1'))?.node, (await storage.getSession('s1'))?.disconnectedAt], [null, T0 + 20_000]);
    });

    it('retires the lease an earlier process of the same node name left behind', async () => {
      await storage.nodes.register('node-a', T0);
      await storage.setConnection('s1', 'node-a', 'websocket', T0);
      await storage.nodes.beat('node-a', T0 + 2_000);
      assert.equal(await storage.nodes.register('node-a', T0 + 9_000), T0 + 2_000);
      await storage.nodes.releaseRetired();
      const s1 = await storage.getSession('s1');
      assert.deepEqual([s1?.node, s1?.disconnectedAt], [null, T0 + 2_000]);
      assert.equal(await storage.nodes.beat('node-a', T0 + 9_500), true);
    });
  });
});

describe('RedisStorage when Redis goes away', () => {
  let redis: PrivateRedis;
  let storage: RedisStorage;
  const prefix = randomPrefix();

  before(async () => {
    redis = await PrivateRedis.start();
  });
  after(async () => {
    await storage?.close();
    await redis.kill();
  });

  it('rejects at once while Redis is down and works again, by itself, once it is back', async () => {
    storage = new RedisStorage({ url: redis.url, prefix, timeoutMs: 500 });
    await storage.init();
    await seed(storage, ['s1']);
    await redis.kill();
    const started = Date.now();
    await assert.rejects(storage.publish(publishTo('n1')), isUnavailable);
    await assert.rejects(storage.ping(), isUnavailable);
    assert.ok(Date.now() - started < 500, `failed in ${Date.now() - started} ms`);
    await redis.start();
    // The data went with the unpersisted server; what matters is that the same storage object serves again.
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        await seed(storage, ['s1']);
        break;
      } catch (err) {
        assert.ok(isUnavailable(err));
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const out = await storage.publish(publishTo('n2'));
    assert.ok(out.kind === 'published');
  });

  it('fails a command Redis does not answer within the timeout, and recovers when Redis answers again', async () => {
    storage ??= new RedisStorage({ url: redis.url, prefix, timeoutMs: 500 });
    await storage.init();
    redis.signal('SIGSTOP');
    try {
      const started = Date.now();
      await assert.rejects(storage.ping(), (err) => isUnavailable(err) && /may or may not/.test(String(err)));
      const took = Date.now() - started;
      assert.ok(took >= 400 && took < 2000, `timed out after ${took} ms`);
    } finally {
      redis.signal('SIGCONT');
    }
    await storage.ping();
    assert.equal((await storage.getSession('s1'))?.id, 's1');
  });
});
