// The storage contract suite: every backend's test file runs it with a factory, so all keep storage.ts's guarantees.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Target } from '@herald/protocol';
import type { AppRecord, NewSession, PublishInput, PublishOutcome, StoredNotification, Storage } from './storage.js';

/** What a backend's test file supplies for one fresh, empty storage. */
export interface ContractHarness {
  /** A storage on empty data, not yet initialized: the suite calls init(). */
  storage: Storage;
  /** Closes the current storage and opens a new, not yet initialized instance on the same data (a restart). */
  reopen?: () => Promise<Storage>;
  /** Closes whatever instance is current and removes its data. */
  cleanup: () => Promise<void>;
}

const DAY = 86_400_000;
const T0 = 1_700_000_000_000;
const BIG = 1_000_000;

function app(id: string): AppRecord {
  return { id, key: `key-${id}`, secret: `secret-${id}`, name: `App ${id}`, createdAt: T0, settings: { limits: { rate: 10 } } };
}

function session(appId: string, id: string, extra: Partial<NewSession> = {}): NewSession {
  return { id, appId, userId: null, scope: 'browser', meta: { ua: 'test' }, resumeHash: `hash-${id}`, ttlMs: 60_000, createdAt: T0, ...extra };
}

function note(appId: string, id: string, extra: Partial<StoredNotification> = {}): StoredNotification {
  const json = JSON.stringify({ id, module: 'test', type: 'ping', data: { id }, ts: T0 });
  return { appId, id, json, createdAt: T0, expiresAt: null, idempotencyKey: null, requestHash: null, ...extra };
}

function input(n: StoredNotification, target: Target, extra: Partial<PublishInput> = {}): PublishInput {
  return { notification: n, target, maxInbox: BIG, idempotencyTtlMs: 60_000, ...extra };
}

function sorted(ids: string[]): string[] {
  return [...ids].sort();
}

/**
 * Runs the storage contract against one backend. `factory` is called once per test and must give a
 * storage on empty data; the suite creates apps 'a' and 'b' before each test.
 */
