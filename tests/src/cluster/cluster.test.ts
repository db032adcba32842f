// Several nodes on one Redis: any node accepts publishes, any node serves any session, nodes tell each other about moves.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Herald } from '@herald/server-sdk';
import { CloseCode } from '@herald/protocol';
import type { FetchLike } from '@herald/client/node';
import { TEST_APP } from '../fixtures/server-process.js';
import { recordingClient, waitUntil, type RecordingClient } from '../fixtures/clients.js';
import { startBalancer } from '../fixtures/balancer.js';
import { deletePrefix, randomPrefix } from '../fixtures/redis.js';
import { rawSocket, sessionView, startCluster, type ClusterNodes, type RawSocket } from '../fixtures/cluster.js';

describe('cluster on Redis', () => {
  const prefix = randomPrefix();
  let cluster: ClusterNodes;
  let sdks: Herald[];
  const clients: RecordingClient[] = [];
  const raws: RawSocket[] = [];

  before(async () => {
    cluster = await startCluster(3, prefix);
    sdks = cluster.nodes.map((n) => new Herald({ url: n.url, appId: TEST_APP.id, secret: TEST_APP.secret }));
  });
  after(async () => {
    for (const c of clients) c.client.disconnect();
    for (const r of raws) r.close();
    await cluster.stop();
    await deletePrefix(prefix);
  });

  const raw = (url: string, hello: object) => {
    const r = rawSocket(url, hello);
    raws.push(r);
    return r;
  };

  it('delivers what any node accepts to sessions connected to every node, in order', async () => {
    const perNode = cluster.nodes.map((n, i) => recordingClient(n.url, () => sdks[i]!.createToken({ user: `spread-${i}` })));
    clients.push(...perNode);
    const sessions = await Promise.all(perNode.map((c) => c.session()));
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await sdks[i % 3]!.publish({ to: { sessions }, module: 'c', type: 'n', data: i })).id);
    await waitUntil(() => perNode.every((c) => c.seen.length >= ids.length), 'every notification on every node', 10_000);
    for (const c of perNode) assert.deepEqual(c.seen.map((n) => n.id), ids);
  });

  it('serves a long-poll client whose every poll lands on the next node, once each, in order, without a takeover stopping it', async () => {
    const urls = cluster.nodes.map((n) => n.url);
    let turn = 0;
    // No sticky sessions: each request of the client goes to the next node, as a round-robin balancer would.
    const rotating: FetchLike = (url, init) => {
      const base = urls[turn++ % urls.length]!;
      return fetch(base + new URL(url).pathname + new URL(url).search, init as RequestInit) as unknown as ReturnType<FetchLike>;
    };
    const client = recordingClient(urls[0]!, () => sdks[0]!.createToken({ user: 'poller' }), { transports: ['long-poll'], fetch: rotating });
    clients.push(client);
    const session = await client.session();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      ids.push((await sdks[i % 3]!.publish({ to: { sessions: [session] }, module: 'c', type: 'poll', data: i })).id);
      await new Promise((r) => setTimeout(r, 15));
    }
    await client.waitFor(() => client.seen.length >= ids.length, 'every notification over rotating polls', 15_000);
    assert.deepEqual(client.seen.map((n) => n.id), ids);
    assert.ok(turn > urls.length, 'polls went to several nodes');
    assert.equal(client.client.sessionId, session, 'the same session throughout');
    assert.ok(!client.closeCodes.includes(CloseCode.SessionTakenOver), 'no node told it that it was taken over');
  });

  it('resumes a session on another node, which sends what was published meanwhile through a third', async () => {
    const [a, b, c] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const balancer = await startBalancer([a.port]);
    try {
      const client = recordingClient(balancer.url, () => sdks[0]!.createToken({ user: 'mover' }));
      clients.push(client);
      const session = await client.session();
      const first = await sdks[2]!.publish({ to: { sessions: [session] }, module: 'c', type: 'before' });
      await client.waitFor(() => client.seen.length === 1, 'the first notification');
      // The client's node goes out of the balancer; its connection is cut; it comes back through node b.
      balancer.remove(a.port);
      balancer.add(b.port);
      client.client.disconnect();
      const missed = await sdks[2]!.publish({ to: { sessions: [session] }, module: 'c', type: 'while-away' });
      client.client.connect();
      await client.waitFor(() => client.seen.length === 2, 'the notification published while away');
      const after = await sdks[0]!.publish({ to: { sessions: [session] }, module: 'c', type: 'after' });
      await client.waitFor(() => client.seen.length === 3, 'the notification published after the move');
      assert.deepEqual(client.seen.map((n) => n.id), [first.id, missed.id, after.id]);
      assert.equal(client.client.sessionId, session);
      const record = await sessionView(c.url, session);
      assert.deepEqual([record?.node, record?.connected], ['n2', true]);
    } finally {
      await balancer.close();
    }
  });

  it('closes the old connection when its session resumes on another node, and keeps the new one connected', async () => {
    const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const first = raw(a.url, { token: await sdks[0]!.createToken({ user: 'taken' }) });
    const welcome = await first.welcome;
    const second = raw(b.url, { resume: { session: welcome.session, secret: welcome.secret } });
    assert.equal((await second.welcome).resumed, true);
    assert.equal(await first.closeCode, CloseCode.SessionTakenOver);
    // Node a saw its connection close after node b took the session: the session stays connected on b.
    await new Promise((r) => setTimeout(r, 200));
    const record = await sessionView(a.url, welcome.session);
    assert.deepEqual([record?.node, record?.connected], ['n2', true]);
    const published = await sdks[2]!.publish({ to: { sessions: [welcome.session] }, module: 'c', type: 'to-new' });
    await waitUntil(() => second.frames.some((f) => f.op === 'notification' && f.notification.id === published.id), 'delivery on the new connection');
    assert.ok(!first.frames.some((f) => f.op === 'notification'), 'nothing went to the old connection');
  });

  it('closes the connection on its node when the backend ends the session through another node', async () => {
    const [a] = cluster.nodes;
    const socket = raw(a!.url, { token: await sdks[0]!.createToken({ user: 'ended' }) });
    const welcome = await socket.welcome;
    await sdks[2]!.endSession(welcome.session);
    assert.equal(await socket.closeCode, CloseCode.SessionEnded);
  });
});
