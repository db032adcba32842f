// Pusher channels on a three-node cluster: pusher-js, the pusher server SDK and the native SDKs spread over the nodes see one set of channels.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel, PresenceChannel } from 'pusher-js';
import type { Channel as NativeChannel, HeraldClient } from '@herald/client/node';
import { MAIN, serverSdk, startBackend, startWebhookReceiver, type Backend, type Pusher, type WebhookReceiver } from '../pusher/fixtures.js';
import { waitUntil } from '../fixtures/clients.js';
import { deletePrefix, randomPrefix } from '../fixtures/redis.js';
import { nativeAs, pusherAs, startPusherCluster, subscribed, type PusherCluster } from '../fixtures/pusher-cluster.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Everything `channel` received, as [event, data] pairs. */
function record(channel: Channel): Array<[string, unknown]> {
  const seen: Array<[string, unknown]> = [];
  channel.bind_global((event: string, data: unknown) => {
    if (!event.startsWith('pusher')) seen.push([event, data]);
  });
  return seen;
}

function nativeRecord(channel: NativeChannel): Array<[string, unknown]> {
  const seen: Array<[string, unknown]> = [];
  for (const event of ['note', 'headline']) channel.bind(event, (data) => void seen.push([event, data]));
  return seen;
}

describe('Pusher channels across three nodes on Redis', () => {
  const prefix = randomPrefix();
  let cluster: PusherCluster;
  let backend: Backend;
  let hooks: WebhookReceiver;
  const pushers: Pusher[] = [];
  const natives: HeraldClient[] = [];

  /** pusher-js on node `i` as `user`. */
  const on = (i: number, user = 'anonymous'): Pusher => {
    const c = pusherAs(cluster.nodes[i]!.port, backend, user);
    pushers.push(c);
    return c;
  };
  const native = async (i: number, user: string): Promise<HeraldClient> => {
    const c = await nativeAs(cluster.nodes[i]!.url, cluster.heralds[i]!, cluster.sdks[i]!, user);
    natives.push(c);
    return c;
  };
  const nativeSubscribed = async (c: HeraldClient, name: string): Promise<NativeChannel> => {
    const channel = c.channels.subscribe(name);
    await waitUntil(() => channel.state === 'subscribed', `native subscription to ${name}`);
    return channel;
  };
  const hooked = (name: string, channel: string, user?: string) =>
    hooks.received.flatMap((r) => r.events).filter((e) => e['name'] === name && e['channel'] === channel && (user === undefined || e['user_id'] === user));
  const get = async (node: number, path: string, params: Record<string, string> = {}): Promise<unknown> => {
    const res = await cluster.sdks[node]!.get({ path, params });
    assert.equal(res.status, 200, `GET ${path} through node ${node + 1}`);
    return res.json();
  };

  before(async () => {
    hooks = await startWebhookReceiver(serverSdk(1, MAIN));
    cluster = await startPusherCluster(3, prefix, { webhooks: [{ url: hooks.url }], webhookBatchMs: 50 });
    backend = await startBackend(cluster.nodes[0]!.port);
  });
  after(async () => {
    for (const p of pushers) p.disconnect();
    for (const n of natives) n.close();
    await backend.close();
    await cluster.stop();
    await hooks.close();
    await deletePrefix(prefix);
  });

  it('delivers events published through any node\'s HTTP API to subscribers on every node, in order per publisher', async () => {
    const channels = await Promise.all([0, 1, 2].map((i) => subscribed(on(i), 'orders')));
    const seen = channels.map(record);
    for (let k = 0; k < 3; k++) {
      const batch = Array.from({ length: 10 }, (_, i) => ({ channel: 'orders', name: 'placed', data: { via: k, n: i } }));
      const res = await cluster.sdks[k]!.triggerBatch(batch);
      assert.equal(res.status, 200);
    }
    await waitUntil(() => seen.every((s) => s.length === 30), 'every event on every node', 10_000);
    for (const s of seen) {
      for (let k = 0; k < 3; k++) {
        assert.deepEqual(s.filter(([, d]) => (d as { via: number }).via === k).map(([, d]) => (d as { n: number }).n), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      }
    }
  });

  it('skips the connection named by socket_id even when it is on another node than the publisher', async () => {
    const clients = [on(0), on(1), on(2)];
    const seen = (await Promise.all(clients.map((c, i) => subscribed(c, 'orders-skip').then((ch) => [i, ch] as const)))).map(([, ch]) => record(ch));
    const excluded = clients[2]!.connection.socket_id;
    await cluster.sdks[0]!.trigger('orders-skip', 'secret', { n: 1 }, { socket_id: excluded });
    await waitUntil(() => seen[0]!.length === 1 && seen[1]!.length === 1, 'the event on nodes 1 and 2');
    await cluster.sdks[1]!.trigger('orders-skip', 'after', { n: 2 });
    await waitUntil(() => seen[2]!.some(([e]) => e === 'after'), 'the next event on node 3');
    assert.deepEqual(seen[2], [['after', { n: 2 }]], 'the excluded connection never got the first event');
  });

  it('shows presence members across nodes and sends member_added / member_removed once per user, with one webhook each', async () => {
    const watcher = (await subscribed(on(2, 'watcher'), 'presence-hall')) as PresenceChannel;
    const added: string[] = [];
    const removed: string[] = [];
    watcher.bind('pusher:member_added', (m: { id: string }) => added.push(m.id));
    watcher.bind('pusher:member_removed', (m: { id: string }) => removed.push(m.id));
    const alice1 = on(0, 'alice');
    await subscribed(alice1, 'presence-hall');
    await waitUntil(() => added.includes('alice'), 'member_added alice on node 3');
    const alice2 = on(1, 'alice');
    const alice2Hall = (await subscribed(alice2, 'presence-hall')) as PresenceChannel;
    assert.equal(alice2Hall.members.count, 2, 'a node-2 subscriber sees the members of nodes 1 and 3');
    assert.deepEqual(alice2Hall.members.get('watcher'), { id: 'watcher', info: { name: 'watcher' } });
    const bob = on(1, 'bob');
    await subscribed(bob, 'presence-hall');
    await waitUntil(() => added.includes('bob'), 'member_added bob');
    assert.equal(watcher.members.count, 3);
    const users = (await get(0, '/channels/presence-hall/users')) as { users: Array<{ id: string }> };
    assert.deepEqual(users.users.map((u) => u.id).sort(), ['alice', 'bob', 'watcher']);

    alice1.disconnect();
    await sleep(300);
    assert.deepEqual(removed, [], 'alice still has a connection on node 2');
    alice2.disconnect();
    await waitUntil(() => removed.length === 1, 'member_removed alice');
    assert.deepEqual([added, removed], [['alice', 'bob'], ['alice']]);
    await waitUntil(() => hooked('member_removed', 'presence-hall', 'alice').length === 1, 'the member_removed webhook');
    await sleep(300);
    assert.equal(hooked('member_added', 'presence-hall', 'alice').length, 1, 'one member_added webhook for alice, from one node');
    assert.equal(hooked('member_added', 'presence-hall', 'bob').length, 1);
    assert.equal(hooked('member_removed', 'presence-hall', 'alice').length, 1);
    assert.equal(hooked('channel_occupied', 'presence-hall').length, 1, 'one channel_occupied for the cluster');
  });

  it('answers GET /channels and /channels/{name} with cluster-wide counts from any node', async () => {
    const publicSubs = [on(0), on(1), on(2)];
    await Promise.all(publicSubs.map((c) => subscribed(c, 'stats-pub')));
    await subscribed(on(0, 'alice'), 'presence-stats');
    await subscribed(on(1, 'alice'), 'presence-stats');
    await subscribed(on(2, 'bob'), 'presence-stats');
    for (let node = 0; node < 3; node++) {
      assert.deepEqual(await get(node, '/channels', { filter_by_prefix: 'stats-', info: 'subscription_count' }), { channels: { 'stats-pub': { subscription_count: 3 } } });
      assert.deepEqual(await get(node, '/channels', { filter_by_prefix: 'presence-stats', info: 'user_count' }), { channels: { 'presence-stats': { user_count: 2 } } });
      assert.deepEqual(await get(node, '/channels/presence-stats', { info: 'user_count,subscription_count' }), { occupied: true, user_count: 2, subscription_count: 3 });
      assert.deepEqual(await get(node, '/channels/stats-pub', { info: 'subscription_count' }), { occupied: true, subscription_count: 3 });
    }
    for (const c of publicSubs) c.unsubscribe('stats-pub');
    await sleep(300);
    assert.deepEqual(await get(2, '/channels/stats-pub', { info: 'subscription_count' }), { occupied: false, subscription_count: 0 });
    await waitUntil(() => hooked('channel_vacated', 'stats-pub').length === 1, 'the channel_vacated webhook');
    assert.equal(hooked('channel_occupied', 'stats-pub').length, 1);
  });

  it('replays a cache channel\'s last event to a subscriber on another node, and reports it through a third', async () => {
    await cluster.sdks[0]!.trigger('cache-quote', 'price', { eur: 12 });
    const late = on(1).subscribe('cache-quote');
    const replayed = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no replay of the cached event')), 5000);
      late.bind('price', (data: unknown) => {
        clearTimeout(timer);
        resolve(data);
      });
    });
    assert.deepEqual(replayed, { eur: 12 });
    const info = (await get(2, '/channels/cache-quote', { info: 'cache' })) as { cache: { data: string; ttl: number } };
    assert.deepEqual(JSON.parse(info.cache.data), { eur: 12 });
  });

  it('relays client events to subscribers on other nodes, never back to the sender, with user_id on presence channels', async () => {
    const sender = on(0, 'talker');
    const listeners = [on(1, 'l2'), on(2, 'l3')];
    const mine = await subscribed(sender, 'private-chat');
    const theirs = await Promise.all(listeners.map((c) => subscribed(c, 'private-chat')));
    const own = record(mine);
    const got = theirs.map(record);
    mine.trigger('client-typing', { who: 'talker' });
    await waitUntil(() => got.every((g) => g.length === 1), 'the client event on nodes 2 and 3');
    assert.deepEqual(got, [[['client-typing', { who: 'talker' }]], [['client-typing', { who: 'talker' }]]]);
    theirs[0]!.trigger('client-reply', { who: 'l2' });
    await waitUntil(() => own.length === 1, 'the reply on node 1');
    assert.deepEqual(own, [['client-reply', { who: 'l2' }]], 'the sender never got its own event');

    const room = await subscribed(sender, 'presence-chat');
    const far = await subscribed(listeners[1]!, 'presence-chat');
    const meta = new Promise<string>((resolve) => far.bind('client-wave', (_d: unknown, m: { user_id: string }) => resolve(m.user_id)));
    room.trigger('client-wave', {});
    assert.equal(await meta, 'talker');
  });

  it('delivers a native to.channels publish to pusher-js and native subscribers on other nodes, counted cluster-wide, skipping to.except', async () => {
    const pjs = await Promise.all([on(0), on(1)].map((c) => subscribed(c, 'mixed-c')));
    const nativeFar = await native(2, 'far');
    const nativeNear = await native(0, 'near');
    const chFar = await nativeSubscribed(nativeFar, 'mixed-c');
    const chNear = await nativeSubscribed(nativeNear, 'mixed-c');
    const seen = [...pjs.map(record), nativeRecord(chFar), nativeRecord(chNear)];
    const result = await cluster.heralds[1]!.publish({ to: { channels: ['mixed-c'] }, module: 'm', type: 'note', data: 'to all' });
    assert.equal(result.recipients, 4, 'subscriptions of every node counted');
    await waitUntil(() => seen.every((s) => s.length === 1), 'the notification on every subscriber');
    assert.equal((seen[0]![0]![1] as { id: string }).id, result.id);

    await cluster.heralds[2]!.publish({ to: { channels: ['mixed-c'], except: nativeNear.sessionId! }, module: 'm', type: 'note', data: 'not near' });
    await waitUntil(() => seen.slice(0, 3).every((s) => s.length === 2), 'the second notification');
    await cluster.sdks[1]!.trigger('mixed-c', 'headline', { title: 'via pusher API' });
    await waitUntil(() => seen.every((s) => s.some(([e]) => e === 'headline')), 'the Pusher API event on every subscriber, native ones included');
    assert.deepEqual(seen[3]!.map(([e]) => e), ['note', 'headline'], 'the excepted native session on node 1 skipped the second notification');
  });

  it('closes a user\'s signed-in connections on every node when terminate_connections goes through another node', async () => {
    const victims = [on(0, 'victim'), on(1, 'victim')];
    const bystander = on(2, 'bystander');
    for (const c of [...victims, bystander]) c.signin();
    const signedIn = (c: Pusher) => (c.user as unknown as { user_data: unknown }).user_data !== null;
    await waitUntil(() => [...victims, bystander].every(signedIn), 'the sign-ins');
    const res = await cluster.sdks[2]!.terminateUserConnections('victim');
    assert.equal(res.status, 200);
    await waitUntil(() => victims.every((v) => v.connection.state === 'disconnected'), 'both victims disconnected');
    assert.equal(bystander.connection.state, 'connected');
  });
});
