// The SSE endpoint as an EventSource sees it: event ids, Last-Event-ID resumes, refusals, heartbeats, acks over HTTP, logs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Herald } from '@herald/server-sdk';
import { serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from '../fixtures/server-process.js';
import { waitUntil } from '../fixtures/clients.js';
import { frames, openRawSse, type RawSse } from '../fixtures/raw-sse.js';

describe('SSE endpoint', () => {
  const dir = tempDir();
  let server: ServerProcess;
  let sdk: Herald;
  const streams: RawSse[] = [];
  const open = async (query: string, headers: Record<string, string> = {}) => {
    const s = await openRawSse(`${server.url}/v1/sse?${query}`, headers);
    streams.push(s);
    return s;
  };
  const welcomeOf = async (s: RawSse) => {
    await waitUntil(() => frames(s).length > 0, 'the welcome');
    return frames(s)[0] as { op: string; session: string; secret: string; acked: number; resumed: boolean };
  };
  const publish = async (session: string, n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await sdk.publish({ to: { sessions: [session] }, module: 'sse', type: 'n', data: i })).id);
    return ids;
  };
  const pending = async (session: string) => (await sdk.getSession(session)).pending;

  before(async () => {
    server = await startServerProcess(serverEnv(dir.path, 0, { HERALD_HEARTBEAT_MS: '1000', HERALD_LOG_LEVEL: 'debug', HERALD_SEND_BUFFER_BYTES: '65536' }));
    sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });
  });
  after(async () => {
    for (const s of streams) s.close();
    await server.kill('SIGTERM');
    dir.remove();
  });

  it('sends the welcome as the first event, then each notification as an event whose id is its seq', async () => {
    const s = await open(`token=${await sdk.createToken({ user: 'ids' })}`);
    assert.equal(s.status, 200);
    assert.match(s.headers.get('content-type') ?? '', /^text\/event-stream/);
    const welcome = await welcomeOf(s);
    assert.equal(welcome.op, 'welcome');
    assert.equal(s.events[0]!.id, undefined, 'the welcome has no id');
    const ids = await publish(welcome.session, 3);
    await waitUntil(() => s.events.length === 4, 'three notification events');
    for (const e of s.events.slice(1)) {
      const frame = JSON.parse(e.data!) as { seq: number };
      assert.equal(e.id, String(frame.seq));
    }
    assert.deepEqual(frames(s).slice(1).map((f) => (f['notification'] as { id: string }).id), ids);
  });

  it('resumes with Last-Event-ID: acknowledges up to it and replays only what follows', async () => {
    const first = await open(`token=${await sdk.createToken({ user: 'resume' })}`);
    const { session, secret } = await welcomeOf(first);
    await publish(session, 4);
    await waitUntil(() => first.events.length === 5, 'four notifications');
    first.close();
    const lastSeen = first.events[2]!.id!;
    const again = await open(`session=${session}&secret=${encodeURIComponent(secret)}`, { 'last-event-id': lastSeen });
    const welcome = await welcomeOf(again);
    assert.equal(welcome.resumed, true);
    assert.equal(welcome.acked, Number(lastSeen));
    await waitUntil(() => again.events.length === 3, 'the two unacknowledged notifications');
    assert.deepEqual(again.events.slice(1).map((e) => e.id), first.events.slice(3).map((e) => e.id));
    assert.equal(await pending(session), 2);
  });

  it('clamps an acknowledgement beyond what was sent', async () => {
    const first = await open(`token=${await sdk.createToken({ user: 'clamp' })}`);
    const { session, secret } = await welcomeOf(first);
    await publish(session, 2);
    await waitUntil(() => first.events.length === 3, 'two notifications');
    first.close();
    const again = await open(`session=${session}&secret=${encodeURIComponent(secret)}`, { 'last-event-id': '999999999' });
    const welcome = await welcomeOf(again);
    assert.equal(welcome.acked, Number(first.events[2]!.id));
    const later = await publish(session, 1);
    await waitUntil(() => again.events.length === 2, 'a later notification');
    assert.equal((frames(again)[1]!['notification'] as { id: string }).id, later[0]);
  });

  it('refuses bad credentials with an HTTP error carrying the close code (an EventSource stops retrying)', async () => {
    const bad = await open('token=not-a-token');
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.refusal, { error: { code: 'invalid_token', message: (bad.refusal as { error: { message: string } }).error.message }, close: 4001 });
    const gone = await open('session=s-nope&secret=x');
    assert.equal(gone.status, 404);
    assert.equal((gone.refusal as { close: number }).close, 4104);
    const half = await open('session=s-nope');
    assert.equal(half.status, 400);
    assert.equal((half.refusal as { close: number }).close, 4000);
    const garbage = await open(`token=${await sdk.createToken({})}`, { 'last-event-id': 'abc' });
    assert.equal(garbage.status, 400);
  });

  it('writes a heartbeat comment to a quiet stream every heartbeat interval', async () => {
    const s = await open(`token=${await sdk.createToken({ user: 'quiet' })}`);
    await welcomeOf(s);
    await waitUntil(() => s.comments >= 2, 'two heartbeats', 4000);
  });

  it('takes acknowledgements by POST /v1/sessions/{id}/ack with the session secret, clamped to what was sent', async () => {
    const s = await open(`token=${await sdk.createToken({ user: 'acker' })}`);
    const { session, secret } = await welcomeOf(s);
    await publish(session, 3);
    await waitUntil(() => s.events.length === 4, 'three notifications');
    const ack = (body: unknown) => fetch(`${server.url}/v1/sessions/${session}/ack`, { method: 'POST', body: JSON.stringify(body) });
    assert.equal((await ack({ secret: 'wrong', seq: 1 })).status, 404);
    assert.equal((await ack({ secret, seq: 'x' })).status, 400);
    const res = await ack({ secret, seq: Number(s.events[2]!.id) });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    for (let i = 0; i < 100 && (await pending(session)) !== 1; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await pending(session), 1);
    assert.equal((await ack({ secret, seq: 10 ** 12 })).status, 204);
    for (let i = 0; i < 100 && (await pending(session)) !== 0; i++) await new Promise((r) => setTimeout(r, 20));
    // The server SDK's SessionInfo does not expose `acked`; the HTTP API does.
    const view = (await (await fetch(`${server.url}/v1/apps/${TEST_APP.id}/sessions/${session}`, { headers: { authorization: `Bearer ${TEST_APP.secret}` } })).json()) as { acked: number };
    assert.equal(view.acked, Number(s.events[3]!.id), 'clamped to the last seq sent');
  });

  it('ends the stream with a disconnect event when the session ends', async () => {
    const s = await open(`token=${await sdk.createToken({ user: 'ending' })}`);
    const { session, secret } = await welcomeOf(s);
    const res = await fetch(`${server.url}/v1/sessions/${session}/close`, { method: 'POST', body: JSON.stringify({ secret }) });
    assert.equal(res.status, 204);
    await s.ended;
    const last = s.events[s.events.length - 1]!;
    assert.equal(last.event, 'disconnect');
    assert.deepEqual(JSON.parse(last.data!), { op: 'disconnect', code: 4003, reason: 'session closed' });
  });

  it('serves the browser SDK at /sdk/herald-client.js, and the test page only when testRoutes is on', async () => {
    const sdkRes = await fetch(`${server.url}/sdk/herald-client.js`);
    assert.equal(sdkRes.status, 200);
    assert.equal((await fetch(`${server.url}/test/transports`)).status, 404);
  });

  it('accepts the hello as a POST body, so the SDK keeps credentials out of URLs', async () => {
    const res = await fetch(`${server.url}/v1/sse`, { method: 'POST', body: JSON.stringify({ op: 'hello', token: await sdk.createToken({ user: 'post' }) }) });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    assert.match(new TextDecoder().decode(value), /^data: \{"op":"welcome"/);
    await reader.cancel();
  });

  it('never writes tokens or secrets from the URL to the logs', async () => {
    const token = await sdk.createToken({ user: 'logged' });
    const s = await open(`token=${token}`);
    const { session, secret } = await welcomeOf(s);
    s.close();
    const again = await open(`session=${session}&secret=${encodeURIComponent(secret)}&ack=0`);
    await welcomeOf(again);
    again.close();
    await open(`token=${token.slice(0, -4)}AAAA`);
    await new Promise((r) => setTimeout(r, 200));
    const log = server.output();
    assert.match(log, /session_resumed/, 'the log level shows connections');
    assert.ok(!log.includes(token.slice(-20)), 'no token in the logs');
    assert.ok(!log.includes(secret), 'no secret in the logs');
  });

  it('drops a consumer that stops reading (slow consumer) and keeps what it missed in the inbox', async () => {
    const first = await open(`token=${await sdk.createToken({ user: 'slow' })}`);
    const { session, secret } = await welcomeOf(first);
    first.close();
    // A client that sends the request and then never reads a byte.
    const socket = connect(server.port, '127.0.0.1');
    socket.pause();
    socket.write(`GET /v1/sse?session=${session}&secret=${encodeURIComponent(secret)} HTTP/1.1\r\nhost: x\r\n\r\n`);
    let published = 0;
    const big = 'x'.repeat(60_000);
    try {
        for (; published < 600; published++) {
        await sdk.publish({ to: { sessions: [session] }, module: 'sse', type: 'big', data: big });
        if (published % 20 === 19 && !(await sdk.getSession(session)).connected) break;
      }
      assert.ok(published < 600, 'the server let the slow consumer go');
      assert.equal(await pending(session), published + 1);
    } finally {
      socket.destroy();
    }
    const again = await open(`session=${session}&secret=${encodeURIComponent(secret)}`);
    await waitUntil(() => again.events.length === published + 2, 'everything it missed', 20_000);
  });
});
