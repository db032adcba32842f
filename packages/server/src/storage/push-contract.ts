// The PushStore contract suite: every backend's test file runs it with a factory, so all keep push-store.ts's guarantees.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ContractHarness } from './contract.js';
import type { PushSubscriptionRecord } from './push-store.js';
import type { Storage } from './storage.js';

const T0 = 1_700_000_000_000;

function sub(appId: string, id: string, userId: string, extra: Partial<PushSubscriptionRecord> = {}): PushSubscriptionRecord {
  return {
    id,
    appId,
    userId,
    endpoint: `https://push.example/${appId}/${id}`,
    p256dh: `key-${id}`,
    auth: `auth-${id}`,
    expirationTime: null,
    createdAt: T0,
    ...extra,
  };
}

function ids(list: PushSubscriptionRecord[]): string[] {
  return list.map((s) => s.id);
}

/**
 * Runs the PushStore contract against one backend. `factory` gives a storage on empty data per test;
 * the suite creates apps 'a' and 'b'.
 */
export function pushContract(name: string, factory: () => Promise<ContractHarness>): void {
  describe(`push store contract: ${name}`, () => {
    let harness: ContractHarness;
    let storage: Storage;

    beforeEach(async () => {
      harness = await factory();
      storage = harness.storage;
      await storage.init();
      for (const id of ['a', 'b']) {
        await storage.putApp({ id, key: `key-${id}`, secret: `secret-${id}`, name: id, createdAt: T0, settings: {} });
      }
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('lists the subscriptions of the named users only, oldest first, and never another app\'s', async () => {
      await storage.push.putPushSubscription(sub('a', 'p2', 'alice', { createdAt: T0 + 2 }), 10);
      await storage.push.putPushSubscription(sub('a', 'p1', 'alice', { createdAt: T0 + 1, expirationTime: T0 + 99 }), 10);
      await storage.push.putPushSubscription(sub('a', 'p3', 'bob', { createdAt: T0 + 3 }), 10);
      await storage.push.putPushSubscription(sub('b', 'x1', 'alice'), 10);
      assert.deepEqual(await storage.push.listPushSubscriptions('a', ['alice']), [
        sub('a', 'p1', 'alice', { createdAt: T0 + 1, expirationTime: T0 + 99 }),
        sub('a', 'p2', 'alice', { createdAt: T0 + 2 }),
      ]);
      assert.deepEqual(ids(await storage.push.listPushSubscriptions('a', ['bob', 'alice', 'nobody'])), ['p1', 'p2', 'p3']);
      assert.deepEqual(ids(await storage.push.listPushSubscriptions('b', ['alice'])), ['x1']);
      assert.deepEqual(await storage.push.listPushSubscriptions('a', []), []);
    });

    it('keeps one record per endpoint: registering it again moves it to the new user with the new keys', async () => {
      await storage.push.putPushSubscription(sub('a', 'p1', 'alice'), 10);
      const again = sub('a', 'p1', 'bob', { p256dh: 'new-key', auth: 'new-auth', createdAt: T0 + 5 });
      assert.equal(await storage.push.putPushSubscription(again, 10), 0);
      assert.deepEqual(await storage.push.listPushSubscriptions('a', ['alice']), []);
      assert.deepEqual(await storage.push.listPushSubscriptions('a', ['alice', 'bob']), [again]);
    });

    it('keeps at most maxPerUser subscriptions per user by removing the user\'s oldest', async () => {
      for (let i = 1; i <= 3; i++) await storage.push.putPushSubscription(sub('a', `p${i}`, 'alice', { createdAt: T0 + i }), 3);
      await storage.push.putPushSubscription(sub('a', 'q1', 'bob', { createdAt: T0 }), 3);
      assert.equal(await storage.push.putPushSubscription(sub('a', 'p4', 'alice', { createdAt: T0 + 4 }), 3), 1);
      assert.deepEqual(ids(await storage.push.listPushSubscriptions('a', ['alice'])), ['p2', 'p3', 'p4']);
      // The one just registered stays even when its clock is behind the others'.
      assert.equal(await storage.push.putPushSubscription(sub('a', 'p0', 'alice', { createdAt: T0 }), 2), 2);
      assert.deepEqual(ids(await storage.push.listPushSubscriptions('a', ['alice'])), ['p0', 'p4']);
      assert.deepEqual(ids(await storage.push.listPushSubscriptions('a', ['bob'])), ['q1']);
    });

    it('deletes one subscription, only for its own user when a user is named', async () => {
      await storage.push.putPushSubscription(sub('a', 'p1', 'alice'), 10);
      await storage.push.putPushSubscription(sub('b', 'p1', 'alice'), 10);
      assert.equal(await storage.push.deletePushSubscription('a', 'p1', 'mallory'), false);
      assert.equal(await storage.push.deletePushSubscription('a', 'p1', 'alice'), true);
      assert.equal(await storage.push.deletePushSubscription('a', 'p1'), false);
      assert.deepEqual(ids(await storage.push.listPushSubscriptions('b', ['alice'])), ['p1']);
      assert.equal(await storage.push.deletePushSubscription('b', 'p1'), true);
    });

    it('deletes every subscription of a user and says how many', async () => {
      await storage.push.putPushSubscription(sub('a', 'p1', 'alice'), 10);
      await storage.push.putPushSubscription(sub('a', 'p2', 'alice'), 10);
      await storage.push.putPushSubscription(sub('a', 'p3', 'bob'), 10);
      assert.equal(await storage.push.deleteUserPushSubscriptions('a', 'alice'), 2);
      assert.equal(await storage.push.deleteUserPushSubscriptions('a', 'alice'), 0);
      assert.deepEqual(ids(await storage.push.listPushSubscriptions('a', ['alice', 'bob'])), ['p3']);
    });

    it('finds the users with a session connected to any node, not disconnected or anonymous ones', async () => {
      const base = { scope: 'browser', meta: {}, resumeHash: 'h', ttlMs: 60_000, createdAt: T0 };
      await storage.createSession({ ...base, id: 's1', appId: 'a', userId: 'alice' });
      await storage.createSession({ ...base, id: 's2', appId: 'a', userId: 'alice' });
      await storage.createSession({ ...base, id: 's3', appId: 'a', userId: 'bob' });
      await storage.createSession({ ...base, id: 's4', appId: 'b', userId: 'carol' });
      await storage.createSession({ ...base, id: 's5', appId: 'a', userId: 'dave' });
      await storage.createSession({ ...base, id: 's6', appId: 'a', userId: null });
      await storage.setConnection('s2', 'node-1', 'websocket', T0);
      await storage.setConnection('s3', 'node-2', 'websocket', T0);
      await storage.setConnection('s4', 'node-1', 'websocket', T0);
      await storage.setConnection('s5', 'node-1', 'websocket', T0);
      await storage.setConnection('s5', null, null, T0 + 1);
      await storage.setConnection('s6', 'node-1', 'websocket', T0);
      const online = await storage.push.usersOnline('a', ['alice', 'bob', 'carol', 'dave', 'erin']);
      assert.deepEqual([...online].sort(), ['alice', 'bob']);
      assert.deepEqual(await storage.push.usersOnline('a', []), []);
    });

    it('adds push counts atomically and reports them in the notification status', async () => {
      const out = await storage.publish({
        notification: { appId: 'a', id: 'n1', json: '{}', createdAt: T0, expiresAt: null, idempotencyKey: null, requestHash: null },
        target: { users: ['alice'] },
        maxInbox: 10,
        idempotencyTtlMs: 1_000,
      });
      assert.equal(out.kind, 'published');
      assert.equal((await storage.getStatus('a', 'n1'))?.push, undefined);
      await Promise.all([
        ...Array.from({ length: 20 }, () => storage.push.countPush('a', 'n1', { sent: 1, failed: 0, removed: 0 })),
        storage.push.countPush('a', 'n1', { sent: 0, failed: 2, removed: 1 }),
        storage.push.countPush('b', 'n1', { sent: 5, failed: 5, removed: 5 }),
      ]);
      assert.deepEqual((await storage.getStatus('a', 'n1'))?.push, { sent: 20, failed: 2, removed: 1 });
    });

    it('keeps subscriptions and push counts across a restart', async (t) => {
      if (harness.reopen === undefined) return t.skip('no reopen for this backend');
      await storage.push.putPushSubscription(sub('a', 'p1', 'alice'), 10);
      await storage.publish({
        notification: { appId: 'a', id: 'n1', json: '{}', createdAt: T0, expiresAt: null, idempotencyKey: null, requestHash: null },
        target: { users: ['alice'] },
        maxInbox: 10,
        idempotencyTtlMs: 1_000,
      });
      await storage.push.countPush('a', 'n1', { sent: 1, failed: 0, removed: 0 });
      storage = await harness.reopen();
      await storage.init();
      assert.deepEqual(await storage.push.listPushSubscriptions('a', ['alice']), [sub('a', 'p1', 'alice')]);
      assert.deepEqual((await storage.getStatus('a', 'n1'))?.push, { sent: 1, failed: 0, removed: 0 });
    });
  });
}
