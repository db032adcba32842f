// HeraldClient against a scripted ws server: reconnect, resume, replay de-duplication, heartbeat.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { State } from './state.js';
import { ids, sleep, until } from './testing/recorder.js';
import { harness } from './testing/setup.js';
import type { Harness } from './testing/setup.js';
import type { PeerConnection } from './testing/scripted-server.js';

/** Connects the harness client and plays a welcome for a new session `sess-1`. */
async function connected(h: Harness, heartbeat = 30_000): Promise<PeerConnection> {
  h.client.connect();
  const peer = await h.server.nextConnection();
  await peer.nextOf('hello');
  peer.welcome({ heartbeat });
  await until(() => h.client.state === State.Connected);
  return peer;
}

describe('HeraldClient: reconnect and resume', () => {
  it('resumes after a dropped connection and shows the replay once, in order', async (t) => {
    const h = await harness(t);
    const first = await connected(h);
    for (const seq of [1, 2, 3]) first.notify(seq);
    await until(() => h.rec.seen.length === 3);
    first.terminate();

    const second = await h.server.nextConnection();
    const hello = await second.next();
    assert.deepEqual(hello, { op: 'hello', resume: { session: 'sess-1', secret: 'secret-1' }, ack: 3, token: 'tok-1' });
    second.welcome({ resumed: true, acked: 3 });
    // The server replays what it had not seen acknowledged, then goes on.
    for (const seq of [2, 3, 4, 5]) second.notify(seq);
    assert.deepEqual(await second.nextOf('ack'), { op: 'ack', seq: 5 });
    assert.deepEqual(h.rec.seen, ids(1, 5));
    assert.deepEqual(h.rec.sessions, [{ kind: 'new', id: 'sess-1' }, { kind: 'resumed', id: 'sess-1' }]);
    assert.deepEqual(h.rec.states.map((s) => [s.to, s.reason, s.code]), [
      ['connecting', 'connect-called', undefined],
      ['connected', 'welcome', undefined],
      ['connecting', 'transport-closed', 1006],
      ['connected', 'welcome', undefined],
    ]);
  });

  it('acknowledges at once when the resumed session is behind what was processed', async (t) => {
    const h = await harness(t);
    const first = await connected(h);
    for (const seq of [1, 2, 3]) first.notify(seq);
    await until(() => h.rec.seen.length === 3);
    first.terminate();
    const second = await h.server.nextConnection();
    await second.nextOf('hello');
    second.welcome({ resumed: true, acked: 1 });
    assert.deepEqual(await second.next(), { op: 'ack', seq: 3 });
  });

  it('keeps the session on disconnect() and resumes it on connect()', async (t) => {
    const h = await harness(t);
    const first = await connected(h);
    first.notify(4);
    await until(() => h.rec.seen.length === 1);
    h.client.disconnect();
    assert.equal(h.client.state, State.Disconnected);
    assert.equal(h.client.sessionId, 'sess-1');
    // The pending ack goes out before the socket closes.
    await first.closed;
    assert.equal(first.highestAck, 4);
    assert.equal(first.received.some((f) => f.op === 'close'), false, 'the session is not ended');
    await sleep(60);
    assert.equal(h.server.waiting, 0, 'no reconnect by itself');

    h.client.connect();
    const second = await h.server.nextConnection();
    assert.deepEqual(await second.next(), { op: 'hello', resume: { session: 'sess-1', secret: 'secret-1' }, ack: 4, token: 'tok-1' });
  });

  it('starts a new session after 4104 (session expired): forgets the pair and the position', async (t) => {
    const h = await harness(t);
    const first = await connected(h);
    for (const seq of [10, 11]) first.notify(seq);
    await until(() => h.rec.seen.length === 2);
    first.terminate();

    const second = await h.server.nextConnection();
    assert.equal((await second.nextOf('hello')).resume?.session, 'sess-1');
    second.close(4104, 'session expired');

    const third = await h.server.nextConnection();
    assert.deepEqual(await third.next(), { op: 'hello', token: 'tok-1' });
    third.welcome({ session: 'sess-2', secret: 'secret-2' });
    third.notify(1, { id: 'fresh', module: 'm', type: 't', data: null, ts: 0 });
    await until(() => h.rec.seen.length === 3);
    assert.deepEqual(h.rec.seen, ['n10', 'n11', 'fresh']);
    assert.deepEqual(h.rec.sessions, [
      { kind: 'new', id: 'sess-1' },
      { kind: 'lost', id: 'sess-1' },
      { kind: 'new', id: 'sess-2' },
    ]);
    assert.equal(h.client.sessionId, 'sess-2');
    assert.deepEqual(h.rec.errors, [], 'an expected refusal of the resume is not an error');
  });

  it('treats a welcome that did not resume as a new session', async (t) => {
    const h = await harness(t);
    const first = await connected(h);
    first.notify(50);
    await until(() => h.rec.seen.length === 1);
    first.terminate();
    const second = await h.server.nextConnection();
    await second.nextOf('hello');
    second.welcome({ session: 'sess-9', resumed: false });
    second.notify(2);
    await until(() => h.rec.seen.length === 2);
    assert.deepEqual(h.rec.sessions.map((s) => `${s.kind}:${s.id}`), ['new:sess-1', 'lost:sess-1', 'new:sess-9']);
    assert.equal(h.client.lastSeq, 2);
  });

  it('fetches a fresh token after 4101 (token expired) and reconnects', async (t) => {
    let calls = 0;
    const h = await harness(t, { token: async () => `tok-${++calls}` });
    const first = await connected(h);
    first.close(4101, 'token expired');
    const second = await h.server.nextConnection();
    const hello = await second.nextOf('hello');
    assert.equal(calls, 2);
    assert.equal(hello.token, 'tok-2');
    assert.deepEqual(hello.resume, { session: 'sess-1', secret: 'secret-1' });
    second.welcome({ resumed: true });
    await until(() => h.client.state === State.Connected);
    assert.deepEqual(h.rec.errors, []);
  });

  it('reuses the token from the token function on an ordinary reconnect', async (t) => {
    let calls = 0;
    const h = await harness(t, { token: () => `tok-${++calls}` });
    const first = await connected(h);
    first.terminate();
    const second = await h.server.nextConnection();
    assert.equal((await second.nextOf('hello')).token, 'tok-1');
    assert.equal(calls, 1);
  });

  it('reconnects at once after 4200 (server shutdown), whatever the backoff', async (t) => {
    const h = await harness(t, { backoff: { min: 60_000, max: 60_000 } });
    const first = await connected(h);
    first.close(4200, 'shutting down');
    const second = await h.server.nextConnection(500);
    assert.equal((await second.nextOf('hello')).resume?.session, 'sess-1');
  });

  it('closes a silent connection after twice the heartbeat and resumes on a new one', async (t) => {
    const h = await harness(t);
    const first = await connected(h, 40);
    first.notify(1);
    const started = Date.now();
    assert.equal(await first.closed, 4102);
    assert.ok(Date.now() - started >= 70, 'not before 2 x heartbeat');
    const second = await h.server.nextConnection();
    assert.deepEqual(await second.nextOf('hello'), { op: 'hello', resume: { session: 'sess-1', secret: 'secret-1' }, ack: 1, token: 'tok-1' });
    assert.ok(h.rec.states.some((s) => s.from === 'connected' && s.to === 'connecting' && s.reason === 'heartbeat-timeout'));
  });

  it('keeps a connection whose server pings in time', async (t) => {
    const h = await harness(t);
    const peer = await connected(h, 150);
    const pinger = setInterval(() => peer.send({ op: 'ping' }), 25);
    t.after(() => clearInterval(pinger));
    await sleep(400);
    assert.equal(h.client.state, State.Connected);
    assert.equal(h.server.connections.length, 1);
    assert.ok(peer.received.filter((f) => f.op === 'pong').length >= 5);
  });

  it('keeps retrying with backoff while the server refuses before welcome', async (t) => {
    const h = await harness(t);
    h.client.connect();
    for (let i = 0; i < 3; i++) (await h.server.nextConnection()).terminate();
    const last = await h.server.nextConnection();
    await last.nextOf('hello');
    last.welcome();
    await until(() => h.client.state === State.Connected);
    assert.deepEqual(h.rec.errors.map((e) => e.code), ['connection_failed', 'connection_failed', 'connection_failed']);
    assert.deepEqual(h.rec.states.map((s) => s.to), ['connecting', 'connected']);
  });
});
