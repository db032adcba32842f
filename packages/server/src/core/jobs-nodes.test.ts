// Jobs on two nodes: two Jobs, each with its own RedisStorage and RedisJobStore on one Redis key prefix, racing on the same jobs.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Notification } from '@herald/protocol';
import { HeraldError } from '../errors.js';
import type { FinishedJob } from '../storage/job-store.js';
import { RedisJobStore } from '../storage/redis/jobs.js';
import { RedisStorage } from '../storage/redis/redis.js';
import { deletePrefix, randomPrefix, TEST_REDIS_URL } from '../storage/redis/testing.js';
import { Delivery } from './delivery.js';
import { Jobs } from './jobs.js';
import { Publisher } from './publish.js';

const T0 = 1_700_000_000_000;

interface Node {
  storage: RedisStorage;
  store: RedisJobStore;
  jobs: Jobs;
}

describe('Jobs on two nodes', () => {
  let prefix: string;
  let clock: number;
  let nodes: [Node, Node];
  let errors: unknown[];
  let expired: FinishedJob[];

  async function node(): Promise<Node> {
    const now = () => clock;
    const onError = (err: unknown) => errors.push(err);
    const storage = new RedisStorage({ url: TEST_REDIS_URL, prefix });
    const store = new RedisJobStore({ url: TEST_REDIS_URL, prefix });
    await storage.init();
    await store.init();
    const delivery = new Delivery(storage, { readBatch: 100, now, onError });
    const publisher = new Publisher(storage, delivery, { maxInbox: 1000, defaultTtlSeconds: 3600, idempotencyTtlMs: 60_000, now });
    const jobs = new Jobs(store, storage, publisher, { ttlMs: 60_000, now, onError, recheckMs: 5, recheckMaxMs: 20 });
    jobs.observers.push({ expired: (job) => expired.push(job) });
    return { storage, store, jobs };
  }

  beforeEach(async () => {
    prefix = randomPrefix();
    clock = T0;
    errors = [];
    expired = [];
    nodes = [await node(), await node()];
    const { storage } = nodes[0];
    await storage.putApp({ id: 'a', key: 'ka', secret: 's', name: 'a', createdAt: T0, settings: {} });
    await storage.createSession({ id: 's1', appId: 'a', userId: null, scope: 'browser', meta: {}, resumeHash: 'h', ttlMs: 600_000, createdAt: T0 });
  });
  afterEach(async () => {
    for (const n of nodes) {
      await n.jobs.stop();
      await n.store.close();
      await n.storage.close();
    }
    await deletePrefix(prefix);
    assert.deepEqual(errors, []);
  });

  async function inbox(): Promise<Array<{ seq: number; n: Notification }>> {
    return (await nodes[0].storage.readInbox('s1', 0, 1000, clock)).map((e) => ({ seq: e.seq, n: JSON.parse(e.json) as Notification }));
  }

  /** The job's notices in inbox order, as `type` or `progress <percent>`. */
  async function events(job: string): Promise<string[]> {
    return (await inbox())
      .filter(({ n }) => (n.data as { job?: string }).job === job)
      .map(({ n }) => (n.type === 'progress' ? `progress ${String((n.data as { percent: number }).percent)}` : n.type));
  }

  async function ackAll(): Promise<void> {
    const last = (await inbox()).at(-1);
    if (last) await nodes[0].storage.ack('s1', last.seq, clock);
  }

  async function until(predicate: () => Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 300; i++) {
      if (await predicate()) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const finishedError = (err: unknown) => err instanceof HeraldError && err.code === 'job_finished';

  it('writes one progress entry for reports arriving at both nodes at once, and the latest once it is acknowledged', async () => {
    const job = await nodes[0].jobs.create('a', { session: 's1', kind: 'k' });
    await Promise.all(Array.from({ length: 20 }, (_, i) => nodes[i % 2]!.jobs.progress('a', job.id, { percent: i + 1 })));
    const written = (await events(job.id)).filter((e) => e.startsWith('progress'));
    assert.equal(written.length, 1, `progress entries in the inbox: ${written.join(', ')}`);
    const latest = (await nodes[1].jobs.get('a', job.id)).progress;
    await ackAll();
    await until(async () => (await events(job.id)).length === 1, 'the held-back progress');
    assert.deepEqual(await events(job.id), [`progress ${String(latest?.percent)}`], 'the latest recorded report, written by whichever node rechecked');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await events(job.id)).length, 1, 'no second node writes it again');
  });

  it('never lets a report through one node follow the outcome stored through the other', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const job = await nodes[0].jobs.create('a', { session: 's1', kind: 'k' });
      ids.push(job.id);
      const [progress, complete] = await Promise.allSettled([nodes[1].jobs.progress('a', job.id, { percent: 50 }), nodes[0].jobs.complete('a', job.id, i)]);
      assert.equal(complete.status, 'fulfilled');
      if (progress.status === 'rejected') assert.ok(finishedError(progress.reason), String(progress.reason));
    }
    for (const id of ids) {
      const seen = await events(id);
      assert.equal(seen.at(-1), 'completed', `notices of ${id}: ${seen.join(', ')}`);
    }
  });

  it('records the outcome the session received when both nodes expire a job at its deadline while the backend completes it', async () => {
    const expiredIds: string[] = [];
    for (let i = 0; i < 20; i++) {
      const id = (await nodes[0].jobs.create('a', { session: 's1', kind: 'k', ttl: 1 })).id;
      clock += 1000;
      const completion = nodes[i % 2]!.jobs.complete('a', id, i).then(() => 'completed', (err: unknown) => (finishedError(err) ? 'refused' : err));
      await Promise.all([nodes[0].jobs.expireDue(), nodes[1].jobs.expireDue(), completion]);
      const outcomes = (await events(id)).filter((e) => e === 'completed' || e === 'failed');
      assert.equal(outcomes.length, 1, `outcome notices of ${id}: ${outcomes.join(', ')}`);
      const state = (await nodes[i % 2]!.jobs.get('a', id)).state;
      assert.equal(state, outcomes[0] === 'completed' ? 'completed' : 'expired', `${id} told the session ${outcomes[0]} but is ${state}`);
      assert.equal(await completion, state === 'completed' ? 'completed' : 'refused');
      if (state === 'expired') expiredIds.push(id);
    }
    assert.deepEqual(expired.map((j) => j.id).sort(), expiredIds.sort(), 'each expired job reported once, by one node');
  });
});
