// Unit tests of JobQueue: two queues on one job store stand for two nodes (the store's lock is what they share).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HeraldError } from '../errors.js';
import { SqliteJobStore } from '../storage/sqlite/job-store.js';
import { JobQueue } from './job-queue.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('JobQueue', () => {
  let store: SqliteJobStore;
  let errors: unknown[];
  const queue = (lockTtlMs = 10_000, maxWaitMs?: number) =>
    new JobQueue(store, { lockTtlMs, ...(maxWaitMs !== undefined ? { maxWaitMs } : {}), onError: (err) => errors.push(err) });

  beforeEach(async () => {
    errors = [];
    store = new SqliteJobStore({ path: ':memory:', synchronous: 'NORMAL' });
    await store.init();
  });
  afterEach(async () => {
    await store.close();
    assert.deepEqual(errors, []);
  });

  it('runs the tasks of one job one at a time across two nodes, and tasks of different jobs at once', async () => {
    const nodes = [queue(), queue()];
    const running = new Map<string, number>();
    const most = new Map<string, number>();
    const task = (id: string) => async () => {
      running.set(id, (running.get(id) ?? 0) + 1);
      most.set(id, Math.max(most.get(id) ?? 0, running.get(id)!));
      await sleep(5);
      running.set(id, running.get(id)! - 1);
    };
    let together = 0;
    const watch = setInterval(() => (together = Math.max(together, [...running.values()].filter((n) => n > 0).length)), 1);
    try {
      await Promise.all(Array.from({ length: 20 }, (_, i) => nodes[i % 2]!.run(`j${i % 3}`, task(`j${i % 3}`))));
    } finally {
      clearInterval(watch);
    }
    assert.deepEqual([...most.values()], [1, 1, 1], 'never two tasks of one job at once');
    assert.ok(together > 1, 'different jobs ran side by side');
  });

  it('passes results and rejections through and releases the lock either way', async () => {
    const [a, b] = [queue(), queue()];
    assert.equal(await a.run('j1', async () => 7), 7);
    await assert.rejects(a.run('j1', async () => Promise.reject(new Error('task failed'))), /task failed/);
    assert.equal(await b.run('j1', async () => 'free'), 'free');
  });

  it('takes over the lock of a node that died holding it once its lease ran out', async () => {
    assert.equal(await store.lock('j1', 'dead-node', 150), true);
    const started = Date.now();
    await queue(150).run('j1', async () => undefined);
    assert.ok(Date.now() - started >= 100, `ran after ${Date.now() - started} ms`);
  });

  it('keeps the lock of a task that runs longer than the lease', async () => {
    const [a, b] = [queue(60), queue(60, 5_000)];
    const order: string[] = [];
    const long = a.run('j1', async () => {
      order.push('a starts');
      await sleep(200);
      order.push('a ends');
    });
    await sleep(10);
    await b.run('j1', async () => {
      order.push('b runs');
    });
    await long;
    assert.deepEqual(order, ['a starts', 'a ends', 'b runs']);
  });

  it('fails with storage_unavailable when another holder keeps the lock past twice the lease', async () => {
    assert.equal(await store.lock('j1', 'stuck-node', 10_000), true);
    let ran = false;
    await assert.rejects(
      queue(50).run('j1', async () => (ran = true)),
      (err) => err instanceof HeraldError && err.code === 'storage_unavailable' && /locked/.test(err.message),
    );
    assert.equal(ran, false);
  });
});
