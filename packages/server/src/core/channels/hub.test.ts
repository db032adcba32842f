// ChannelHub with in-process state and fan-out, driven by recording subscribers (the real ones are protocol connections).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { authToken, channelAuthText } from './authorize.js';
import { createChannelHub, type ChannelHub, type ChannelLifecycleEvent, type ChannelSubscriber, type SubscriberMessage } from './index.js';

const APP = { id: 'app', key: 'key', secret: 'secret' };
let next = 1;

class Recorder implements ChannelSubscriber {
  readonly app = APP;
  readonly socketId = `${next}.${next++}`;
  readonly got: SubscriberMessage[] = [];
  terminated = false;
  constructor(
    private readonly user: string | null = null,
    readonly sessionId?: string,
  ) {}
  userId(): string | null {
    return this.user;
  }
  send(message: SubscriberMessage): void {
    this.got.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  kinds(): string[] {
    return this.got.map((m) => (m.kind === 'event' ? `event:${m.event}` : m.kind));
  }
}

function setup(): { hub: ChannelHub; lifecycle: ChannelLifecycleEvent[]; errors: unknown[] } {
  const errors: unknown[] = [];
  const hub = createChannelHub({ now: Date.now, onError: (err) => errors.push(err) });
  const lifecycle: ChannelLifecycleEvent[] = [];
  hub.observers.push((e) => lifecycle.push(e));
  return { hub, lifecycle, errors };
}

function attach(hub: ChannelHub, sub: Recorder): Recorder {
  hub.attach(sub);
  return sub;
}

const presence = (sub: Recorder, channel: string, user: string) => {
  const channelData = JSON.stringify({ user_id: user, user_info: { name: user } });
  return { channel, channelData, auth: authToken(APP, channelAuthText(sub.socketId, channel, channelData)) };
};

describe('ChannelHub', () => {
  it('joins public channels freely and private ones only with a valid signature for this socket', async () => {
    const { hub } = setup();
    const a = attach(hub, new Recorder());
    const b = attach(hub, new Recorder());
    await hub.subscribe(a, { channel: 'news' });
    await hub.subscribe(a, { channel: 'private-x', auth: authToken(APP, channelAuthText(a.socketId, 'private-x')) });
    await hub.subscribe(b, { channel: 'private-x', auth: authToken(APP, channelAuthText(a.socketId, 'private-x')) });
    await hub.subscribe(b, { channel: 'bad name' });
    assert.deepEqual(a.kinds(), ['subscribed', 'subscribed']);
    assert.deepEqual(b.got.map((m) => m.kind === 'refused' && m.refusal.code), ['channel_unauthorized', 'invalid_channel']);
  });

  it('gives a presence subscriber the members and tells the others once per user', async () => {
    const { hub, lifecycle } = setup();
    const bob = attach(hub, new Recorder());
    const tab1 = attach(hub, new Recorder());
    const tab2 = attach(hub, new Recorder());
    await hub.subscribe(bob, presence(bob, 'presence-r', 'bob'));
    await hub.subscribe(tab1, presence(tab1, 'presence-r', 'alice'));
    await hub.subscribe(tab2, presence(tab2, 'presence-r', 'alice'));
    const last = tab2.got[0]!;
    assert.ok(last.kind === 'subscribed');
    assert.deepEqual(last.members?.map((m) => m.userId).sort(), ['alice', 'bob']);
    assert.deepEqual(bob.kinds(), ['subscribed', 'member_added']);
    assert.deepEqual(tab1.kinds(), ['subscribed'], 'no member_added for its own second tab');
    await hub.detach(tab1);
    assert.deepEqual(bob.kinds(), ['subscribed', 'member_added']);
    await hub.detach(tab2);
    assert.deepEqual(bob.kinds(), ['subscribed', 'member_added', 'member_removed']);
    assert.deepEqual(lifecycle.map((e) => e.name), ['channel_occupied', 'member_added', 'member_added', 'member_removed']);
  });

  it('delivers triggered events to subscribers except the excluded socket or native session', async () => {
    const { hub } = setup();
    const a = attach(hub, new Recorder());
    const b = attach(hub, new Recorder(null, 'session-b'));
    const c = attach(hub, new Recorder());
    for (const s of [a, b, c]) await hub.subscribe(s, { channel: 'room' });
    await hub.trigger('app', { channels: ['room'], event: 'e1', data: '1', except: a.socketId });
    await hub.trigger('app', { channels: ['room'], event: 'e2', data: '2', except: 'session-b' });
    assert.deepEqual([a.kinds(), b.kinds(), c.kinds()], [
      ['subscribed', 'event:e2'],
      ['subscribed', 'event:e1'],
      ['subscribed', 'event:e1', 'event:e2'],
    ]);
    await hub.trigger('other-app', { channels: ['room'], event: 'e3', data: '3' });
    assert.equal(c.got.length, 3, 'apps are kept apart');
  });

  it('relays client events to the others only, with the presence user id, and refuses the rest', async () => {
    const { hub, lifecycle } = setup();
    hub.policy = () => ({ clientEvents: true, maxClientEventsPerSecond: 2, maxEventBytes: 16, maxPresenceMembers: 100, cacheTtlSeconds: 60 });
    const a = attach(hub, new Recorder());
    const b = attach(hub, new Recorder());
    for (const s of [a, b]) await hub.subscribe(s, presence(s, 'presence-c', s === a ? 'ann' : 'ben'));
    await hub.subscribe(a, { channel: 'public' });
    assert.equal(hub.clientEvent(a, { channel: 'presence-c', event: 'client-hi', data: '{}' }), null);
    const relayed = b.got.at(-1)!;
    assert.ok(relayed.kind === 'event' && relayed.userId === 'ann');
    assert.ok(!a.got.some((m) => m.kind === 'event'), 'never echoed');
    assert.equal(hub.clientEvent(a, { channel: 'public', event: 'client-x', data: '{}' })?.code, 'client_event_refused');
    assert.equal(hub.clientEvent(a, { channel: 'presence-c', event: 'not-client', data: '{}' })?.code, 'client_event_refused');
    assert.equal(hub.clientEvent(a, { channel: 'private-other', event: 'client-x', data: '{}' })?.code, 'client_event_refused');
    assert.equal(hub.clientEvent(a, { channel: 'presence-c', event: 'client-x', data: 'x'.repeat(17) })?.code, 'payload_too_large');
    assert.equal(hub.clientEvent(a, { channel: 'presence-c', event: 'client-x', data: '1' }), null);
    assert.equal(hub.clientEvent(a, { channel: 'presence-c', event: 'client-x', data: '2' })?.code, 'rate_limited');
    assert.deepEqual(lifecycle.filter((e) => e.name === 'client_event').length, 2);
    hub.policy = () => ({ clientEvents: false, maxClientEventsPerSecond: 0, maxEventBytes: 16, maxPresenceMembers: 100, cacheTtlSeconds: 60 });
    assert.match(hub.clientEvent(b, { channel: 'presence-c', event: 'client-x', data: '1' })!.message, /disabled/);
  });

  it('replays the cached event to a new subscriber of a cache channel, or reports a cache miss once', async () => {
    const { hub, lifecycle } = setup();
    const early = attach(hub, new Recorder());
    await hub.subscribe(early, { channel: 'cache-p' });
    await hub.trigger('app', { channels: ['cache-p'], event: 'price', data: '1.1' });
    const late = attach(hub, new Recorder());
    await hub.subscribe(late, { channel: 'cache-p' });
    assert.deepEqual(early.kinds(), ['subscribed', 'cache_miss', 'event:price']);
    assert.deepEqual(late.kinds(), ['subscribed', 'event:price']);
    assert.equal(lifecycle.filter((e) => e.name === 'cache_miss').length, 1);
  });

  it('leaves no membership behind when unsubscribe or detach follows subscribe at once', async () => {
    const { hub } = setup();
    const a = attach(hub, new Recorder());
    const b = attach(hub, new Recorder());
    const joining = hub.subscribe(a, { channel: 'quick' });
    const leaving = hub.unsubscribe(a, 'quick');
    const joiningB = hub.subscribe(b, { channel: 'quick' });
    const detached = hub.detach(b);
    await Promise.all([joining, leaving, joiningB, detached]);
    assert.deepEqual(await hub.state.summary('app', 'quick'), { channel: 'quick', subscriptions: 0, users: null });
    await hub.trigger('app', { channels: ['quick'], event: 'late', data: '' });
    assert.ok(!a.got.some((m) => m.kind === 'event') && !b.got.some((m) => m.kind === 'event'));
  });

  it('lets only the signed-in user subscribe to #server-to-user-{id}, and terminates only that user', async () => {
    const { hub } = setup();
    const alice = attach(hub, new Recorder('alice'));
    const bob = attach(hub, new Recorder('bob'));
    await hub.subscribe(alice, { channel: '#server-to-user-alice' });
    await hub.subscribe(bob, { channel: '#server-to-user-alice' });
    assert.deepEqual(alice.kinds(), ['subscribed']);
    assert.deepEqual(bob.got.map((m) => m.kind === 'refused' && m.refusal.code), ['channel_unauthorized']);
    await hub.terminateUser('app', 'alice');
    assert.deepEqual([alice.terminated, bob.terminated], [true, false]);
  });

  it('refuses a new presence member beyond the limit with channel_full', async () => {
    const { hub } = setup();
    hub.policy = () => ({ clientEvents: true, maxClientEventsPerSecond: 0, maxEventBytes: 1024, maxPresenceMembers: 1, cacheTtlSeconds: 60 });
    const a = attach(hub, new Recorder());
    const b = attach(hub, new Recorder());
    await hub.subscribe(a, presence(a, 'presence-one', 'a'));
    await hub.subscribe(b, presence(b, 'presence-one', 'b'));
    assert.deepEqual(b.got.map((m) => m.kind === 'refused' && m.refusal.code), ['channel_full']);
  });
});