export function storageContract(name: string, factory: () => Promise<ContractHarness>): void {
  describe(`storage contract: ${name}`, () => {
    let harness: ContractHarness;
    let storage: Storage;

    beforeEach(async () => {
      harness = await factory();
      storage = harness.storage;
      await storage.init();
      await storage.putApp(app('a'));
      await storage.putApp(app('b'));
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    async function sessions(appId: string, ...specs: Array<string | NewSession>): Promise<void> {
      await Promise.all(specs.map((spec) => storage.createSession(typeof spec === 'string' ? session(appId, spec) : spec)));
    }

    async function publishOk(p: PublishInput): Promise<{ seq: number; recipients: string[] }> {
      const out: PublishOutcome = await storage.publish(p);
      assert.ok(out.kind === 'published', `expected published, got ${JSON.stringify(out)}`);
      return out;
    }

    async function inboxSeqs(sessionId: string, now = T0): Promise<number[]> {
      return (await storage.readInbox(sessionId, 0, BIG, now)).map((e) => e.seq);
    }

    async function pending(sessionId: string): Promise<number | undefined> {
      return (await storage.getSession(sessionId))?.pending;
    }

    describe('apps', () => {
      it('finds an app by id and by key, and null for unknown ones', async () => {
        assert.deepEqual(await storage.getApp('a'), app('a'));
        assert.deepEqual(await storage.getAppByKey('key-b'), app('b'));
        assert.equal(await storage.getApp('nope'), null);
        assert.equal(await storage.getAppByKey('nope'), null);
      });

      it('lists every app', async () => {
        const ids = (await storage.listApps()).map((a) => a.id);
        assert.deepEqual(sorted(ids), ['a', 'b']);
      });

      it('replaces an app put again under the same id, keeping its sessions', async () => {
        await sessions('a', 's1');
        const renamed = { ...app('a'), key: 'key-a2', name: 'Renamed', settings: { vapid: 'x' } };
        await storage.putApp(renamed);
        assert.deepEqual(await storage.getApp('a'), renamed);
        assert.deepEqual(await storage.getAppByKey('key-a2'), renamed);
        assert.equal(await storage.getAppByKey('key-a'), null);
        assert.equal((await storage.listApps()).length, 2);
        assert.equal((await storage.getSession('s1'))?.appId, 'a');
      });
    });

    describe('sessions', () => {
      it('creates a session that reads back with an empty delivery state', async () => {
        const s = session('a', 's1', { userId: 'u1', scope: 'kiosk', meta: { room: 7 } });
        await storage.createSession(s);
        assert.deepEqual(await storage.getSession('s1'), {
          ...s, node: null, transport: null, disconnectedAt: null, ackedSeq: 0, sentSeq: 0, pending: 0,
        });
        assert.equal(await storage.getSession('nope'), null);
      });

      it('records which node serves a session and when its connection ended', async () => {
        await sessions('a', 's1');
        await storage.setConnection('s1', 'node-1', 'websocket', T0 + 1);
        let s = await storage.getSession('s1');
        assert.deepEqual([s?.node, s?.transport, s?.disconnectedAt], ['node-1', 'websocket', null]);
        await storage.setConnection('s1', null, null, T0 + 5);
        s = await storage.getSession('s1');
        assert.deepEqual([s?.node, s?.disconnectedAt], [null, T0 + 5]);
        await storage.setConnection('s1', 'node-2', 'sse', T0 + 9);
        s = await storage.getSession('s1');
        assert.deepEqual([s?.node, s?.transport, s?.disconnectedAt], ['node-2', 'sse', null]);
      });

      it('leaves a session connected when a node it moved away from reports its old connection closed', async () => {
        await sessions('a', 's1');
        await storage.setConnection('s1', 'node-a', 'websocket', T0 + 1);
        // The client resumed on node-b; node-a's old connection closes afterwards.
        await storage.setConnection('s1', 'node-b', 'websocket', T0 + 2);
        await storage.setConnection('s1', null, null, T0 + 3, 'node-a');
        let s = await storage.getSession('s1');
        assert.deepEqual([s?.node, s?.disconnectedAt], ['node-b', null]);
        assert.deepEqual(await storage.expiredSessions(T0 + 10 * 60_000, 10), []);
        // The node that does serve it may disconnect it.
        await storage.setConnection('s1', null, null, T0 + 4, 'node-b');
        s = await storage.getSession('s1');
        assert.deepEqual([s?.node, s?.disconnectedAt], [null, T0 + 4]);
        await storage.setConnection('ghost', null, null, T0 + 5, 'node-b');
      });

      it('ends a session, dropping its inbox and counting the drops on each notification', async () => {
        await sessions('a', 's1', 's2');
        const first = await publishOk(input(note('a', 'n1'), { sessions: ['s1', 's2'] }));
        await publishOk(input(note('a', 'n2'), { sessions: ['s1'] }));
        await storage.markSent([{ sessionId: 's1', seq: first.seq }]);
        const end = await storage.endSession('s1');
        assert.equal(end?.dropped, 2);
        assert.equal(end?.session.id, 's1');
        assert.equal(end?.session.pending, 2);
        assert.equal(await storage.getSession('s1'), null);
        assert.deepEqual(await storage.readInbox('s1', 0, 10, T0), []);
        const n1 = await storage.getStatus('a', 'n1');
        assert.deepEqual([n1?.recipients, n1?.dropped, n1?.delivered], [2, 1, 1]);
        assert.equal((await storage.getStatus('a', 'n2'))?.dropped, 1);
        assert.deepEqual(await inboxSeqs('s2'), [first.seq]);
        assert.equal(await storage.endSession('s1'), null);
      });

      it('lists the sessions of one app page by page with the total', async () => {
        await sessions('a', 's1', 's2', 's3');
        await sessions('b', 'x1');
        const page1 = await storage.listSessions('a', 0, 2);
        const page2 = await storage.listSessions('a', 2, 2);
        assert.equal(page1.total, 3);
        assert.equal(page2.total, 3);
        assert.equal(page1.sessions.length, 2);
        const ids = [...page1.sessions, ...page2.sessions].map((s) => s.id);
        assert.deepEqual(sorted(ids), ['s1', 's2', 's3']);
        assert.deepEqual((await storage.listSessions('b', 0, 10)).sessions.map((s) => s.id), ['x1']);
      });

      it('reports sessions disconnected longer than their ttl, oldest first, never connected ones', async () => {
        await sessions('a', 'old', 'recent', 'live', 'never');
        for (const id of ['old', 'recent', 'live']) await storage.setConnection(id, 'node-1', 'websocket', T0);
        await storage.setConnection('old', null, null, T0 + 1_000);
        await storage.setConnection('recent', null, null, T0 + 2_000);
        // ttl 60s: at T0+61s 'old' (gone 60s) is not past its ttl yet, 'never' (created at T0) is.
        assert.deepEqual(await storage.expiredSessions(T0 + 61_000, 10), ['never']);
        assert.deepEqual(await storage.expiredSessions(T0 + 10 * 60_000, 10), ['never', 'old', 'recent']);
        assert.deepEqual(await storage.expiredSessions(T0 + 10 * 60_000, 2), ['never', 'old']);
        await storage.setConnection('old', 'node-2', 'websocket', T0 + 3_000);
        assert.deepEqual(await storage.expiredSessions(T0 + 10 * 60_000, 10), ['never', 'recent']);
      });
    });

    describe('publish', () => {
      it('stores a notification once and gives every recipient an inbox entry', async () => {
        await sessions('a', 's1', 's2', 's3');
        const n = note('a', 'n1');
        const out = await publishOk(input(n, { sessions: ['s1', 's3'] }));
        assert.deepEqual(sorted(out.recipients), ['s1', 's3']);
        assert.deepEqual(await storage.readInbox('s1', 0, 10, T0), [{ seq: out.seq, json: n.json }]);
        assert.deepEqual(await storage.readInbox('s3', 0, 10, T0), [{ seq: out.seq, json: n.json }]);
        assert.deepEqual(await storage.readInbox('s2', 0, 10, T0), []);
        assert.deepEqual([await pending('s1'), await pending('s2')], [1, 0]);
        const status = await storage.getStatus('a', 'n1');
        assert.deepEqual(status, { id: 'n1', recipients: 2, delivered: 0, acknowledged: 0, expired: 0, dropped: 0, createdAt: T0 });
      });

      it('addresses the union of users, scopes and sessions, each session once', async () => {
        await sessions('a',
          session('a', 'u1-browser', { userId: 'u1' }),
          session('a', 'u1-kiosk', { userId: 'u1', scope: 'kiosk' }),
          session('a', 'u2-designer', { userId: 'u2', scope: 'designer' }),
          session('a', 'anon-kiosk', { scope: 'kiosk' }),
          session('a', 'u3-browser', { userId: 'u3' }),
        );
        const out = await publishOk(input(note('a', 'n1'), { users: ['u1', 'u9'], scopes: ['kiosk'], sessions: ['u2-designer', 'u1-browser'] }));
        assert.deepEqual(sorted(out.recipients), ['anon-kiosk', 'u1-browser', 'u1-kiosk', 'u2-designer']);
        assert.equal(new Set(out.recipients).size, out.recipients.length);
        assert.equal((await storage.getStatus('a', 'n1'))?.recipients, 4);
        assert.deepEqual(await inboxSeqs('u3-browser'), []);
        assert.equal((await inboxSeqs('u1-kiosk')).length, 1);
      });

      it('returns recipients in the same order for the same target', async () => {
        await sessions('a', 'c', 'a1', 'b');
        const one = await publishOk(input(note('a', 'n1'), { all: true }));
        const two = await publishOk(input(note('a', 'n2'), { sessions: ['b', 'c', 'a1'] }));
        assert.deepEqual(one.recipients, two.recipients);
      });

      it('addresses every session of the app with all, minus except', async () => {
        await sessions('a', 's1', 's2', 's3');
        await sessions('b', 'x1');
        const out = await publishOk(input(note('a', 'n1'), { all: true, except: 's2' }));
        assert.deepEqual(sorted(out.recipients), ['s1', 's3']);
        const scoped = await publishOk(input(note('a', 'n2'), { scopes: ['browser'], except: 's1' }));
        assert.deepEqual(sorted(scoped.recipients), ['s2', 's3']);
        assert.deepEqual(await inboxSeqs('x1'), []);
      });

      it('never reaches sessions of another app', async () => {
        await sessions('a', session('a', 'a-u1', { userId: 'u1' }));
        await sessions('b', session('b', 'b-u1', { userId: 'u1' }), session('b', 'b-kiosk', { scope: 'kiosk' }));
        const byUser = await publishOk(input(note('a', 'n1'), { users: ['u1'] }));
        assert.deepEqual(byUser.recipients, ['a-u1']);
        const byScope = await publishOk(input(note('a', 'n2'), { scopes: ['kiosk'] }));
        assert.deepEqual(byScope.recipients, []);
        const all = await publishOk(input(note('a', 'n3'), { all: true }));
        assert.deepEqual(all.recipients, ['a-u1']);
        assert.deepEqual(await inboxSeqs('b-u1'), []);
        assert.equal(await storage.getStatus('b', 'n1'), null);
      });

      it('refuses explicitly listed sessions that do not exist in the app, storing nothing', async () => {
        await sessions('a', 's1');
        await sessions('b', 'x1');
        const out = await storage.publish(input(note('a', 'n1'), { sessions: ['s1', 'ghost', 'x1'] }));
        assert.ok(out.kind === 'unknown_sessions', `expected unknown_sessions, got ${out.kind}`);
        assert.deepEqual(sorted(out.sessions), ['ghost', 'x1']);
        assert.deepEqual(await inboxSeqs('s1'), []);
        assert.equal(await pending('s1'), 0);
        assert.equal(await storage.getStatus('a', 'n1'), null);
      });

      it('refuses the whole publish when any recipient inbox is full, storing nothing', async () => {
        await sessions('a', 's1', 's2');
        await publishOk(input(note('a', 'n1'), { sessions: ['s1'] }, { maxInbox: 2 }));
        await publishOk(input(note('a', 'n2'), { sessions: ['s1'] }, { maxInbox: 2 }));
        const out = await storage.publish(input(note('a', 'n3'), { all: true }, { maxInbox: 2 }));
        assert.deepEqual(out, { kind: 'inbox_full', sessions: ['s1'] });
        assert.deepEqual(await inboxSeqs('s2'), []);
        assert.equal(await pending('s2'), 0);
        assert.equal(await storage.getStatus('a', 'n3'), null);
        // The cap counts pending entries: acknowledging frees room.
        const last = (await inboxSeqs('s1'))[1] ?? -1;
        await storage.ack('s1', last, T0);
        await publishOk(input(note('a', 'n3'), { all: true }, { maxInbox: 2 }));
      });

      it('addresses only sessions that exist when it commits', async () => {
        await sessions('a', 's1');
        await publishOk(input(note('a', 'n1'), { all: true }));
        await sessions('a', 's2');
        assert.deepEqual(await inboxSeqs('s2'), []);
        assert.equal((await storage.getStatus('a', 'n1'))?.recipients, 1);
      });

      it('stores a notification with no recipients so its status can be asked', async () => {
        const out = await publishOk(input(note('a', 'n1'), { users: ['nobody'] }));
        assert.deepEqual(out.recipients, []);
        assert.equal((await storage.getStatus('a', 'n1'))?.recipients, 0);
      });

      it('hands out strictly increasing seqs', async () => {
        await sessions('a', 's1');
        await sessions('b', 'x1');
        const seqs: number[] = [];
        for (let i = 0; i < 10; i++) {
          const appId = i % 2 === 0 ? 'a' : 'b';
          seqs.push((await publishOk(input(note(appId, `n${i}`), { all: true }))).seq);
        }
        for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!, `seq ${seqs[i]} after ${seqs[i - 1]}`);
      });
    });

    describe('idempotency', () => {
      const keyed = (id: string, hash: string, createdAt = T0) =>
        note('a', id, { idempotencyKey: 'order-42', requestHash: hash, createdAt });

      it('answers a retry with the same key and request with the original notification', async () => {
        await sessions('a', 's1', 's2');
        const first = await publishOk(input(keyed('n1', 'h1'), { all: true }));
        const retry = await storage.publish(input(keyed('n2', 'h1'), { all: true }));
        assert.deepEqual(retry, { kind: 'duplicate', id: 'n1', recipients: 2, sameRequest: true });
        assert.deepEqual(await inboxSeqs('s1'), [first.seq]);
        assert.equal(await storage.getStatus('a', 'n2'), null);
      });

      it('tells a reuse of the key with a different request apart', async () => {
        await sessions('a', 's1');
        await publishOk(input(keyed('n1', 'h1'), { all: true }));
        const conflict = await storage.publish(input(keyed('n2', 'h2'), { all: true }));
        assert.deepEqual(conflict, { kind: 'duplicate', id: 'n1', recipients: 1, sameRequest: false });
        assert.equal(await pending('s1'), 1);
      });

      it('scopes keys to their app', async () => {
        await publishOk(input(keyed('n1', 'h1'), { all: true }));
        await publishOk(input({ ...keyed('n1', 'h1'), appId: 'b' }, { all: true }));
      });

      it('forgets a key once idempotencyTtlMs has passed and a sweep ran', async () => {
        await sessions('a', 's1');
        await publishOk(input(keyed('n1', 'h1'), { all: true }, { idempotencyTtlMs: 1_000 }));
        await storage.sweep(T0 + 500, DAY);
        const within = await storage.publish(input(keyed('n2', 'h1', T0 + 600), { all: true }, { idempotencyTtlMs: 1_000 }));
        assert.equal(within.kind, 'duplicate');
        await storage.sweep(T0 + 1_001, DAY);
        await publishOk(input(keyed('n3', 'h1', T0 + 1_100), { all: true }, { idempotencyTtlMs: 1_000 }));
        assert.equal((await storage.getStatus('a', 'n1'))?.recipients, 1);
        assert.equal(await pending('s1'), 2);
      });
    });

    describe('inbox', () => {
      it('reads entries after a position in seq order, up to a limit, skipping expired ones', async () => {
        await sessions('a', 's1');
        const seqs: number[] = [];
        for (let i = 0; i < 5; i++) {
          const expiresAt = i === 2 ? T0 + 100 : null;
          seqs.push((await publishOk(input(note('a', `n${i}`, { expiresAt }), { all: true }))).seq);
        }
        const [s0, s1, , s3, s4] = seqs as [number, number, number, number, number];
        assert.deepEqual(await inboxSeqs('s1', T0), seqs);
        assert.deepEqual(await inboxSeqs('s1', T0 + 100), [s0, s1, s3, s4]);
        const page = await storage.readInbox('s1', s0, 2, T0 + 100);
        assert.deepEqual(page.map((e) => e.seq), [s1, s3]);
        assert.equal(page[0]?.json, note('a', 'n1').json);
        assert.deepEqual((await storage.readInbox('s1', s3, 10, T0)).map((e) => e.seq), [s4]);
        assert.deepEqual(await storage.readInbox('ghost', 0, 10, T0), []);
      });
    });

    describe('delivery status', () => {
      it('counts a session as delivered once markSent reaches the seq, never moving sentSeq back', async () => {
        await sessions('a', 's1', 's2', 's3');
        const n1 = await publishOk(input(note('a', 'n1'), { all: true }));
        const n2 = await publishOk(input(note('a', 'n2'), { all: true }));
        await storage.markSent([{ sessionId: 's1', seq: n2.seq }, { sessionId: 's2', seq: n1.seq }, { sessionId: 'ghost', seq: n2.seq }]);
        await storage.markSent([{ sessionId: 's1', seq: n1.seq }]);
        assert.equal((await storage.getSession('s1'))?.sentSeq, n2.seq);
        assert.equal((await storage.getStatus('a', 'n1'))?.delivered, 2);
        assert.equal((await storage.getStatus('a', 'n2'))?.delivered, 1);
        await storage.markSent([]);
      });

      it('answers a status only to the notification\'s own app, with its expiry', async () => {
        await publishOk(input(note('a', 'n1'), { all: true }));
        assert.equal(await storage.getStatus('b', 'n1'), null);
        assert.equal(await storage.getStatus('a', 'missing'), null);
        await publishOk(input(note('a', 'n2', { expiresAt: T0 + 5 }), { all: true }));
        assert.equal((await storage.getStatus('a', 'n2'))?.expiresAt, T0 + 5);
      });
    });

    describe('acknowledgement', () => {
      it('acknowledges cumulatively: removes entries, lowers pending and counts them', async () => {
        await sessions('a', 's1', 's2');
        const seqs: number[] = [];
        for (let i = 0; i < 3; i++) seqs.push((await publishOk(input(note('a', `n${i}`), { all: true }))).seq);
        const [a, b, c] = seqs as [number, number, number];
        assert.equal(await storage.ack('s1', b, T0), b);
        assert.deepEqual(await inboxSeqs('s1'), [c]);
        const s1 = await storage.getSession('s1');
        assert.deepEqual([s1?.ackedSeq, s1?.pending], [b, 1]);
        assert.deepEqual(await inboxSeqs('s2'), [a, b, c]);
        const n0 = await storage.getStatus('a', 'n0');
        assert.deepEqual([n0?.acknowledged, n0?.delivered], [1, 1]);
        assert.equal((await storage.getStatus('a', 'n2'))?.acknowledged, 0);
      });

      it('is idempotent and never moves backwards', async () => {
        await sessions('a', 's1');
        const first = await publishOk(input(note('a', 'n1'), { all: true }));
        const second = await publishOk(input(note('a', 'n2'), { all: true }));
        assert.equal(await storage.ack('s1', second.seq, T0), second.seq);
        assert.equal(await storage.ack('s1', second.seq, T0), second.seq);
        assert.equal(await storage.ack('s1', first.seq, T0), second.seq);
        assert.equal((await storage.getSession('s1'))?.ackedSeq, second.seq);
        assert.equal(await pending('s1'), 0);
        assert.equal((await storage.getStatus('a', 'n2'))?.acknowledged, 1);
      });

      it('never acknowledges past the last seq handed out', async () => {
        await sessions('a', 's1');
        const first = await publishOk(input(note('a', 'n1'), { all: true }));
        assert.equal(await storage.ack('s1', first.seq + 1_000, T0), first.seq);
        const later = await publishOk(input(note('a', 'n2'), { all: true }));
        assert.deepEqual(await inboxSeqs('s1'), [later.seq]);
      });

      it('returns -1 for an unknown session', async () => {
        assert.equal(await storage.ack('ghost', 5, T0), -1);
      });

      it('counts entries that expired before the acknowledgement passed them as expired, not acknowledged', async () => {
        await sessions('a', 's1');
        const gone = await publishOk(input(note('a', 'n1', { expiresAt: T0 + 1_000 }), { all: true }));
        const shown = await publishOk(input(note('a', 'n2'), { all: true }));
        assert.equal(await storage.ack('s1', shown.seq, T0 + 2_000), shown.seq);
        const n1 = await storage.getStatus('a', 'n1');
        const n2 = await storage.getStatus('a', 'n2');
        assert.deepEqual([n1?.expired, n1?.acknowledged], [1, 0]);
        assert.deepEqual([n2?.expired, n2?.acknowledged], [0, 1]);
        assert.ok(gone.seq < shown.seq);
      });
    });

    describe('sweep', () => {
      it('removes expired entries, counts them expired and frees inbox room', async () => {
        await sessions('a', 's1', 's2');
        const short = await publishOk(input(note('a', 'n1', { expiresAt: T0 + 1_000 }), { all: true }));
        const kept = await publishOk(input(note('a', 'n2', { expiresAt: T0 + 5_000 }), { all: true }));
        const forever = await publishOk(input(note('a', 'n3'), { all: true }));
        await storage.markSent([{ sessionId: 's1', seq: short.seq }]);
        assert.equal(await storage.sweep(T0 + 999, DAY), 0);
        assert.equal(await storage.sweep(T0 + 1_000, DAY), 2);
        assert.equal(await storage.sweep(T0 + 1_000, DAY), 0);
        assert.deepEqual(await inboxSeqs('s1'), [kept.seq, forever.seq]);
        assert.deepEqual([await pending('s1'), await pending('s2')], [2, 2]);
        const n1 = await storage.getStatus('a', 'n1');
        assert.deepEqual([n1?.expired, n1?.delivered, n1?.acknowledged], [2, 1, 0]);
        assert.equal((await storage.getStatus('a', 'n2'))?.expired, 0);
      });
    });

    describe('status retention', () => {
      it('forgets a notification no inbox holds once the retention after its expiry has passed', async () => {
        await sessions('a', 's1');
        const n = await publishOk(input(note('a', 'n1', { expiresAt: T0 + 1_000 }), { all: true }));
        assert.equal(await storage.ack('s1', n.seq, T0), n.seq);
        await storage.sweep(T0 + 1_000 + DAY - 1, DAY);
        assert.equal((await storage.getStatus('a', 'n1'))?.acknowledged, 1, 'kept within the retention');
        await storage.sweep(T0 + 1_000 + DAY, DAY);
        assert.equal(await storage.getStatus('a', 'n1'), null, 'forgotten after it');
        const next = await publishOk(input(note('a', 'n2'), { all: true }));
        assert.ok(next.seq > n.seq, 'seqs are never reused');
      });

      it('keeps a notification while an inbox still holds it', async () => {
        await sessions('a', 's1');
        await publishOk(input(note('a', 'n1'), { all: true }));
        await storage.sweep(T0 + 10 * DAY, DAY);
        assert.notEqual(await storage.getStatus('a', 'n1'), null);
      });
    });

    describe('concurrency', () => {
      it('lands 200 concurrent publishes with distinct seqs, every inbox in seq order', async () => {
        await sessions('a', 's1', 's2', session('a', 's3', { userId: 'u1' }));
        const outs = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            publishOk(input(note('a', `n${i}`), i % 2 === 0 ? { all: true } : { users: ['u1'] })),
          ),
        );
        const seqs = outs.map((o) => o.seq);
        assert.equal(new Set(seqs).size, 200);
        const expected = (filter: (i: number) => boolean) =>
          seqs.filter((_, i) => filter(i)).sort((x, y) => x - y);
        assert.deepEqual(await inboxSeqs('s1'), expected((i) => i % 2 === 0));
        assert.deepEqual(await inboxSeqs('s3'), expected(() => true));
        // Each entry carries the notification its publish was answered with.
        const bySeq = new Map(seqs.map((seq, i) => [seq, note('a', `n${i}`).json]));
        for (const entry of await storage.readInbox('s3', 0, BIG, T0)) assert.equal(entry.json, bySeq.get(entry.seq));
        assert.equal(await pending('s3'), 200);
      });

      it('keeps every write when publishes, acks and marks run at once', async () => {
        await sessions('a', 's1', 's2');
        const base = await publishOk(input(note('a', 'n0'), { all: true }));
        await Promise.all([
          ...Array.from({ length: 50 }, (_, i) => publishOk(input(note('a', `n${i + 1}`), { sessions: ['s2'] }))),
          storage.ack('s1', base.seq, T0),
          storage.markSent([{ sessionId: 's2', seq: base.seq }]),
        ]);
        assert.deepEqual([await pending('s1'), await pending('s2')], [0, 51]);
        assert.equal((await storage.getSession('s2'))?.sentSeq, base.seq);
        assert.deepEqual([(await storage.getStatus('a', 'n0'))?.acknowledged, (await storage.getStatus('a', 'n0'))?.delivered], [1, 2]);
      });
    });

    describe('durability', () => {
      it('keeps apps, sessions, notifications and ack positions across a restart', async (t) => {
        if (harness.reopen === undefined) return t.skip('no reopen for this backend');
        await sessions('a', 's1', 's2');
        const seqs: number[] = [];
        for (let i = 0; i < 3; i++) seqs.push((await publishOk(input(note('a', `n${i}`), { all: true }))).seq);
        await storage.ack('s1', seqs[1]!, T0);
        await storage.markSent([{ sessionId: 's2', seq: seqs[2]! }]);

        storage = await harness.reopen();
        await storage.init();
        assert.deepEqual(await storage.getApp('a'), app('a'));
        assert.deepEqual(await inboxSeqs('s1'), [seqs[2]]);
        assert.deepEqual(await inboxSeqs('s2'), seqs);
        const s1 = await storage.getSession('s1');
        assert.deepEqual([s1?.ackedSeq, s1?.pending], [seqs[1], 1]);
        assert.equal((await storage.getSession('s2'))?.sentSeq, seqs[2]);
        assert.equal((await storage.getStatus('a', 'n0'))?.acknowledged, 1);
        assert.equal((await storage.readInbox('s2', 0, 1, T0))[0]?.json, note('a', 'n0').json);
      });

      it('keeps idempotency keys and the seq order across a restart', async (t) => {
        if (harness.reopen === undefined) return t.skip('no reopen for this backend');
        await sessions('a', 's1');
        const keyed = note('a', 'n1', { idempotencyKey: 'k', requestHash: 'h' });
        const before = await publishOk(input(keyed, { all: true }));
        // A write whose promise was not awaited before close must still be committed by close().
        const pendingWrite = storage.publish(input(note('a', 'n2'), { all: true }));

        storage = await harness.reopen();
        await storage.init();
        const flushed = await pendingWrite;
        assert.ok(flushed.kind === 'published', `expected published, got ${flushed.kind}`);
        assert.equal((await storage.getStatus('a', 'n2'))?.recipients, 1);
        assert.equal((await storage.publish(input({ ...keyed, id: 'n3' }, { all: true }))).kind, 'duplicate');
        const after = await publishOk(input(note('a', 'n4'), { all: true }));
        assert.ok(after.seq > flushed.seq && flushed.seq > before.seq, 'seqs keep increasing after a restart');
        assert.deepEqual(await inboxSeqs('s1'), [before.seq, flushed.seq, after.seq]);
      });
    });
  });
}
