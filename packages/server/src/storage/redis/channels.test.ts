// Runs the ChannelState contract on RedisChannelState (the shared Redis, a random key prefix per test), plus what only a shared state does.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { channelStateContract } from '../../core/channels/state-contract.js';
import type { Departure } from '../../core/channels/state.js';
import { decode, type BusMessage } from '../../cluster/messages.js';
import type { RedisChannelState } from './channels.js';
import { RedisStorage } from './redis.js';
import { deletePrefix, keysUnder, randomPrefix, TEST_REDIS_URL } from './testing.js';

const T0 = 1_700_000_000_000;
const noError = (err: unknown) => {
  throw err;
};

channelStateContract('redis', async () => {
  const prefix = randomPrefix();
  const storage = new RedisStorage({ url: TEST_REDIS_URL, prefix });
  await storage.init();
  const state = storage.channelState({ node: 'n1', releaseMs: 60_000, onError: noError });
  return {
    state,
    cleanup: async () => {
      await state.close();
      await storage.close();
      await deletePrefix(prefix);
    },
  };
});

describe('RedisChannelState across nodes', () => {
  let prefix: string;
  let storage: RedisStorage;
  let subscriber: Redis;
  let heard: BusMessage[];
  const states: RedisChannelState[] = [];

  /** The state as node `node` sees it, recording the departures reported to it. */
  const nodeState = (node: string, departures: Departure[] = []): RedisChannelState => {
    const state = storage.channelState({ node, releaseMs: 60_000, onError: noError });
    state.onDeparture((d) => departures.push(d));
    states.push(state);
    return state;
  };
  const member = (userId: string) => ({ userId, info: { name: userId, note: 'a/"b"é' } });
  const heardSoon = async (count: number) => {
    for (let i = 0; i < 100 && heard.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    return heard;
  };

  beforeEach(async () => {
    prefix = randomPrefix();
    storage = new RedisStorage({ url: TEST_REDIS_URL, prefix });
    await storage.init();
    heard = [];
    subscriber = await storage.openSubscriber();
    subscriber.on('message', (_channel: string, text: string) => {
      const message = decode(text);
      assert.ok(message, `decodable bus message: ${text}`);
      heard.push(message);
    });
    await subscriber.subscribe(storage.keys.bus);
  });
  afterEach(async () => {
    for (const s of states.splice(0)) await s.close();
    subscriber.disconnect();
    await storage.close();
    await deletePrefix(prefix);
  });

  it('publishes member_added and member_removed on the bus inside the change, in the format every node decodes', async () => {
    const a = nodeState('n1');
    const b = nodeState('n2');
    await a.join({ appId: 'app', channel: 'presence-room', socketId: '1.1', member: member('alice') });
    await b.join({ appId: 'app', channel: 'presence-room', socketId: '2.1', member: member('alice') });
    await a.leave('app', 'presence-room', '1.1');
    await b.leave('app', 'presence-room', '2.1');
    assert.deepEqual(await heardSoon(2), [
      { kind: 'channel', message: { kind: 'member_added', appId: 'app', channel: 'presence-room', member: member('alice'), except: '1.1' } },
      { kind: 'channel', message: { kind: 'member_removed', appId: 'app', channel: 'presence-room', userId: 'alice' } },
    ]);
  });

  it('removes the sockets of a retired lease once, reporting member_removed and vacated to the one node that removed them', async () => {
    await storage.nodes.register('n1', T0);
    await storage.nodes.register('n2', T0 + 50_000);
    const dead = nodeState('n1');
    const seenB: Departure[] = [];
    const seenC: Departure[] = [];
    const b = nodeState('n2', seenB);
    const c = nodeState('n3', seenC);
    await dead.join({ appId: 'app', channel: 'presence-room', socketId: '1.1', member: member('alice') });
    await dead.join({ appId: 'app', channel: 'presence-room', socketId: '1.2', member: member('alice') });
    await dead.join({ appId: 'app', channel: 'news', socketId: '1.1' });
    await b.join({ appId: 'app', channel: 'presence-room', socketId: '2.1', member: member('bob') });
    assert.equal(await b.releaseRetired(), 0, 'nothing to release while n1 holds its lease');

    assert.deepEqual(await storage.nodes.reap(T0 + 60_000, 30_000), ['n1']);
    const removed = await Promise.all([b.releaseRetired(), c.releaseRetired()]);
    assert.equal(removed[0] + removed[1], 3);
    const all = [...seenB, ...seenC].sort((x, y) => `${x.channel}${x.socketId}`.localeCompare(`${y.channel}${y.socketId}`));
    assert.deepEqual(all.map((d) => [d.channel, d.socketId, d.vacated]), [['news', '1.1', true], ['presence-room', '1.1', false], ['presence-room', '1.2', false]]);
    assert.deepEqual(all.filter((d) => d.memberRemoved !== null).map((d) => d.memberRemoved), ['alice']);
    assert.deepEqual(await b.summary('app', 'presence-room'), { channel: 'presence-room', subscriptions: 1, users: 1 });
    assert.deepEqual(await b.list('app', ''), [{ channel: 'presence-room', subscriptions: 1, users: 1 }]);
    const removals = (await heardSoon(3)).filter((m) => m.kind === 'channel' && m.message.kind === 'member_removed');
    assert.equal(removals.length, 1, 'one member_removed for alice, whose two sockets went');
    assert.equal(await b.releaseRetired(), 0);
    assert.deepEqual(await keysUnder(prefix, 'co:n1:*'), []);
  });

  it('keeps a socket its node recorded again after its lease was retired and renewed', async () => {
    await storage.nodes.register('n1', T0);
    const paused = nodeState('n1');
    const other = nodeState('n2', []);
    await paused.join({ appId: 'app', channel: 'presence-room', socketId: '1.1', member: member('alice') });
    await storage.nodes.reap(T0 + 60_000, 30_000);
    // Back before anyone released it: the node registers again and records its subscriptions again.
    await storage.nodes.register('n1', T0 + 60_000);
    const again = await paused.join({ appId: 'app', channel: 'presence-room', socketId: '1.1', member: member('alice') });
    assert.ok(again.kind === 'joined' && !again.occupied && !again.memberAdded);
    assert.equal(await other.releaseRetired(), 0);
    assert.deepEqual(await other.summary('app', 'presence-room'), { channel: 'presence-room', subscriptions: 1, users: 1 });
    assert.equal((await paused.leave('app', 'presence-room', '1.1')).kind, 'left');
    assert.deepEqual(await keysUnder(prefix, 'c[olmux]*'), []);
  });

  it('lists more channels than one script call reads, by prefix', async () => {
    const state = nodeState('n1');
    const names = Array.from({ length: 1100 }, (_, i) => `presence-p${String(i).padStart(4, '0')}`);
    await Promise.all(names.map((channel, i) => state.join({ appId: 'app', channel, socketId: `3.${i}`, member: member('u') })));
    await state.join({ appId: 'app', channel: 'other', socketId: '4.1' });
    const listed = await state.list('app', 'presence-');
    assert.deepEqual(listed.map((s) => s.channel), names);
    assert.ok(listed.every((s) => s.subscriptions === 1 && s.users === 1));
    assert.equal((await state.list('app', '')).length, 1101);
  });

  it('retries a leave that failed while Redis was unavailable, and reports its departure then', async () => {
    const departures: Departure[] = [];
    const state = nodeState('n1', departures);
    await state.join({ appId: 'app', channel: 'presence-out', socketId: '6.1', member: member('gone') });
    await state.join({ appId: 'app', channel: 'presence-out', socketId: '6.2', member: member('back') });
    await storage.close();
    await assert.rejects(state.leave('app', 'presence-out', '6.1'), /storage|Redis/i);
    await assert.rejects(state.leave('app', 'presence-out', '6.2'), /storage|Redis/i);
    await storage.init();
    // Socket 6.2 subscribed again before the retry: its failed leave must not undo that.
    await state.join({ appId: 'app', channel: 'presence-out', socketId: '6.2', member: member('back') });
    assert.equal(await state.releaseRetired(), 0, 'no dead lease');
    assert.deepEqual(departures, [{ appId: 'app', channel: 'presence-out', socketId: '6.1', vacated: false, memberRemoved: 'gone' }]);
    assert.deepEqual((await state.members('app', 'presence-out')).map((m) => m.userId), ['back']);
    await state.releaseRetired();
    assert.equal(departures.length, 1, 'a retried leave runs once');
  });

  it('leaves no keys behind once every socket left', async () => {
    const state = nodeState('n1');
    await state.join({ appId: 'app', channel: 'presence-x', socketId: '5.1', member: member('u1') });
    await state.join({ appId: 'app', channel: 'news', socketId: '5.1' });
    await state.leave('app', 'presence-x', '5.1');
    await state.leave('app', 'news', '5.1');
    assert.deepEqual(await keysUnder(prefix, 'c*'), []);
  });
});
