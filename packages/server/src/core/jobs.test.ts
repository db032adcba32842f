// Unit tests of Jobs on real SQLite storage and job store (in memory) with the real publisher.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Notification, SessionEndReason } from '@herald/protocol';
import { HeraldError } from '../errors.js';
import type { FinishedJob } from '../storage/job-store.js';
import { SqliteJobStore } from '../storage/sqlite/job-store.js';
import { SqliteStorage } from '../storage/sqlite/sqlite.js';
import { Delivery } from './delivery.js';
import { Jobs, outcomeKey } from './jobs.js';
import { Publisher } from './publish.js';

const T0 = 1_700_000_000_000;

function rejectsWith(code: string): (err: unknown) => boolean {
  return (err) => err instanceof HeraldError && err.code === code;
}

async function until(predicate: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('Jobs', () => {
  let clock: number;
  let storage: SqliteStorage;
  let store: SqliteJobStore;
  let publisher: Publisher;
  let jobs: Jobs;
  let errors: unknown[];
  let orphaned: Array<{ job: FinishedJob; reason: SessionEndReason | null }>;
  let expired: FinishedJob[];

  beforeEach(async () => {
    clock = T0;
    errors = [];
    orphaned = [];
    expired = [];
    const now = () => clock;
    const onError = (err: unknown) => errors.push(err);
    storage = new SqliteStorage({ path: ':memory:', synchronous: 'NORMAL' });
    store = new SqliteJobStore({ path: ':memory:', synchronous: 'NORMAL' });
    await storage.init();
    await store.init();
    for (const app of ['a', 'b']) await storage.putApp({ id: app, key: `k${app}`, secret: 's', name: app, createdAt: T0, settings: {} });
    const session = { userId: null, scope: 'browser', meta: {}, resumeHash: 'h', ttlMs: 60_000, createdAt: T0 };
    await storage.createSession({ id: 's1', appId: 'a', ...session });
    await storage.createSession({ id: 's2', appId: 'b', ...session });
    const delivery = new Delivery(storage, { readBatch: 100, now, onError });
    publisher = new Publisher(storage, delivery, { maxInbox: 5, defaultTtlSeconds: 3600, idempotencyTtlMs: 60_000, now });
    jobs = new Jobs(store, storage, publisher, { ttlMs: 60_000, now, onError, recheckMs: 5, recheckMaxMs: 20 });
    jobs.observers.push({ orphaned: (job, reason) => orphaned.push({ job, reason }), expired: (job) => expired.push(job) });
  });
  afterEach(async () => {
    await jobs.stop();
    await store.close();
    await storage.close();
    assert.deepEqual(errors, []);
  });

  async function inbox(session = 's1'): Promise<Array<{ seq: number; n: Notification }>> {
    return (await storage.readInbox(session, 0, 100, clock)).map((e) => ({ seq: e.seq, n: JSON.parse(e.json) as Notification }));
  }

  async function events(session = 's1'): Promise<string[]> {
    return (await inbox(session)).map(({ n }) => {
      const d = n.data as Record<string, unknown>;
      return n.type === 'progress' ? `progress ${String(d['percent'])}` : n.type;
    });
  }

  async function ackAll(session = 's1'): Promise<void> {
    const all = await inbox(session);
    if (all.length > 0) await storage.ack(session, all[all.length - 1]!.seq, Date.now());
  }

  it('creates a running job and tells its session it started', async () => {
    const job = await jobs.create('a', { session: 's1', kind: 'report', meta: { report: 12 } });
    assert.equal(job.state, 'running');
    assert.equal(job.expiresAt, T0 + 60_000);
    const [started] = await inbox();
    assert.equal(started?.n.module, 'herald.jobs');
    assert.equal(started?.n.type, 'started');
    assert.deepEqual(started?.n.data, { job: job.id, kind: 'report', meta: { report: 12 } });
    assert.deepEqual(await jobs.get('a', job.id), job);
  });

  it('refuses a job for an unknown session or a session of another app, and hides jobs across apps', async () => {
    await assert.rejects(jobs.create('a', { session: 'nope', kind: 'k' }), rejectsWith('session_not_found'));
    await assert.rejects(jobs.create('a', { session: 's2', kind: 'k' }), rejectsWith('session_not_found'));
    const job = await jobs.create('b', { session: 's2', kind: 'k' });
    await assert.rejects(jobs.get('a', job.id), rejectsWith('job_not_found'));
    await assert.rejects(jobs.complete('a', job.id, 1), rejectsWith('job_not_found'));
  });

  it('holds back progress while the previous progress notice is unacknowledged, then writes only the latest', async () => {
    const job = await jobs.create('a', { session: 's1', kind: 'k' });
    await jobs.progress('a', job.id, { percent: 10 });
    for (let p = 20; p <= 90; p += 10) await jobs.progress('a', job.id, { percent: p, message: `at ${p}` });
    assert.deepEqual(await events(), ['started', 'progress 10']);
    assert.deepEqual((await jobs.get('a', job.id)).progress, { percent: 90, message: 'at 90' });
    await ackAll();
    await until(async () => (await events()).length === 1, 'the held-back progress to be written');
    const [latest] = await inbox();
    assert.deepEqual(latest?.n.data, { job: job.id, percent: 90, message: 'at 90' });
  });

  it('never lets progress follow the outcome, and never coalesces the outcome', async () => {
    const job = await jobs.create('a', { session: 's1', kind: 'k' });
    await jobs.progress('a', job.id, { percent: 10 });
    await jobs.progress('a', job.id, { percent: 50 });
    const done = await jobs.complete('a', job.id, { rows: 3 });
    assert.equal(done.state, 'completed');
    assert.deepEqual(done.result, { rows: 3 });
    await ackAll();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await events(), [], 'the held-back progress is not written after the outcome');
    await assert.rejects(jobs.progress('a', job.id, { percent: 60 }), rejectsWith('job_finished'));
  });

  it('stores exactly one outcome when complete and fail race', async () => {
    const job = await jobs.create('a', { session: 's1', kind: 'k' });
    const results = await Promise.allSettled([
      jobs.complete('a', job.id, 'ok'),
      jobs.fail('a', job.id, { code: 'boom', message: 'no' }),
      jobs.complete('a', job.id, 'again'),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.ok(results.every((r) => r.status === 'fulfilled' || rejectsWith('job_finished')(r.reason)));
    assert.deepEqual(await events(), ['started', 'completed']);
    assert.deepEqual((await inbox())[1]?.n.data, { job: job.id, result: 'ok' });
  });

  it('stores no second notice when a finish is retried after its notice was stored but not recorded', async () => {
    const job = await jobs.create('a', { session: 's1', kind: 'k' });
    // What a process that died between publishing the outcome and recording it leaves behind.
    await publisher.publish('a', { to: { sessions: ['s1'] }, module: 'herald.jobs', type: 'completed', data: { job: job.id, result: 7 }, idempotencyKey: outcomeKey(job.id) });
    assert.equal((await jobs.complete('a', job.id, 7)).state, 'completed');
    assert.deepEqual(await events(), ['started', 'completed']);
  });

  it('refuses a different outcome than the one already stored in the inbox', async () => {
    const job = await jobs.create('a', { session: 's1', kind: 'k' });
    await publisher.publish('a', { to: { sessions: ['s1'] }, module: 'herald.jobs', type: 'completed', data: { job: job.id, result: 7 }, idempotencyKey: outcomeKey(job.id) });
    await assert.rejects(jobs.fail('a', job.id, { code: 'x', message: 'y' }), rejectsWith('job_finished'));
    assert.deepEqual(await events(), ['started', 'completed']);
  });

  it('keeps a job running when its session inbox is full, so the outcome can be retried', async () => {
    const job = await jobs.create('a', { session: 's1', kind: 'k' });
    for (let i = 0; i < 4; i++) await publisher.publish('a', { to: { sessions: ['s1'] }, module: 'app', type: 'filler' });
    await assert.rejects(jobs.complete('a', job.id, 1), rejectsWith('inbox_full'));
    assert.equal((await jobs.get('a', job.id)).state, 'running');
    await ackAll();
    assert.equal((await jobs.complete('a', job.id, 1)).state, 'completed');
    assert.deepEqual(await events(), ['completed']);
  });

  it('orphans the running jobs of a session that ended and tells observers why', async () => {
    const running = await jobs.create('a', { session: 's1', kind: 'k', meta: { n: 1 } });
    const done = await jobs.create('a', { session: 's1', kind: 'k' });
    await jobs.complete('a', done.id, null);
    await storage.endSession('s1');
    await jobs.sessionEnded('s1', 'backend');
    assert.deepEqual(orphaned.map((o) => [o.job.id, o.job.state, o.reason]), [[running.id, 'orphaned', 'backend']]);
    assert.equal((await jobs.get('a', done.id)).state, 'completed');
    await assert.rejects(jobs.complete('a', running.id, 1), rejectsWith('job_finished'));
  });

  it('orphans a job whose session is found gone when it reports', async () => {
    const job = await jobs.create('a', { session: 's1', kind: 'k' });
    await storage.endSession('s1');
    await assert.rejects(jobs.complete('a', job.id, 1), (err) => rejectsWith('job_finished')(err) && /orphaned/.test(String(err)));
    assert.deepEqual(orphaned.map((o) => [o.job.id, o.reason]), [[job.id, null]]);
    assert.equal((await jobs.get('a', job.id)).state, 'orphaned');
  });

  it('expires a job past its deadline: the session is told it failed with job_expired, observers are told', async () => {
    const job = await jobs.create('a', { session: 's1', kind: 'k', ttl: 10 });
    const other = await jobs.create('a', { session: 's1', kind: 'k', ttl: 100 });
    clock = T0 + 10_000;
    assert.equal(await jobs.expireDue(), 1);
    assert.deepEqual(expired.map((j) => j.id), [job.id]);
    const view = await jobs.get('a', job.id);
    assert.equal(view.state, 'expired');
    assert.equal(view.error?.code, 'job_expired');
    assert.equal(view.expiresAt, clock + 10_000, 'readable as long again as it could run');
    const last = (await inbox()).at(-1);
    assert.deepEqual([last?.n.type, (last?.n.data as { error: { code: string } }).error.code], ['failed', 'job_expired']);
    assert.equal((await jobs.get('a', other.id)).state, 'running');
    clock = T0 + 20_001;
    await jobs.expireDue();
    await assert.rejects(jobs.get('a', job.id), rejectsWith('job_not_found'), 'purged after its keep time');
  });

  it('orphans instead of expiring a due job whose session is gone', async () => {
    const job = await jobs.create('a', { session: 's1', kind: 'k', ttl: 1 });
    await storage.endSession('s1');
    clock = T0 + 1000;
    await jobs.expireDue();
    assert.deepEqual(expired, []);
    assert.deepEqual(orphaned.map((o) => [o.job.id, o.reason]), [[job.id, null]]);
  });
});
