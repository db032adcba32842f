// The delivery promise across a node's death: three nodes on one Redis, clients spread over them behind a
// balancer, one publisher streaming through every node; one node is SIGKILLed mid-stream.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { Herald } from '@herald/server-sdk';
import { TEST_APP } from '../fixtures/server-process.js';
import { recordingClient, waitUntil, type RecordingClient } from '../fixtures/clients.js';
import { startBalancer, type Balancer } from '../fixtures/balancer.js';
import { deletePrefix, randomPrefix } from '../fixtures/redis.js';
import { rawSocket, sessionView, startCluster, type ClusterNodes, type RawSocket } from '../fixtures/cluster.js';

const CLIENTS = 30;
const LEASE_MS = 2000;

describe('a node dies mid-stream', () => {
  const prefix = randomPrefix();
  const clients: RecordingClient[] = [];
  const raws: RawSocket[] = [];
  let cluster: ClusterNodes | undefined;
  let balancer: Balancer | undefined;
  after(async () => {
    for (const c of clients) c.client.disconnect();
    for (const r of raws) r.close();
    await balancer?.close();
    await cluster?.stop();
    await deletePrefix(prefix);
  });

  it('delivers every accepted notification exactly once, in order, to every session after a node is SIGKILLed', async (t) => {
    cluster = await startCluster(3, prefix, { HERALD_NODE_LEASE_MS: String(LEASE_MS) });
    const nodes = cluster.nodes;
    balancer = await startBalancer(nodes.map((n) => n.port));
    const sdks = nodes.map((n) => new Herald({ url: n.url, appId: TEST_APP.id, secret: TEST_APP.secret, timeoutMs: 2000 }));
    const seenAt = new Map<string, Map<string, number>>();
    const resumedAt = new Map<string, number>();
    for (let i = 0; i < CLIENTS; i++) {
      const c = recordingClient(balancer.url, () => sdks[0]!.createToken({ user: `k${i}` }));
      const times = new Map<string, number>();
      seenAt.set(String(i), times);
      c.client.on((n) => void times.set(n.id, performance.now()));
      c.client.on('session', (e) => {
        if (e.kind === 'resumed') resumedAt.set(String(i), performance.now());
      });
      clients.push(c);
    }
    const sessions = await Promise.all(clients.map((c) => c.session()));
    const homes = await Promise.all(sessions.map(async (s) => (await sessionView(nodes[1]!.url, s))?.node));
    const victim = 0;
    const affected = clients.map((_, i) => i).filter((i) => homes[i] === 'n1');
    assert.ok(affected.length >= CLIENTS / 4, `clients spread over the nodes: ${JSON.stringify(homes)}`);

    // One publisher, one publish at a time (so acceptance order is defined), each through the next live node.
    const accepted: string[] = [];
    const inDoubt = new Set<number>();
    const dead = new Set<number>();
    let counter = 0;
    let stop = false;
    /** Called as each publish goes out, with the node it goes to: the kill lands while one is in flight there. */
    const hook: { sending: ((node: number) => void) | null } = { sending: null };
    const publisher = (async () => {
      for (let i = 0; !stop; i++) {
        const live = sdks.map((_, k) => k).filter((k) => !dead.has(k));
        const node = live[i % live.length]!;
        const data = counter++;
        const request = sdks[node]!.publish({ to: { sessions }, module: 'kill', type: 'n', data });
        hook.sending?.(node);
        try {
          accepted.push((await request).id);
        } catch {
          // Interrupted by the kill: it may or may not have been stored.
          inDoubt.add(data);
        }
      }
    })();

    await waitUntil(() => accepted.length >= 100, 'publishes before the kill', 30_000);
    let killedAt = 0;
    await new Promise<void>((resolve) => {
      hook.sending = (node) => {
        if (node !== victim) return;
        hook.sending = null;
        // A few ms in, the publish to the victim is somewhere between the socket and the commit.
        setTimeout(() => {
          balancer!.remove(nodes[victim]!.port);
          killedAt = performance.now();
          dead.add(victim);
          void nodes[victim]!.kill('SIGKILL').then(() => resolve());
        }, Math.random() * 4);
      };
    });
    const acceptedAtKill = accepted.length;

    await waitUntil(() => affected.every((i) => resumedAt.has(String(i))), 'the dead node\'s clients to resume elsewhere', 20_000);
    await waitUntil(() => accepted.length > acceptedAtKill, 'a publish accepted after the kill', 20_000);
    const firstAfter = accepted[acceptedAtKill]!;
    await waitUntil(() => affected.every((i) => seenAt.get(String(i))!.has(firstAfter)), 'the first post-kill notification at the moved clients', 20_000);
    await waitUntil(() => accepted.length >= acceptedAtKill + 100, 'publishes after the kill', 30_000);
    stop = true;
    await publisher;

    const resumed = Math.max(...affected.map((i) => resumedAt.get(String(i))! - killedAt));
    const caughtUp = Math.max(...affected.map((i) => seenAt.get(String(i))!.get(firstAfter)! - killedAt));
    t.diagnostic(`node kill: ${affected.length} of ${CLIENTS} clients moved; all resumed on other nodes ${resumed.toFixed(0)} ms after SIGKILL; ` +
      `all had the first post-kill notification ${caughtUp.toFixed(0)} ms after; ${accepted.length} accepted, ${inDoubt.size} in doubt`);

    const acceptedSet = new Set(accepted);
    await waitUntil(() => clients.every((c) => accepted.every((id) => seenAt.get(String(clients.indexOf(c)))!.has(id))), 'every accepted notification at every session', 30_000);
    for (const [i, c] of clients.entries()) {
      const ids = c.seen.map((n) => n.id);
      assert.equal(new Set(ids).size, ids.length, `session ${i} saw a duplicate`);
      assert.deepEqual(ids.filter((id) => acceptedSet.has(id)), accepted, `session ${i} missed or reordered accepted notifications`);
      for (const n of c.seen.filter((n) => !acceptedSet.has(n.id))) assert.ok(inDoubt.has(n.data as number), `session ${i} saw a notification nobody published`);
      const order = c.seen.map((n) => n.data as number);
      assert.deepEqual(order, [...order].sort((a, b) => a - b), `session ${i} saw notifications out of order`);
      assert.equal(c.client.sessionId, sessions[i], `session ${i} was resumed, not replaced`);
    }
  });
});

