// A node's channel subscribers when the node dies (SIGKILL) or is taken for dead (SIGSTOP): removed once its lease expires, recorded again if it comes back.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { PresenceChannel } from 'pusher-js';
import type { HeraldClient } from '@herald/client/node';
import { MAIN, nextEvent, serverSdk, startBackend, startWebhookReceiver, type Backend, type Pusher, type WebhookReceiver } from '../pusher/fixtures.js';
import { waitUntil } from '../fixtures/clients.js';
import { deletePrefix, randomPrefix } from '../fixtures/redis.js';
import { nativeAs, pusherAs, startPusherCluster, subscribed, type PusherCluster } from '../fixtures/pusher-cluster.js';

const LEASE_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a node with channel subscribers dies', () => {
  const prefix = randomPrefix();
  const pausedPrefix = randomPrefix();
  const stoppedPrefix = randomPrefix();
  let cluster: PusherCluster | undefined;
  let pausedCluster: PusherCluster | undefined;
  let stoppedCluster: PusherCluster | undefined;
  let backend: Backend | undefined;
  let hooks: WebhookReceiver | undefined;
  const pushers: Pusher[] = [];
  const natives: HeraldClient[] = [];
  after(async () => {
    for (const p of pushers) p.disconnect();
    for (const n of natives) n.close();
    await backend?.close();
    await cluster?.stop();
    await pausedCluster?.stop();
    await stoppedCluster?.stop();
    await hooks?.close();
    await deletePrefix(prefix);
    await deletePrefix(pausedPrefix);
    await deletePrefix(stoppedPrefix);
  });

  it('removes the presence members and channels of a SIGKILLed node after its lease expires, counting users across nodes', async (t) => {
    hooks = await startWebhookReceiver(serverSdk(1, MAIN));
    cluster = await startPusherCluster(3, prefix, { webhooks: [{ url: hooks.url }], webhookBatchMs: 50 }, { HERALD_NODE_LEASE_MS: String(LEASE_MS) });
    const { nodes, sdks, heralds } = cluster;
    backend = await startBackend(nodes[0]!.port);
    const on = (i: number, user: string): Pusher => {
      const c = pusherAs(nodes[i]!.port, backend!, user);
      pushers.push(c);
      return c;
    };
    const hooked = (name: string, channel: string, user?: string) =>
      hooks!.received.flatMap((r) => r.events).filter((e) => e['name'] === name && e['channel'] === channel && (user === undefined || e['user_id'] === user));

    const watcher = (await subscribed(on(1, 'watcher'), 'presence-kill')) as PresenceChannel;
    const removed: string[] = [];
    watcher.bind('pusher:member_removed', (m: { id: string }) => removed.push(m.id));
    // alice has a connection on the victim and one on node 3; bob and the native carol only on the victim.
    await subscribed(on(0, 'alice'), 'presence-kill');
    await subscribed(on(2, 'alice'), 'presence-kill');
    const bob = on(0, 'bob');
    await subscribed(bob, 'presence-kill');
    await subscribed(bob, 'only-on-victim');
    const carol = await nativeAs(nodes[0]!.url, heralds[0]!, sdks[0]!, 'carol');
    natives.push(carol);
    const carolRoom = carol.channels.subscribe('presence-kill');
    await waitUntil(() => carolRoom.state === 'subscribed', 'carol in the room');
    await waitUntil(() => watcher.members.count === 4, 'four members: watcher, alice, bob, carol');
    const summary = () => sdks[2]!.get({ path: '/channels/presence-kill', params: { info: 'user_count,subscription_count' } }).then((r) => r.json());
    assert.deepEqual(await summary(), { occupied: true, user_count: 4, subscription_count: 5 });

    const killedAt = performance.now();
    await nodes[0]!.kill('SIGKILL');
    await waitUntil(() => removed.length >= 2, 'member_removed for the victim-only users', 6 * LEASE_MS);
    const recoveryMs = Math.round(performance.now() - killedAt);
    // Their sockets died without a close anyone heard: only the lease expiry can remove them.
    assert.ok(recoveryMs > LEASE_MS / 2, `removed ${recoveryMs} ms after the kill, not before the lease could expire`);
    await sleep(500);
    assert.deepEqual(removed.sort(), ['bob', 'carol'], 'alice keeps her node-3 connection, so she is no member_removed');
    assert.equal(watcher.members.count, 2);
    assert.deepEqual(await summary(), { occupied: true, user_count: 2, subscription_count: 2 });
    const listed = (await (await sdks[1]!.get({ path: '/channels' })).json()) as { channels: Record<string, unknown> };
    assert.ok(!('only-on-victim' in listed.channels), 'the channel only the victim served is gone');

    await waitUntil(() => hooked('channel_vacated', 'only-on-victim').length === 1, 'channel_vacated for the victim-only channel');
    await waitUntil(() => hooked('member_removed', 'presence-kill').length === 2, 'member_removed webhooks');
    await sleep(300);
    assert.deepEqual(hooked('member_removed', 'presence-kill').map((e) => e['user_id']).sort(), ['bob', 'carol'], 'one webhook per removed user, from one node');
    assert.equal(hooked('channel_vacated', 'only-on-victim').length, 1);
    assert.equal(hooked('channel_vacated', 'presence-kill').length, 0);
    t.diagnostic(`presence members of a SIGKILLed node removed ${recoveryMs} ms after the kill (lease ${LEASE_MS} ms)`);
  });

  it('records the subscribers of a node taken for dead again when the node comes back from a pause', async () => {
    pausedCluster = await startPusherCluster(2, pausedPrefix, {}, { HERALD_NODE_LEASE_MS: String(LEASE_MS) });
    const { nodes, sdks } = pausedCluster;
    const local = await startBackend(nodes[0]!.port);
    try {
      const watcherClient = pusherAs(nodes[0]!.port, local, 'watcher');
      const sleeperClient = pusherAs(nodes[1]!.port, local, 'sleeper');
      pushers.push(watcherClient, sleeperClient);
      const watcher = (await subscribed(watcherClient, 'presence-pause')) as PresenceChannel;
      const changes: string[] = [];
      watcher.bind('pusher:member_added', (m: { id: string }) => changes.push(`+${m.id}`));
      watcher.bind('pusher:member_removed', (m: { id: string }) => changes.push(`-${m.id}`));
      const sleeperRoom = await subscribed(sleeperClient, 'presence-pause');
      await waitUntil(() => changes.length === 1, 'member_added sleeper');

      nodes[1]!.child.kill('SIGSTOP');
      try {
        await waitUntil(() => changes.length === 2, 'member_removed while the node is paused', 6 * LEASE_MS);
      } finally {
        nodes[1]!.child.kill('SIGCONT');
      }
      await waitUntil(() => changes.length === 3, 'member_added once the node is back', 6 * LEASE_MS);
      assert.deepEqual(changes, ['+sleeper', '-sleeper', '+sleeper']);
      const summary = await (await sdks[0]!.get({ path: '/channels/presence-pause', params: { info: 'user_count,subscription_count' } })).json();
      assert.deepEqual(summary, { occupied: true, user_count: 2, subscription_count: 2 });
      assert.equal(sleeperClient.connection.state, 'connected', 'its connection survived the pause');
      const got = nextEvent(sleeperRoom, 'after-pause');
      await sdks[0]!.trigger('presence-pause', 'after-pause', { ok: true });
      assert.deepEqual(await got, { ok: true });
    } finally {
      await local.close();
    }
  });

  it('removes the members of a node stopped with SIGTERM at once, without waiting for a lease to expire', async (t) => {
    // The default lease (15 s): a removal within a few seconds comes from the shutdown itself.
    stoppedCluster = await startPusherCluster(2, stoppedPrefix);
    const { nodes, sdks } = stoppedCluster;
    const local = await startBackend(nodes[0]!.port);
    try {
      const watcherClient = pusherAs(nodes[0]!.port, local, 'watcher');
      const leaverClient = pusherAs(nodes[1]!.port, local, 'leaver');
      pushers.push(watcherClient, leaverClient);
      const watcher = (await subscribed(watcherClient, 'presence-stop')) as PresenceChannel;
      await subscribed(leaverClient, 'presence-stop');
      await waitUntil(() => watcher.members.count === 2, 'both members');
      const removed: string[] = [];
      watcher.bind('pusher:member_removed', (m: { id: string }) => removed.push(m.id));
      const stoppedAt = performance.now();
      await nodes[1]!.kill('SIGTERM');
      await waitUntil(() => removed.length === 1, 'member_removed for the stopped node\'s member', 5000);
      t.diagnostic(`member of a node stopped with SIGTERM removed ${Math.round(performance.now() - stoppedAt)} ms after the signal`);
      assert.deepEqual(await (await sdks[0]!.get({ path: '/channels/presence-stop', params: { info: 'user_count' } })).json(), { occupied: true, user_count: 1 });
    } finally {
      await local.close();
    }
  });
});
