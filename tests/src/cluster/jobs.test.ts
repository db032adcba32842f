// Jobs on a cluster: created, reported and watched through different nodes, with the client moving between them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Herald, HeraldApiError } from '@herald/server-sdk';
import { JobError, State, type StartedJob } from '@herald/client/node';
import type { Notification } from '@herald/protocol';
import { TEST_APP, type ServerProcess } from '../fixtures/server-process.js';
import { recordingClient, waitUntil, type RecordingClient } from '../fixtures/clients.js';
import { startBalancer } from '../fixtures/balancer.js';
import { deletePrefix, randomPrefix } from '../fixtures/redis.js';
import { sessionView, startCluster, type ClusterNodes } from '../fixtures/cluster.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The job notices of `job` the application saw, as `type` or `progress <percent>`, in order. */
function jobEvents(seen: Notification[], job: string): string[] {
  return seen
    .filter((n) => n.module === 'herald.jobs' && (n.data as { job?: string }).job === job)
    .map((n) => (n.type === 'progress' ? `progress ${String((n.data as { percent: number }).percent)}` : n.type));
}

describe('jobs on a cluster', () => {
  const prefix = randomPrefix();
  let cluster: ClusterNodes;
  let nodes: [ServerProcess, ServerProcess, ServerProcess];
  let sdks: [Herald, Herald, Herald];
  const clients: RecordingClient[] = [];

  before(async () => {
    cluster = await startCluster(3, prefix);
    nodes = cluster.nodes as [ServerProcess, ServerProcess, ServerProcess];
    sdks = nodes.map((n) => new Herald({ url: n.url, appId: TEST_APP.id, secret: TEST_APP.secret })) as [Herald, Herald, Herald];
  });
  after(async () => {
    for (const c of clients) c.client.disconnect();
    await cluster.stop();
    await deletePrefix(prefix);
  });

  const connect = async (url: string, user: string) => {
    const c = recordingClient(url, () => sdks[0].createToken({ user }));
    clients.push(c);
    return { c, session: await c.session() };
  };

  /** Disconnects the client and waits until the cluster has recorded it (the server notes the close a moment later). */
  const goOffline = async (c: RecordingClient, session: string) => {
    c.client.disconnect();
    await waitUntil(() => c.client.state === State.Disconnected, 'the disconnect');
    for (let i = 0; i < 100 && (await sdks[0].getSession(session)).connected; i++) await sleep(20);
    assert.equal((await sdks[0].getSession(session)).connected, false);
  };

  const waitAcknowledged = async (session: string) => {
    for (let i = 0; i < 100 && (await sdks[0].getSession(session)).pending > 0; i++) await sleep(20);
    assert.equal((await sdks[0].getSession(session)).pending, 0, 'the client acknowledged everything');
  };

  it('delivers progress and the result exactly once to a client on node B, for a job created through node A and reported through node C', async () => {
    const { c, session } = await connect(nodes[1].url, 'on-b');
    const started: StartedJob[] = [];
    c.client.jobs.on('started', (job) => started.push(job));
    const job = await sdks[0].jobs.create({ session, kind: 'report', meta: { report: 7 } });
    await c.waitFor(() => started.length === 1, 'the started event');
    assert.deepEqual(started, [{ id: job.id, kind: 'report', meta: { report: 7 } }]);

    const progress: number[] = [];
    const result = c.client.jobs.watch(job.id, { onProgress: (p) => progress.push(p.percent) });
    await sdks[2].jobs.progress(job.id, { percent: 25, message: 'a quarter' });
    await c.waitFor(() => progress.at(-1) === 25, 'the first progress');
    // Node C may hold this one back until node B's client acknowledged the first: C then writes it itself.
    await sdks[2].jobs.progress(job.id, { percent: 75 });
    await c.waitFor(() => progress.at(-1) === 75, 'the second progress', 10_000);
    const done = await sdks[2].jobs.complete(job.id, { url: '/reports/7.pdf' });
    assert.equal(done.state, 'completed');
    assert.deepEqual(await result, { url: '/reports/7.pdf' });

    await waitAcknowledged(session);
    await sleep(300);
    assert.deepEqual(progress, [25, 75]);
    assert.deepEqual(jobEvents(c.seen, job.id), ['started', 'progress 25', 'progress 75', 'completed']);
    assert.equal(new Set(c.seen.map((n) => n.id)).size, c.seen.length, 'no notification twice');
    assert.equal((await sdks[1].jobs.get(job.id)).state, 'completed', 'every node reads the same job');
  });

  it('delivers the result once to a client that moved from node B to node C before the job completed', async () => {
    const [, b, c] = nodes;
    const balancer = await startBalancer([b.port]);
    try {
      const { c: client, session } = await connect(balancer.url, 'mover');
      const job = await sdks[0].jobs.create({ session, kind: 'export' });
      const progress: number[] = [];
      const result = client.client.jobs.watch(job.id, { onProgress: (p) => progress.push(p.percent) });
      await sdks[2].jobs.progress(job.id, { percent: 30 });
      await client.waitFor(() => progress.at(-1) === 30, 'the progress before the move');
      await waitAcknowledged(session);

      // Node B leaves the balancer; the client comes back through node C.
      balancer.remove(b.port);
      balancer.add(c.port);
      await goOffline(client, session);
      await sdks[2].jobs.progress(job.id, { percent: 60 });
      await sdks[1].jobs.progress(job.id, { percent: 90 }); // held back: 60 is still unacknowledged
      assert.equal((await sdks[0].getSession(session)).pending, 1, 'one progress entry waits in the inbox');
      assert.equal((await sdks[0].jobs.complete(job.id, { rows: 42 })).state, 'completed');

      client.client.connect();
      assert.deepEqual(await result, { rows: 42 });
      assert.equal(client.client.sessionId, session, 'the same session, resumed');
      const record = await sessionView(nodes[0].url, session);
      assert.deepEqual([record?.node, record?.connected], ['n3', true]);

      // Once more through node C: the acknowledged outcome must not come again.
      await waitAcknowledged(session);
      client.client.disconnect();
      client.client.connect();
      await client.session();
      await sleep(300);
      assert.deepEqual(jobEvents(client.seen, job.id), ['started', 'progress 30', 'progress 60', 'completed']);
      assert.deepEqual(progress, [30, 60], 'the held-back 90 was superseded by the outcome');
      assert.deepEqual(await client.client.jobs.watch(job.id), { rows: 42 }, 'a later watch() still gets it');
    } finally {
      await balancer.close();
    }
  });

  it('coalesces progress reported through all three nodes at once into one inbox entry, and stores one outcome when two nodes race to finish', async () => {
    const { c, session } = await connect(nodes[1].url, 'racer');
    const job = await sdks[0].jobs.create({ session, kind: 'race' });
    await c.waitFor(() => jobEvents(c.seen, job.id).length === 1, 'the started notice');
    await waitAcknowledged(session);
    await goOffline(c, session);

    await Promise.all(Array.from({ length: 30 }, (_, i) => sdks[i % 3]!.jobs.progress(job.id, { percent: i + 1 })));
    assert.equal((await sdks[0].getSession(session)).pending, 1, 'one progress entry for 30 reports through three nodes');
    const outcomes = await Promise.allSettled([sdks[0].jobs.complete(job.id, 'from a'), sdks[2].jobs.fail(job.id, { code: 'from_c', message: 'c failed it' })]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    assert.equal(won.length, 1, 'one finish wins');
    for (const o of outcomes) {
      if (o.status === 'rejected') assert.ok(o.reason instanceof HeraldApiError && o.reason.code === 'job_finished' && o.reason.status === 409, String(o.reason));
    }
    const state = (await sdks[1].jobs.get(job.id)).state;

    const settled = c.client.jobs.watch(job.id).then((r) => ({ result: r }), (e: unknown) => ({ error: e }));
    c.client.connect();
    const outcome = await settled;
    if (state === 'completed') assert.deepEqual(outcome, { result: 'from a' });
    else assert.ok('error' in outcome && outcome.error instanceof JobError && outcome.error.code === 'from_c', `${state}: ${JSON.stringify(outcome)}`);
    await waitAcknowledged(session);
    await sleep(400); // rechecks on every node that held progress come and go
    const events = jobEvents(c.seen, job.id);
    assert.equal(events.length, 3, `notices seen: ${events.join(', ')}`);
    assert.deepEqual([events[0], events[1]?.startsWith('progress '), events[2]], ['started', true, state]);
  });
});