describe('sessions of a dead node', () => {
  const prefix = randomPrefix();
  const raws: RawSocket[] = [];
  let cluster: ClusterNodes | undefined;
  after(async () => {
    for (const r of raws) r.close();
    await cluster?.stop();
    await deletePrefix(prefix);
  });

  it('expire by their ttl, counted from the node\'s last heartbeat, when their clients never come back', async (t) => {
    const ttlSeconds = 10;
    cluster = await startCluster(2, prefix, { HERALD_NODE_LEASE_MS: '1000', HERALD_SESSION_TTL: String(ttlSeconds) });
    const [survivor, victim] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const sdk = new Herald({ url: survivor.url, appId: TEST_APP.id, secret: TEST_APP.secret });
    const open = (url: string, hello: object) => {
      const r = rawSocket(url, hello);
      raws.push(r);
      return r;
    };
    const gone = await open(victim.url, { token: await sdk.createToken({ user: 'gone' }) }).welcome;
    const back = await open(victim.url, { token: await sdk.createToken({ user: 'back' }) }).welcome;
    const elsewhere = await open(survivor.url, { token: await sdk.createToken({ user: 'elsewhere' }) }).welcome;
    assert.equal((await sessionView(survivor.url, gone.session))?.node, 'n2');

    const killedAt = Date.now();
    await victim.kill('SIGKILL');
    // One client comes back, to the surviving node; the other never does.
    await open(survivor.url, { resume: { session: back.session, secret: back.secret } }).welcome;

    let view = await sessionView(survivor.url, gone.session);
    const deadline = Date.now() + 10_000;
    while (view?.connected !== false && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      view = await sessionView(survivor.url, gone.session);
    }
    const releasedAfter = Date.now() - killedAt;
    assert.equal(view?.connected, false, 'the dead node\'s session counts as disconnected');
    assert.ok(view.disconnectedAt !== null && view.disconnectedAt <= killedAt && view.disconnectedAt >= killedAt - 1000,
      `disconnected since the last heartbeat before the kill (${view.disconnectedAt} vs kill at ${killedAt})`);

    while ((await sessionView(survivor.url, gone.session)) !== null && Date.now() - killedAt < 30_000) await new Promise((r) => setTimeout(r, 200));
    const expiredAfter = Date.now() - killedAt;
    assert.equal(await sessionView(survivor.url, gone.session), null, 'the abandoned session expired');
    assert.ok(expiredAfter >= (ttlSeconds - 1) * 1000, `expired after ${expiredAfter} ms, before its ttl`);
    assert.deepEqual([(await sessionView(survivor.url, back.session))?.connected, (await sessionView(survivor.url, back.session))?.node], [true, 'n1']);
    assert.equal((await sessionView(survivor.url, elsewhere.session))?.connected, true);
    t.diagnostic(`dead node: its session counted disconnected ${releasedAfter} ms after SIGKILL, expired ${expiredAfter} ms after (ttl ${ttlSeconds} s)`);
  });
});
