// The long-poll endpoint as a plain HTTP client sees it: batches, waiting, acks in the next poll, newer-wins, ends and resumes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Herald } from '@herald/server-sdk';
import { freePort, serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from '../fixtures/server-process.js';

type Frame = Record<string, unknown> & { op: string };

describe('long-poll endpoint', () => {
  const dir = tempDir();
  let server: ServerProcess;
  let env: Record<string, string>;
  let sdk: Herald;
  const WAIT = 400;

  const poll = async (body: unknown, signal?: AbortSignal): Promise<{ status: number; body: unknown; ms: number }> => {
    const started = Date.now();
    const res = await fetch(`${server.url}/v1/poll`, { method: 'POST', body: JSON.stringify(body), ...(signal ? { signal } : {}) });
    return { status: res.status, body: await res.json(), ms: Date.now() - started };
  };
  const hello = async (user: string, connection = `c-${user}-0001`) => {
    const r = await poll({ op: 'hello', connection, token: await sdk.createToken({ user }) });
    assert.equal(r.status, 200);
    const frames = r.body as Frame[];
    assert.equal(frames[0]!.op, 'welcome');
    return { connection, session: frames[0]!['session'] as string, secret: frames[0]!['secret'] as string, frames };
  };
  const next = (c: { connection: string; session: string; secret: string }, ack: number, signal?: AbortSignal) =>
    poll({ op: 'poll', connection: c.connection, session: c.session, secret: c.secret, ack }, signal);
  const seqs = (body: unknown) => (body as Frame[]).filter((f) => f.op === 'notification').map((f) => f['seq'] as number);
  const publish = async (session: string, n: number) => {
    for (let i = 0; i < n; i++) await sdk.publish({ to: { sessions: [session] }, module: 'lp', type: 'n', data: i });
  };
  const view = async (session: string) =>
    (await (await fetch(`${server.url}/v1/apps/${TEST_APP.id}/sessions/${session}`, { headers: { authorization: `Bearer ${TEST_APP.secret}` } })).json()) as { acked: number; pending: number; connected: boolean };

  before(async () => {
    env = serverEnv(dir.path, await freePort(), { HERALD_LONG_POLL_TIMEOUT_MS: String(WAIT), HERALD_HEARTBEAT_MS: '1000' });
    server = await startServerProcess(env);
    sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });
  });
  after(async () => {
    await server.kill('SIGTERM');
    dir.remove();
  });

  it('answers the first poll with the welcome, then waits for notifications and answers as soon as one is published', async () => {
    const c = await hello('first');
    assert.equal(c.frames.length, 1);
    const waiting = next(c, 0);
    await new Promise((r) => setTimeout(r, 100));
    await publish(c.session, 1);
    const r = await waiting;
    assert.equal(r.status, 200);
    assert.equal(seqs(r.body).length, 1);
    assert.ok(r.ms < WAIT, `answered at once (${r.ms} ms)`);
  });

  it('answers an empty batch after the poll timeout', async () => {
    const c = await hello('timeout');
    const r = await next(c, 0);
    assert.deepEqual(r.body, []);
    assert.ok(r.ms >= WAIT - 50 && r.ms < WAIT + 1000, `waited the timeout (${r.ms} ms)`);
  });

  it('acknowledges with the next poll, clamped to what it returned', async () => {
    const c = await hello('acks');
    await publish(c.session, 3);
    const r = await next(c, 0);
    const got = seqs(r.body);
    assert.equal(got.length, 3);
    await next(c, got[1]!);
    assert.equal((await view(c.session)).acked, got[1]);
    await next(c, got[2]! + 1000);
    const v = await view(c.session);
    assert.equal(v.acked, got[2], 'clamped to the last seq returned');
    assert.equal(v.pending, 0);
  });

  it('answers an older concurrent poll of the connection with an empty batch: the newer one wins', async () => {
    const c = await hello('newer');
    const older = next(c, 0);
    await new Promise((r) => setTimeout(r, 50));
    const newer = next(c, 0);
    const o = await older;
    assert.deepEqual(o.body, []);
    assert.ok(o.ms < WAIT, 'the older poll returned at once');
    await publish(c.session, 1);
    assert.equal(seqs((await newer).body).length, 1);
  });

  it('a hello on a new connection takes the session over: the old connection gets a disconnect frame (4005)', async () => {
    const c = await hello('takeover');
    const waiting = next(c, 0);
    await new Promise((r) => setTimeout(r, 50));
    const r = await poll({ op: 'hello', connection: 'c-takeover-0002', resume: { session: c.session, secret: c.secret } });
    assert.equal((r.body as Frame[])[0]!.op, 'welcome');
    assert.deepEqual((await waiting).body, [{ op: 'disconnect', code: 4005, reason: 'session resumed by another connection' }]);
  });

  it('gives the disconnect frame (4003) to the next poll after the session ended, then refuses with 404 and close 4104', async () => {
    const c = await hello('ended');
    await sdk.endSession(c.session);
    const r = await next(c, 0);
    assert.deepEqual(r.body, [{ op: 'disconnect', code: 4003, reason: 'session ended (backend)' }]);
    const again = await next(c, 0);
    assert.equal(again.status, 404);
    assert.deepEqual(again.body, { error: { code: 'session_not_found', message: 'the session has ended or expired; connect with a token' }, close: 4104 });
  });

  it('refuses malformed polls and bad credentials with an HTTP error carrying the close code', async () => {
    const cases: Array<[unknown, number, number]> = [
      [{ op: 'hello', token: 'x' }, 400, 4000],
      [{ op: 'hello', connection: 'short' }, 400, 4000],
      [{ op: 'poll', connection: 'c-bad-00001', session: 's', secret: 'x' }, 400, 4000],
      [{ op: 'hello', connection: 'c-bad-00001', token: 'garbage' }, 401, 4001],
      [{ op: 'poll', connection: 'c-bad-00001', session: 's-none', secret: 'x', ack: 0 }, 404, 4104],
    ];
    for (const [body, status, close] of cases) {
      const r = await poll(body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal((r.body as { close: number }).close, close, JSON.stringify(body));
    }
    const c = await hello('secret');
    const wrong = await poll({ op: 'poll', connection: c.connection, session: c.session, secret: 'wrong', ack: 0 });
    assert.equal(wrong.status, 404);
  });

  it('detaches a connection that stops polling (the session shows disconnected) and resumes it silently on the next poll', async () => {
    const c = await hello('idle');
    await new Promise((r) => setTimeout(r, 2600));
    assert.equal((await view(c.session)).connected, false);
    await publish(c.session, 2);
    const r = await next(c, 0);
    assert.deepEqual((r.body as Frame[]).map((f) => f.op), ['notification', 'notification'], 'no second welcome');
    assert.equal((await view(c.session)).connected, true);
  });

  it('serves a poll whose connection this server does not know (after a restart) by resuming the session silently', async () => {
    const c = await hello('restart');
    await publish(c.session, 2);
    const first = seqs((await next(c, 0)).body);
    await server.kill('SIGTERM');
    server = await startServerProcess(env);
    await publish(c.session, 1);
    const r = await next(c, first[0]!);
    assert.deepEqual((r.body as Frame[]).map((f) => f.op), ['notification', 'notification'], 'the unacknowledged one again, then the new one; no welcome');
    assert.equal(seqs(r.body)[0], first[1]);
  });
});
