// The job store contract suite: every JobStore backend's test file runs it with a factory, so all keep job-store.ts's guarantees.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HeraldError } from '../errors.js';
import type { JobOutcome, JobStore, NewJob } from './job-store.js';

/** What a backend's test file supplies for one fresh, empty job store. */
export interface JobStoreHarness {
  /** A store on empty data, not yet initialized: the suite calls init(). */
  store: JobStore;
  /** Closes the current store and opens a new, not yet initialized one on the same data (a restart). */
  reopen?: () => Promise<JobStore>;
  /** Closes whatever store is current and removes its data. */
  cleanup: () => Promise<void>;
}

const T0 = 1_700_000_000_000;

function job(id: string, extra: Partial<NewJob> = {}): NewJob {
  return { id, appId: 'a', sessionId: 's1', kind: 'report', meta: { report: 12 }, createdAt: T0, expiresAt: T0 + 60_000, ...extra };
}

function isUnavailable(err: unknown): boolean {
  return err instanceof HeraldError && err.code === 'storage_unavailable';
}

/** Runs the job store contract against one backend; `factory` is called once per test. */
export function jobStoreContract(name: string, factory: () => Promise<JobStoreHarness>): void {
  describe(`job store contract: ${name}`, () => {
    let harness: JobStoreHarness;
    let store: JobStore;

    beforeEach(async () => {
      harness = await factory();
      store = harness.store;
      await store.init();
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('creates a running job without progress and reads it back; null for an unknown id', async () => {
      await store.create(job('j1'));
      const got = await store.get('j1');
      assert.deepEqual(got, {
        ...job('j1'),
        state: 'running',
        progress: null,
        progressNotice: null,
        progressHeld: false,
        updatedAt: T0,
      });
      assert.equal(await store.get('nope'), null);
    });

    it('refuses a second job with the same id and keeps the first', async () => {
      await store.create(job('j1'));
      await assert.rejects(store.create(job('j1', { kind: 'other' })));
      assert.equal((await store.get('j1'))?.kind, 'report');
    });

    it('records delivered and held-back progress; a held-back one keeps the last delivered notice', async () => {
      await store.create(job('j1'));
      let got = await store.progress('j1', { progress: { percent: 10, message: 'start' }, notice: 'n1', at: T0 + 1 });
      assert.deepEqual([got?.progress, got?.progressNotice, got?.progressHeld, got?.updatedAt], [{ percent: 10, message: 'start' }, 'n1', false, T0 + 1]);
      got = await store.progress('j1', { progress: { percent: 20 }, notice: null, at: T0 + 2 });
      assert.deepEqual([got?.progress, got?.progressNotice, got?.progressHeld], [{ percent: 20 }, 'n1', true]);
      got = await store.progress('j1', { progress: { percent: 30 }, notice: 'n2', at: T0 + 3 });
      assert.deepEqual([got?.progress, got?.progressNotice, got?.progressHeld], [{ percent: 30 }, 'n2', false]);
      assert.equal(await store.progress('nope', { progress: { percent: 1 }, notice: 'n3', at: T0 }), null);
    });

    it('lets exactly one of many concurrent finishes win, and the others see the winner', async () => {
      await store.create(job('j1'));
      const outcomes: JobOutcome[] = [
        { state: 'completed', result: { rows: 3 } },
        { state: 'failed', error: { code: 'boom', message: 'it broke' } },
        { state: 'expired' },
        { state: 'orphaned', reason: 'client' },
      ];
      const results = await Promise.all(outcomes.map((o, i) => store.finish('j1', o, T0 + 10 + i, T0 + 1000)));
      const winners = results.filter((r) => r.kind === 'finished');
      assert.equal(winners.length, 1);
      const winner = winners[0]!;
      assert.ok(winner.kind === 'finished');
      for (const r of results) {
        assert.ok(r.kind !== 'not_found');
        assert.deepEqual(r.job, winner.job);
      }
      assert.deepEqual(await store.get('j1'), winner.job);
    });

    it('keeps each kind of outcome with its details, finish time and purge time', async () => {
      const outcomes: JobOutcome[] = [
        { state: 'completed', result: null },
        { state: 'completed', result: [1, 'two', { three: 3 }] },
        { state: 'failed', error: { code: 'job_failed', message: 'no' } },
        { state: 'expired' },
        { state: 'orphaned', reason: null },
        { state: 'orphaned', reason: 'expired' },
      ];
      for (const [i, outcome] of outcomes.entries()) {
        await store.create(job(`j${i}`));
        const r = await store.finish(`j${i}`, outcome, T0 + 5, T0 + 500);
        assert.equal(r.kind, 'finished');
        const got = await store.get(`j${i}`);
        assert.ok(got && got.state !== 'running');
        assert.deepEqual({ ...got }, { ...job(`j${i}`), progress: null, progressNotice: null, progressHeld: false, updatedAt: T0 + 5, expiresAt: T0 + 500, finishedAt: T0 + 5, ...outcome });
      }
      assert.deepEqual(await store.finish('nope', { state: 'expired' }, T0, T0), { kind: 'not_found' });
    });

    it('ignores progress on a finished job', async () => {
      await store.create(job('j1'));
      await store.finish('j1', { state: 'completed', result: 1 }, T0 + 1, T0 + 100);
      const got = await store.progress('j1', { progress: { percent: 99 }, notice: 'n9', at: T0 + 2 });
      assert.equal(got?.state, 'completed');
      assert.equal(got?.progress, null);
      assert.equal(got?.progressNotice, null);
    });

    it('lists the running jobs of a session only', async () => {
      await store.create(job('j1'));
      await store.create(job('j2', { createdAt: T0 + 1 }));
      await store.create(job('j3'));
      await store.create(job('other', { sessionId: 's2' }));
      await store.finish('j3', { state: 'expired' }, T0, T0 + 10);
      assert.deepEqual((await store.running('s1', 10)).map((j) => j.id), ['j1', 'j2']);
      assert.deepEqual((await store.running('s1', 1)).map((j) => j.id), ['j1']);
      assert.deepEqual(await store.running('s3', 10), []);
    });

    it('lists running jobs that are due, earliest deadline first, and not finished ones', async () => {
      await store.create(job('late', { expiresAt: T0 + 300 }));
      await store.create(job('early', { expiresAt: T0 + 100 }));
      await store.create(job('future', { expiresAt: T0 + 10_000 }));
      await store.create(job('done', { expiresAt: T0 + 50 }));
      await store.finish('done', { state: 'completed', result: 1 }, T0, T0 + 50);
      assert.deepEqual((await store.due(T0 + 300, 10)).map((j) => j.id), ['early', 'late']);
      assert.deepEqual((await store.due(T0 + 300, 1)).map((j) => j.id), ['early']);
      assert.deepEqual(await store.due(T0, 10), []);
    });

    it('purges finished jobs past their keep time and nothing else', async () => {
      await store.create(job('old', { expiresAt: T0 + 10 }));
      await store.create(job('kept'));
      await store.create(job('running', { expiresAt: T0 + 10 }));
      await store.finish('old', { state: 'completed', result: 1 }, T0, T0 + 100);
      await store.finish('kept', { state: 'completed', result: 1 }, T0, T0 + 10_000);
      assert.equal(await store.sweep(T0 + 100), 1);
      assert.equal(await store.get('old'), null);
      assert.equal((await store.get('kept'))?.state, 'completed');
      assert.equal((await store.get('running'))?.state, 'running', 'a running job is expired by Jobs, never purged');
    });

    it('removes a job whatever its state', async () => {
      await store.create(job('j1'));
      await store.remove('j1');
      await store.remove('j1');
      assert.equal(await store.get('j1'), null);
    });

    it('keeps jobs and outcomes across a restart', async (t) => {
      if (!harness.reopen) return t.skip('in-memory backend');
      await store.create(job('j1'));
      await store.create(job('j2'));
      await store.progress('j1', { progress: { percent: 40 }, notice: 'n1', at: T0 + 1 });
      await store.finish('j2', { state: 'failed', error: { code: 'x', message: 'y' } }, T0 + 2, T0 + 100);
      store = await harness.reopen();
      await store.init();
      assert.deepEqual((await store.get('j1'))?.progress, { percent: 40 });
      const j2 = await store.get('j2');
      assert.ok(j2?.state === 'failed');
      assert.deepEqual(j2.error, { code: 'x', message: 'y' });
    });

    it('gives a job lock to one token at a time, lets its holder extend it, and frees it on unlock', async () => {
      assert.equal(await store.lock('j1', 'a', 10_000), true);
      assert.equal(await store.lock('j1', 'b', 10_000), false);
      assert.equal(await store.lock('j2', 'b', 10_000), true, 'locks are per job');
      assert.equal(await store.lock('j1', 'a', 10_000), true, 'the holder extends it');
      await store.unlock('j1', 'b');
      assert.equal(await store.lock('j1', 'b', 10_000), false, 'only the holder unlocks');
      await store.unlock('j1', 'a');
      assert.equal(await store.lock('j1', 'b', 10_000), true);
    });

    it('lets exactly one of many concurrent lockers take a job lock', async () => {
      const taken = await Promise.all(Array.from({ length: 20 }, (_, i) => store.lock('j1', `t${i}`, 10_000)));
      assert.equal(taken.filter(Boolean).length, 1);
    });

    it('frees a job lock after its ttl when the holder stops extending it (a dead node)', async () => {
      assert.equal(await store.lock('j1', 'dead', 100), true);
      assert.equal(await store.lock('j1', 'b', 100), false);
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(await store.lock('j1', 'b', 10_000), true);
      assert.equal(await store.lock('j1', 'dead', 100), false);
    });

    it('answers storage_unavailable after close', async () => {
      await store.close();
      await assert.rejects(store.get('j1'), isUnavailable);
      await assert.rejects(store.create(job('j1')), isUnavailable);
      await assert.rejects(store.lock('j1', 'a', 1000), isUnavailable);
    });
  });
}
