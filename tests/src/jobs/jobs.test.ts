// Black-box job tests: the real server in a child process, the real server SDK starting and reporting jobs,
// the real client SDK watching them, across disconnects.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Herald, HeraldApiError } from '@herald/server-sdk';
import { JobError, State, type StartedJob } from '@herald/client/node';
import type { Notification } from '@herald/protocol';
import { TEST_APP } from '../fixtures/server-process.js';
import { recordingClient, waitUntil } from '../fixtures/clients.js';
import { serverSuite } from '../fixtures/suite.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Job notices about `job` of `type` the application saw (each notification once, by the SDK's promise). */
function notices(seen: Notification[], job: string, type?: string): Notification[] {
  return seen.filter((n) => n.module === 'herald.jobs' && (n.data as { job?: string }).job === job && (type === undefined || n.type === type));
}

describe('jobs through the real server', () => {
  const suite = serverSuite();
  const { clients } = suite;
  const connect = async (user: string) => {
    const c = recordingClient(suite.server.url, await suite.sdk.createToken({ user }));
    clients.push(c);
    return { c, session: await c.session() };
  };
  const expectCode = async (p: Promise<unknown>, code: string, status: number) => {
    await assert.rejects(p, (err: unknown) => err instanceof HeraldApiError && err.code === code && err.status === status);
  };

  it('tells the client a job started, reports its progress and resolves watch() with the result', async () => {
    const { c, session } = await connect('watcher');
    const started: StartedJob[] = [];
    c.client.jobs.on('started', (job) => started.push(job));
    const job = await suite.sdk.jobs.create({ session, kind: 'report', meta: { report: 12 } });
    assert.equal(job.state, 'running');
    assert.equal(job.session, session);
    await c.waitFor(() => started.length === 1, 'the started event');
    assert.deepEqual(started[0], { id: job.id, kind: 'report', meta: { report: 12 } });

    const progress: number[] = [];
    const result = c.client.jobs.watch(job.id, { onProgress: (p) => progress.push(p.percent) });
    await suite.sdk.jobs.progress(job.id, { percent: 25, message: 'a quarter' });
    await c.waitFor(() => progress.length === 1, 'the first progress');
    await suite.sdk.jobs.progress(job.id, { percent: 75 });
    await c.waitFor(() => progress.at(-1) === 75, 'the latest progress');
    const done = await suite.sdk.jobs.complete(job.id, { url: '/reports/12.pdf' });
    assert.equal(done.state, 'completed');
    assert.deepEqual(await result, { url: '/reports/12.pdf' });
    assert.deepEqual(progress, [25, 75]);
    const info = await suite.sdk.jobs.get(job.id);
    assert.deepEqual([info.state, info.result, info.progress], ['completed', { url: '/reports/12.pdf' }, { percent: 75 }]);
  });

  it('delivers the result exactly once to a client that disconnected before the job ended and reconnected after', async () => {
    const { c, session } = await connect('offline');
    const job = await suite.sdk.jobs.create({ session, kind: 'export' });
    const result = c.client.jobs.watch(job.id);
    await c.waitFor(() => notices(c.seen, job.id, 'started').length === 1, 'the started notice');
    c.client.disconnect();
    await waitUntil(() => c.client.state === State.Disconnected, 'the disconnect');
    // The server records the close a moment after the client let go.
    for (let i = 0; i < 100 && (await suite.sdk.getSession(session)).connected; i++) await sleep(20);

    await suite.sdk.jobs.progress(job.id, { percent: 50 });
    await suite.sdk.jobs.complete(job.id, { rows: 1234 });
    assert.equal((await suite.sdk.getSession(session)).connected, false);

    c.client.connect();
    assert.deepEqual(await result, { rows: 1234 });
    assert.equal(c.client.sessionId, session, 'the same session was resumed');
    // Reconnect once more: the acknowledged outcome must not come again.
    await sleep(150);
    c.client.disconnect();
    c.client.connect();
    await c.session();
    await sleep(300);
    assert.equal(notices(c.seen, job.id, 'completed').length, 1, 'the outcome reached the application once');
    assert.deepEqual(await c.client.jobs.watch(job.id), { rows: 1234 }, 'a later watch() still gets it');
    assert.equal((await suite.sdk.getSession(session)).pending, 0, 'everything was acknowledged');
  });

  it('resolves a watch() made only after the outcome arrived', async () => {
    const { c, session } = await connect('late-watcher');
    const job = await suite.sdk.jobs.create({ session, kind: 'quick' });
    await suite.sdk.jobs.complete(job.id, 'done already');
    await c.waitFor(() => notices(c.seen, job.id, 'completed').length === 1, 'the outcome');
    assert.equal(await c.client.jobs.watch(job.id), 'done already');
  });

  it('coalesces the progress of a disconnected client into one inbox entry and delivers the latest on return', async () => {
    const { c, session } = await connect('coalesce');
    const job = await suite.sdk.jobs.create({ session, kind: 'long' });
    await c.waitFor(() => notices(c.seen, job.id, 'started').length === 1, 'the started notice');
    await sleep(100);
    c.client.disconnect();
    await waitUntil(() => c.client.state === State.Disconnected, 'the disconnect');
    for (let p = 1; p <= 50; p++) await suite.sdk.jobs.progress(job.id, { percent: p * 2, message: `step ${p}` });
    const pending = (await suite.sdk.getSession(session)).pending;
    assert.ok(pending <= 2, `the inbox holds ${pending} entries after 50 progress reports (started and one progress at most)`);
    assert.deepEqual((await suite.sdk.jobs.get(job.id)).progress, { percent: 100, message: 'step 50' });

    const seen: number[] = [];
    const result = c.client.jobs.watch(job.id, { onProgress: (p) => seen.push(p.percent) });
    c.client.connect();
    await c.waitFor(() => seen.at(-1) === 100, 'the latest progress after reconnecting', 10_000);
    assert.ok(seen.length <= 2, `progress seen after reconnecting: ${seen.join(', ')}`);
    assert.equal(seen[0], 2, 'the one progress entry kept in the inbox comes first');
    await suite.sdk.jobs.complete(job.id, 'ok');
    assert.equal(await result, 'ok');
    const percents = notices(c.seen, job.id, 'progress').map((n) => (n.data as { percent: number }).percent);
    assert.deepEqual(percents, [2, 100]);
  });

  it('rejects watch() with the job error when the backend fails the job', async () => {
    const { c, session } = await connect('failing');
    const job = await suite.sdk.jobs.create({ session, kind: 'render' });
    // Caught at once: the rejection may come before this test awaits it.
    const result = c.client.jobs.watch(job.id).then(() => assert.fail('watch() resolved'), (e: unknown) => e);
    const failed = await suite.sdk.jobs.fail(job.id, { code: 'render_failed', message: 'the template is broken' });
    assert.deepEqual([failed.state, failed.error], ['failed', { code: 'render_failed', message: 'the template is broken' }]);
    const e = await result;
    assert.ok( e instanceof JobError && e.code === 'render_failed' && e.message === 'the template is broken' && e.job === job.id, String(e));
  });

  it('refuses bad job calls with stable codes and keeps serving', async () => {
    const { session } = await connect('bad-input');
    await expectCode(suite.sdk.jobs.create({ session: 's-none', kind: 'k' }), 'session_not_found', 404);
    await expectCode(suite.sdk.jobs.create({ session, kind: 'not a kind!' }), 'invalid_request', 400);
    await expectCode(suite.sdk.jobs.get('j-none'), 'job_not_found', 404);
    await expectCode(suite.sdk.jobs.complete('j-none', 1), 'job_not_found', 404);
    const job = await suite.sdk.jobs.create({ session, kind: 'k' });
    await expectCode(suite.sdk.jobs.progress(job.id, { percent: 101 }), 'invalid_request', 400);
    await expectCode(suite.sdk.jobs.complete(job.id, 'x'.repeat(70_000)), 'payload_too_large', 413);
    await suite.sdk.jobs.complete(job.id, 1);
    await expectCode(suite.sdk.jobs.complete(job.id, 1), 'job_finished', 409);
    await expectCode(suite.sdk.jobs.fail(job.id, { message: 'late' }), 'job_finished', 409);
    await expectCode(suite.sdk.jobs.progress(job.id, { percent: 1 }), 'job_finished', 409);
    const wrong = new Herald({ url: suite.server.url, appId: TEST_APP.id, secret: 'wrong-secret' });
    await expectCode(wrong.jobs.get(job.id), 'unauthorized', 401);
    await expectCode(suite.sdk.publish({ to: { sessions: [session] }, module: 'herald.jobs', type: 'completed', data: { job: job.id } }), 'invalid_request', 400);
    const res = await fetch(`${suite.server.url}/v1/apps/${TEST_APP.id}/jobs/${job.id}/progress`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_APP.secret}`, 'content-type': 'application/json' },
      body: '{"percent":',
    });
    assert.deepEqual([res.status, ((await res.json()) as { error: { code: string } }).error.code], [400, 'invalid_json']);
    assert.equal((await suite.sdk.jobs.get(job.id)).state, 'completed');
  });
});
