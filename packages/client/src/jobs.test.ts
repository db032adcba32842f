// Unit tests of client.jobs: the real HeraldClient fed by a scripted transport that plays the server's frames.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { CloseCode, type ClientFrame, type JsonValue } from '@herald/protocol';
import { HeraldClient } from './client.js';
import { JobError, Jobs, type StartedJob } from './jobs.js';
import type { Transport, TransportEvents } from './transport.js';

/** A server stand-in: welcomes every hello and sends the frames a test pushes. */
class ScriptedServer {
  events: TransportEvents | null = null;
  readonly sent: ClientFrame[] = [];
  private seq = 0;

  readonly factory = (): Transport => ({
    name: 'scripted',
    open: (events) => {
      this.events = events;
      queueMicrotask(() => events.onOpen());
    },
    send: (frame) => {
      this.sent.push(frame);
      if (frame.op === 'hello') {
        const welcome = { op: 'welcome', session: 's1', secret: 'x', resumed: false, user: null, scope: 'browser', heartbeat: 0, acked: 0 };
        queueMicrotask(() => this.events?.onMessage(JSON.stringify(welcome)));
      }
      return true;
    },
    close: () => {
      this.events = null;
    },
  });

  job(type: string, data: JsonValue): void {
    this.seq++;
    const notification = { id: `n${this.seq}`, module: 'herald.jobs', type, data, ts: 1 };
    this.events?.onMessage(JSON.stringify({ op: 'notification', seq: this.seq, notification }));
  }

