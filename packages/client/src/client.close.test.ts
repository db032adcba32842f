// HeraldClient against a scripted ws server: close codes that stop it, and ending the session.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { State } from './state.js';
import { sleep, until } from './testing/recorder.js';
import { harness } from './testing/setup.js';

describe('HeraldClient: stopping', () => {
  it('goes to closed with no retry on 4001 (unauthorized)', async (t) => {
    const h = await harness(t);
    h.client.connect();
    const peer = await h.server.nextConnection();
    await peer.nextOf('hello');
    peer.send({ op: 'error', code: 'invalid_token', message: 'bad token' });
    peer.close(4001, 'unauthorized');
    await until(() => h.client.state === State.Closed);
    assert.deepEqual(h.rec.states.at(-1), { from: 'connecting', to: 'closed', reason: 'server-closed', code: 4001 });
    assert.deepEqual(h.rec.errors.map((e) => e.code), ['invalid_token']);
    await sleep(150);
    assert.equal(h.server.connections.length, 1, 'no reconnect');
  });

  it('goes to closed with no retry on 4005 (taken over), and connect() takes the session back', async (t) => {
    const h = await harness(t);
    h.client.connect();
    const first = await h.server.nextConnection();
    await first.nextOf('hello');
    first.welcome();
    first.notify(3);
    await until(() => h.rec.seen.length === 1);
    first.close(4005, 'taken over');
    await until(() => h.client.state === State.Closed);
    await sleep(100);
    assert.equal(h.server.connections.length, 1, 'no reconnect');
    assert.equal(h.client.sessionId, 'sess-1');
    h.client.connect();
    const second = await h.server.nextConnection();
    assert.deepEqual(await second.nextOf('hello'), { op: 'hello', resume: { session: 'sess-1', secret: 'secret-1' }, ack: 3, token: 'tok-1' });
  });

  it('reports the session lost and stops on 4003 (session ended by the backend)', async (t) => {
    const h = await harness(t);
    h.client.connect();
    const peer = await h.server.nextConnection();
    await peer.nextOf('hello');
    peer.welcome();
    await until(() => h.client.state === State.Connected);
    peer.close(4003, 'ended');
    await until(() => h.client.state === State.Closed);
    assert.deepEqual(h.rec.sessions.at(-1), { kind: 'lost', id: 'sess-1' });
    assert.equal(h.client.sessionId, null);
  });

  it('close() ends the session on the server, and a later connect() opens a new one', async (t) => {
    const h = await harness(t);
    h.client.connect();
    const first = await h.server.nextConnection();
    await first.nextOf('hello');
    first.welcome();
    first.notify(8);
    await until(() => h.rec.seen.length === 1);
    h.client.close();
    assert.equal(h.client.state, State.Closed);
    assert.equal(h.client.sessionId, null);
    assert.equal(h.client.lastSeq, 0);
    assert.deepEqual(await first.nextOf('close'), { op: 'close' });
    await first.closed;
    assert.deepEqual(h.rec.states.at(-1), { from: 'connected', to: 'closed', reason: 'close-called' });

    h.client.connect();
    const second = await h.server.nextConnection();
    assert.deepEqual(await second.next(), { op: 'hello', token: 'tok-1' });
  });
});
