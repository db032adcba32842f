// ClusterMember on the in-process bus with real core objects (SQLite in memory): bus messages become deliveries and closes.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CloseCode } from '@herald/protocol';
import { Delivery } from '../core/delivery.js';
import type { Outlet } from '../core/outlet.js';
import { Publisher } from '../core/publish.js';
import { Sessions } from '../core/sessions.js';
import { SqliteStorage } from '../storage/sqlite/sqlite.js';
import { LocalBus } from './local-bus.js';
import { ClusterMember } from './member.js';
import type { FanoutMessage } from '../core/channels/fanout.js';

const T0 = 1_700_000_000_000;

class RecordingOutlet implements Outlet {
  readonly transport = 'websocket' as const;
  readonly frames: string[] = [];
  closed: number | null = null;
  send(frame: string): void {
    this.frames.push(frame);
  }
  close(code: number): void {
    this.closed = code;
  }
  seqs(): number[] {
    return this.frames.map((f) => (JSON.parse(f) as { seq: number }).seq);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('ClusterMember', () => {
  let storage: SqliteStorage;
  let delivery: Delivery;
  let publisher: Publisher;
  let sessions: Sessions;
  let bus: LocalBus;
  let member: ClusterMember;
  let errors: unknown[];

  beforeEach(async () => {
    storage = new SqliteStorage({ path: ':memory:', synchronous: 'NORMAL' });
    await storage.init();
    await storage.putApp({ id: 'a', key: 'k', secret: 's', name: 'A', createdAt: T0, settings: {} });
    for (const id of ['s1', 's2']) {
      await storage.createSession({ id, appId: 'a', userId: null, scope: 'browser', meta: {}, resumeHash: 'h', ttlMs: 60_000, createdAt: T0 });
    }
    const now = () => T0;
    errors = [];
    const onError = (err: unknown) => void errors.push(err);
    delivery = new Delivery(storage, { readBatch: 100, now, onError });
    sessions = new Sessions(storage, delivery, { node: 'me', sessionTtlMs: 60_000, heartbeatMs: 25_000, maxConnectionsPerApp: 100, now });
    publisher = new Publisher(storage, delivery, { maxInbox: 1000, defaultTtlSeconds: 3600, idempotencyTtlMs: 60_000, now });
    bus = new LocalBus();
    member = new ClusterMember({ node: 'me', bus, storage, delivery, sessions, publisher, onError });
    member.wire();
    await bus.start(member);
  });
  afterEach(async () => {
    await tick();
    await delivery.flush();
    await storage.close();
    assert.deepEqual(errors, []);
  });

  async function live(sessionId: string): Promise<RecordingOutlet> {
    const outlet = new RecordingOutlet();
    delivery.attach(sessionId, 'a', outlet, 0);
    await tick();
    return outlet;
  }

  it('delivers a publish committed on this node through the bus', async () => {
    const outlet = await live('s1');
    await publisher.publish('a', { to: { sessions: ['s1'] }, module: 'm', type: 't' });
    assert.equal(outlet.frames.length, 1);
  });

  it('after a gap reads the inbox again, so entries whose announcement was missed come before newer ones', async () => {
    const outlet = await live('s1');
    const silent = () => {};
    publisher.announce = silent;
    await publisher.publish('a', { to: { sessions: ['s1'] }, module: 'm', type: 'missed-1' });
    await publisher.publish('a', { to: { sessions: ['s1'] }, module: 'm', type: 'missed-2' });
    assert.equal(outlet.frames.length, 0, 'the announcements were lost');
    member.gap();
    const next = await storage.publish({
      notification: { appId: 'a', id: 'n3', json: '{"id":"n3"}', createdAt: T0, expiresAt: null, idempotencyKey: null, requestHash: null },
      target: { sessions: ['s1'] }, maxInbox: 1000, idempotencyTtlMs: 1,
    });
    assert.ok(next.kind === 'published');
    member.message({ kind: 'inbox', seq: next.seq, recipients: ['s1'], json: '{"id":"n3"}' });
    await tick();
    const seqs = outlet.seqs();
    assert.equal(seqs.length, 3);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
  });

  it('closes its connection when another node took the session over, and only then', async () => {
    const outlet = await live('s1');
    await storage.setConnection('s1', 'me', 'websocket', T0);
    member.message({ kind: 'takeover', session: 's1', node: 'other' });
    await tick();
    assert.equal(outlet.closed, null, 'storage says this node serves it: the takeover lost the race');
    member.message({ kind: 'takeover', session: 's1', node: 'me' });
    await storage.setConnection('s1', 'other', 'websocket', T0 + 1);
    member.message({ kind: 'takeover', session: 's1', node: 'other' });
    await tick();
    assert.equal(outlet.closed, CloseCode.SessionTakenOver);
    assert.equal(delivery.get('s1'), undefined);
  });

  it('closes its connection of a session that ended on another node', async () => {
    const outlet = await live('s2');
    member.message({ kind: 'ended', session: 's2', reason: 'backend' });
    assert.equal(outlet.closed, CloseCode.SessionEnded);
  });

  it('hands channel messages to the channel fan-out, and only those', async () => {
    const heard: FanoutMessage[] = [];
    const withChannels = new ClusterMember({ node: 'me', bus, storage, delivery, sessions, publisher, onError: (err) => void errors.push(err), channels: { receive: (m) => void heard.push(m) } });
    const event: FanoutMessage = { kind: 'event', appId: 'a', channel: 'orders', event: 'e', data: '{}' };
    withChannels.message({ kind: 'channel', message: event });
    withChannels.message({ kind: 'ended', session: 'nobody', reason: 'client' });
    assert.deepEqual(heard, [event]);
    member.message({ kind: 'channel', message: event });
    assert.equal(heard.length, 1, 'a member without cluster-wide channels ignores them');
  });

  it('closes every connection when asked to send its clients elsewhere', async () => {
    const a = await live('s1');
    const b = await live('s2');
    member.reconnectAll();
    assert.deepEqual([a.closed, b.closed, delivery.size], [CloseCode.ServerShutdown, CloseCode.ServerShutdown, 0]);
  });
});