  closeWith(code: number): void {
    this.events?.onClose({ code, reason: 'test' });
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('client.jobs', () => {
  let client: HeraldClient | null = null;
  afterEach(() => client?.close());

  async function connected(): Promise<{ server: ScriptedServer; client: HeraldClient }> {
    const server = new ScriptedServer();
    client = new HeraldClient({ url: 'http://127.0.0.1:1', token: 't', transport: server.factory, autoConnect: false });
    client.connect();
    for (let i = 0; i < 20 && client.sessionId === null; i++) await tick();
    assert.equal(client.sessionId, 's1');
    return { server, client };
  }

  it('resolves watch() with the result, after reporting each progress in order', async () => {
    const { server, client } = await connected();
    server.job('started', { job: 'j1', kind: 'report', meta: {} });
    const progress: number[] = [];
    const result = client.jobs.watch('j1', { onProgress: (p) => progress.push(p.percent) });
    server.job('progress', { job: 'j1', percent: 30 });
    server.job('progress', { job: 'j1', percent: 60, message: 'more' });
    server.job('completed', { job: 'j1', result: { rows: 2 } });
    assert.deepEqual(await result, { rows: 2 });
    assert.deepEqual(progress, [30, 60]);
  });

  it('resolves a watch() made after the outcome arrived, and reports the latest progress of a running job at once', async () => {
    const { server, client } = await connected();
    server.job('completed', { job: 'done', result: 'early' });
    server.job('progress', { job: 'running', percent: 40, message: 'so far' });
    assert.equal(await client.jobs.watch('done'), 'early');
    assert.equal(await client.jobs.watch('done'), 'early', 'a second watch gets it too');
    const seen: unknown[] = [];
    const pending = client.jobs.watch('running', { onProgress: (p) => seen.push(p) });
    await tick();
    assert.deepEqual(seen, [{ percent: 40, message: 'so far' }]);
    server.job('completed', { job: 'running', result: 1 });
    assert.equal(await pending, 1);
  });

  it('rejects watch() with a JobError carrying the job error code, before or after the failure arrived', async () => {
    const { server, client } = await connected();
    const before = client.jobs.watch('j1');
    server.job('failed', { job: 'j1', error: { code: 'quota', message: 'over quota' } });
    server.job('failed', { job: 'j2', error: { code: 'job_expired', message: 'too slow' } });
    await assert.rejects(before, (e) => e instanceof JobError && e.code === 'quota' && e.job === 'j1' && e.message === 'over quota');
    await assert.rejects(client.jobs.watch('j2'), (e) => e instanceof JobError && e.code === 'job_expired');
  });

  it('emits started for jobs started for this session', async () => {
    const { server, client } = await connected();
    const started: StartedJob[] = [];
    client.jobs.on('started', (job) => started.push(job));
    server.job('started', { job: 'j1', kind: 'export', meta: { format: 'csv' } });
    assert.deepEqual(started, [{ id: 'j1', kind: 'export', meta: { format: 'csv' } }]);
  });

  it('keeps the first outcome: later notices about a finished job change nothing', async () => {
    const { server, client } = await connected();
    const progress: number[] = [];
    const result = client.jobs.watch('j1', { onProgress: (p) => progress.push(p.percent) });
    server.job('completed', { job: 'j1', result: 'first' });
    server.job('progress', { job: 'j1', percent: 99 });
    server.job('failed', { job: 'j1', error: { code: 'x', message: 'late' } });
    assert.equal(await result, 'first');
    assert.equal(await client.jobs.watch('j1'), 'first');
    assert.deepEqual(progress, []);
  });

  it('ignores job notices it cannot read', async () => {
    const { server, client } = await connected();
    const result = client.jobs.watch('j1');
    server.job('failed', { job: 'j1', error: 'not an object' });
    server.job('progress', { job: 'j1', percent: 'lots' });
    server.job('mystery', { job: 'j1' });
    server.job('completed', { job: 'j1', result: 3 });
    assert.equal(await result, 3);
  });

  it('rejects waiting watches with session_lost when the session ends, and stops a watch on abort', async () => {
    const { server, client } = await connected();
    const controller = new AbortController();
    const aborted = client.jobs.watch('a', { signal: controller.signal });
    controller.abort(new Error('no longer needed'));
    await assert.rejects(aborted, /no longer needed/);
    const waiting = client.jobs.watch('j1');
    server.closeWith(CloseCode.SessionEnded);
    await assert.rejects(waiting, (e) => e instanceof JobError && e.code === 'session_lost');
  });

  it('rejects waiting watches with session_lost when the application closes the session, and keeps known outcomes', async () => {
    const { server, client } = await connected();
    server.job('completed', { job: 'done', result: 'kept' });
    const waiting = client.jobs.watch('j1');
    client.close();
    await assert.rejects(waiting, (e) => e instanceof JobError && e.code === 'session_lost');
    assert.equal(await client.jobs.watch('done'), 'kept');
  });

  it('reports a throwing onProgress as a handler error without stopping other watchers', async () => {
    const { server, client } = await connected();
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    const seen: number[] = [];
    void client.jobs.watch('j1', { onProgress: () => { throw new Error('bad handler'); } }).catch(() => undefined);
    void client.jobs.watch('j1', { onProgress: (p) => seen.push(p.percent) }).catch(() => undefined);
    server.job('progress', { job: 'j1', percent: 5 });
    assert.deepEqual(seen, [5]);
    assert.deepEqual(errors, ['handler_error']);
  });

  it('forgets outcomes nobody watched after keepMs, and keeps at most maxJobs', async () => {
    const { server, client } = await connected();
    let now = 0;
    const jobs = new Jobs(client, { keepMs: 1000, maxJobs: 3, now: () => now });
    server.job('completed', { job: 'old', result: 1 });
    now = 1001;
    server.job('completed', { job: 'new', result: 2 });
    const pendingOld = jobs.watch('old');
    let settled = false;
    void pendingOld.then(() => (settled = true), () => (settled = true));
    await tick();
    assert.equal(settled, false, 'the old outcome was forgotten');
    assert.equal(await jobs.watch('new'), 2);
    for (const id of ['a', 'b', 'c']) server.job('completed', { job: id, result: id });
    assert.equal(await jobs.watch('c'), 'c');
    const forgotten = await Promise.race([jobs.watch('new').then(() => 'kept'), tick().then(() => 'forgotten')]);
    assert.equal(forgotten, 'forgotten', 'the oldest beyond maxJobs was dropped');
    server.job('completed', { job: 'old', result: 'finally' });
    assert.equal(await pendingOld, 'finally', 'a watched job is never forgotten');
  });
});
