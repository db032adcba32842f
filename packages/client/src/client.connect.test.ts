// HeraldClient against a scripted ws server: connecting, delivery, dedup, acks, handlers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HeraldClient } from './client.js';
import { HeraldClientError } from './errors.js';
import { State } from './state.js';
import { ids, until } from './testing/recorder.js';
import { ScriptedServer } from './testing/scripted-server.js';
import { harness } from './testing/setup.js';
import { createClient } from './node.js';

describe('HeraldClient: connecting and delivery', () => {
  it('opens a new session with the token and reports session then state', async (t) => {
    const { server, client, rec } = await harness(t);
    assert.equal(client.state, State.Disconnected);
    client.connect();
    assert.equal(client.state, State.Connecting);
    const peer = await server.nextConnection();
    assert.deepEqual(await peer.next(), { op: 'hello', token: 'tok-1' });
    peer.welcome({ session: 'sess-A' });
    await until(() => client.state === State.Connected);
    assert.equal(client.sessionId, 'sess-A');
    assert.deepEqual(rec.sessions, [{ kind: 'new', id: 'sess-A' }]);
    assert.deepEqual(rec.states, [
      { from: 'disconnected', to: 'connecting', reason: 'connect-called' },
      { from: 'connecting', to: 'connected', reason: 'welcome' },
    ]);
    assert.deepEqual(rec.errors, []);
  });

  it('delivers notifications once each, in order, and acknowledges them cumulatively', async (t) => {
    const { server, client, rec } = await harness(t);
    client.connect();
    const peer = await server.nextConnection();
    await peer.nextOf('hello');
    peer.welcome();
    for (const seq of [1, 2, 5, 9]) peer.notify(seq);
    await until(() => peer.highestAck === 9);
    assert.deepEqual(rec.seen, ['n1', 'n2', 'n5', 'n9']);
    const acks = peer.received.flatMap((f) => (f.op === 'ack' ? [f.seq] : []));
    assert.ok(acks.every((seq, i) => i === 0 || seq > acks[i - 1]!), `acks only move forward: ${acks.join()}`);
    assert.equal(client.lastSeq, 9);
  });

  it('drops a notification whose seq is at or below one already processed', async (t) => {
    const { server, client, rec } = await harness(t);
    client.connect();
    const peer = await server.nextConnection();
    await peer.nextOf('hello');
    peer.welcome();
    for (const seq of [3, 2, 3, 4, 1, 4]) peer.notify(seq);
    await until(() => peer.highestAck === 4);
    assert.deepEqual(rec.seen, ['n3', 'n4']);
  });

  it('acknowledges at once after 100 unacknowledged notifications', async (t) => {
    const { server, client, rec } = await harness(t);
    client.connect();
    const peer = await server.nextConnection();
    await peer.nextOf('hello');
    peer.welcome();
    for (let seq = 1; seq <= 150; seq++) peer.notify(seq);
    await until(() => peer.highestAck === 150);
    assert.deepEqual(rec.seen, ids(1, 150));
    // However the frames were spread over the 50 ms windows, no ack may leave more than 100 behind.
    const acks = [0, ...peer.received.flatMap((f) => (f.op === 'ack' ? [f.seq] : []))];
    assert.ok(acks.every((seq, i) => i === 0 || (seq > acks[i - 1]! && seq - acks[i - 1]! <= 100)), `acks: ${acks.join()}`);
  });

  it('answers ping with pong', async (t) => {
    const { server, client } = await harness(t);
    client.connect();
    const peer = await server.nextConnection();
    await peer.nextOf('hello');
    peer.welcome();
    peer.send({ op: 'ping' });
    assert.deepEqual(await peer.next(), { op: 'pong' });
  });

  it('routes notifications to filtered and keyed handlers, and honours disable/enable', async (t) => {
    const { server, client } = await harness(t);
    const orders: string[] = [];
    const keyed: string[] = [];
    client.on({ module: 'orders' }, (n) => { orders.push(n.id); });
    client.register('doc-1', (n) => { keyed.push(n.id); });
    client.connect();
    const peer = await server.nextConnection();
    await peer.nextOf('hello');
    peer.welcome();
    peer.notify(1, { id: 'a', module: 'orders', type: 'created', data: null, ts: 0 });
    peer.notify(2, { id: 'b', module: 'docs', type: 'edited', data: null, ts: 0, key: 'doc-1' });
    await until(() => keyed.length === 1);
    client.disable('doc-1');
    peer.notify(3, { id: 'c', module: 'docs', type: 'edited', data: null, ts: 0, key: 'doc-1' });
    await until(() => peer.highestAck === 3);
    client.enableAll();
    peer.notify(4, { id: 'd', module: 'docs', type: 'edited', data: null, ts: 0, key: 'doc-1' });
    await until(() => keyed.length === 2);
    assert.deepEqual(orders, ['a']);
    assert.deepEqual(keyed, ['b', 'd']);
  });

  it('reports a throwing handler as handler_error and still delivers to the others and acknowledges', async (t) => {
    const { server, client, rec } = await harness(t);
    client.on(() => { throw new Error('app bug'); });
    client.connect();
    const peer = await server.nextConnection();
    await peer.nextOf('hello');
    peer.welcome();
    peer.notify(1);
    assert.deepEqual(await peer.nextOf('ack'), { op: 'ack', seq: 1 });
    assert.deepEqual(rec.seen, ['n1']);
    assert.equal(rec.errors[0]?.code, 'handler_error');
    assert.equal((rec.errors[0]?.cause as Error).message, 'app bug');
  });

  it('emits the notification event for every delivered notification', async (t) => {
    const { server, client } = await harness(t);
    const events: Array<[number, string, string]> = [];
    client.on('notification', (e) => events.push([e.seq, e.session, e.notification.id]));
    client.connect();
    const peer = await server.nextConnection();
    await peer.nextOf('hello');
    peer.welcome({ session: 'S' });
    peer.notify(7);
    await until(() => events.length === 1);
    assert.deepEqual(events, [[7, 'S', 'n7']]);
  });

  it('passes the server error frame on as an error event with its code', async (t) => {
    const { server, client, rec } = await harness(t);
    client.connect();
    const peer = await server.nextConnection();
    await peer.nextOf('hello');
    peer.send({ op: 'error', code: 'rate_limited', message: 'slow down' });
    await until(() => rec.errors.length === 1);
    assert.ok(rec.errors[0] instanceof HeraldClientError);
    assert.equal(rec.errors[0]?.code, 'rate_limited');
    assert.equal(rec.errors[0]?.message, 'slow down');
  });

  it('reports an unreadable frame as invalid_frame and keeps the connection', async (t) => {
    const { server, client, rec } = await harness(t);
    client.connect();
    const peer = await server.nextConnection();
    await peer.nextOf('hello');
    peer.welcome();
    peer.socket.send('{"op":"notification","seq":"x"}');
    peer.socket.send('{"op":"from-the-future"}');
    peer.notify(1);
    await until(() => rec.seen.length === 1);
    assert.deepEqual(rec.errors.map((e) => e.code), ['invalid_frame']);
    assert.equal(client.state, State.Connected);
  });

  it('connects by itself in a microtask when autoConnect is left on', async (t) => {
    const server = await ScriptedServer.start();
    const client = createClient({ url: server.url, token: () => Promise.resolve('tok-fn') });
    t.after(async () => {
      client.disconnect();
      await server.stop();
    });
    assert.equal(client.state, State.Disconnected);
    const peer = await server.nextConnection();
    assert.deepEqual(await peer.next(), { op: 'hello', token: 'tok-fn' });
  });

  it('does not auto-connect when disconnect() was called first', async (t) => {
    const server = await ScriptedServer.start();
    const client = createClient({ url: server.url, token: 'tok' });
    client.disconnect();
    t.after(() => server.stop());
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(server.connections.length, 0);
    assert.equal(client.state, State.Disconnected);
  });

  it('adds and removes event listeners with on/off, and refuses unknown event names', async (t) => {
    const { server, client } = await harness(t);
    const seen: string[] = [];
    const listener = (change: { to: string }): void => { seen.push(change.to); };
    client.on('state', listener);
    client.connect();
    client.off('state', listener);
    client.disconnect();
    assert.deepEqual(seen, ['connecting']);
    // @ts-expect-error: not an event name
    assert.throws(() => client.on('bogus', () => {}), TypeError);
    assert.equal(server.connections.length <= 1, true);
  });

  it('rejects unusable options with invalid_options', () => {
    const bad = (options: unknown): void => {
      assert.throws(
        () => new HeraldClient(options as ConstructorParameters<typeof HeraldClient>[0]),
        (e: unknown) => e instanceof HeraldClientError && e.code === 'invalid_options',
      );
    };
    bad({ url: 'ftp://x', token: 't' });
    bad({ url: 'http://x', token: '' });
    bad({ url: 'http://x', token: 't', backoff: { min: 100, max: 10 } });
    bad({ url: 'http://x', token: 't', connectTimeout: -1 });
  });

  it('needs a WebSocket: the plain entry throws invalid_options where there is no global one', { skip: typeof globalThis.WebSocket !== 'undefined' }, () => {
    assert.throws(
      () => new HeraldClient({ url: 'http://127.0.0.1:1', token: 't', autoConnect: false }),
      (e: unknown) => e instanceof HeraldClientError && e.code === 'invalid_options' && /WebSocket/.test(e.message),
    );
  });
});
