// HeraldClient with several fake transports: falling back when one cannot connect, and trying the first one again later.
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { HeraldClient } from './client.js';
import type { HeraldClientOptions } from './options.js';
import { State } from './state.js';
import { FakeTransport, fakeTransports } from './testing/fake-transport.js';
import { record, sleep, until } from './testing/recorder.js';
import { note } from './testing/scripted-server.js';

const welcome = { op: 'welcome', session: 's1', secret: 'x', resumed: false, user: null, scope: 'browser', heartbeat: 10_000, acked: 0 } as const;

function setup(t: TestContext, options: Partial<HeraldClientOptions> = {}) {
  const a = fakeTransports();
  const b = fakeTransports();
  const client = new HeraldClient({
    url: 'http://herald.test', token: 'tok', transports: [a.factory, b.factory], autoConnect: false, backoff: { min: 200, max: 400 }, ...options,
  });
  t.after(() => client.disconnect());
  return { client, first: a.made, second: b.made, rec: record(client) };
}

function connectOn(t: FakeTransport, frame: object = welcome): void {
  t.accept();
  t.deliver(frame as typeof welcome);
}

describe('HeraldClient: transport fallback', () => {
  it('falls back to the next transport at once when the first closes before welcome below 4000', async (t) => {
    const { client, first, second } = setup(t);
    client.connect();
    await until(() => first.length === 1);
    first[0]!.drop(1006);
    // No backoff (min 200 ms) before the fallback.
    await until(() => second.length === 1, 100, 'the fallback transport');
    connectOn(second[0]!);
    assert.equal(client.state, State.Connected);
    assert.equal(client.transport, 'fake');
  });

  it('does not fall back when Herald itself refused (a 4xxx close proves the transport works)', async (t) => {
    const { client, first, second } = setup(t);
    client.connect();
    await until(() => first.length === 1);
    first[0]!.accept();
    first[0]!.drop(4100);
    await until(() => first.length === 2, 1000, 'a retry on the first transport');
    assert.equal(second.length, 0);
  });

  it('does not fall back when a welcomed connection drops', async (t) => {
    const { client, first, second } = setup(t);
    client.connect();
    await until(() => first.length === 1);
    connectOn(first[0]!);
    first[0]!.drop(1006);
    await until(() => first.length === 2, 1000, 'a retry on the first transport');
    assert.equal(second.length, 0);
  });

  it('falls back after the connect timeout', async (t) => {
    const { client, first, second, rec } = setup(t, { connectTimeout: 50 });
    client.connect();
    await until(() => first.length === 1);
    first[0]!.accept();
    await until(() => second.length === 1, 500, 'the fallback after the timeout');
    assert.equal(first[0]!.closedWith, 1000);
    assert.deepEqual(rec.errors.map((e) => e.code), ['connect_timeout']);
  });

  it('starts over from the first transport after a backoff when every transport failed in a row', async (t) => {
    // Full jitter may draw a zero delay: pin the draw near the top of the range (198 ms of 200).
    const random = Math.random;
    Math.random = () => 0.99;
    t.after(() => {
      Math.random = random;
    });
    const { client, first, second } = setup(t);
    client.connect();
    await until(() => first.length === 1);
    first[0]!.drop(1006);
    await until(() => second.length === 1);
    second[0]!.drop(1006);
    await sleep(100);
    assert.equal(first.length, 1, 'waits out the backoff');
    await until(() => first.length === 2, 1000, 'the first transport again');
  });

  it('tries the first transport again after upgradeAfter, keeping the session, and returns to the fallback if it still fails', async (t) => {
    const { client, first, second, rec } = setup(t, { upgradeAfter: 100 });
    client.connect();
    await until(() => first.length === 1);
    first[0]!.drop(1006);
    await until(() => second.length === 1);
    connectOn(second[0]!);
    second[0]!.deliver({ op: 'notification', seq: 1, notification: note(1) });
    await until(() => first.length === 2, 500, 'the upgrade try');
    assert.equal(second[0]!.closedWith, 1000);
    assert.deepEqual(second[0]!.sent.filter((f) => f.op === 'ack'), [{ op: 'ack', seq: 1 }], 'the pending ack was flushed first');
    assert.ok(rec.states.some((s) => s.reason === 'transport-upgrade'));
    first[1]!.accept();
    assert.deepEqual(first[1]!.sent[0], { op: 'hello', resume: { session: 's1', secret: 'x' }, ack: 1, token: 'tok' });
    first[1]!.drop(1006);
    await until(() => second.length === 2, 100, 'straight back to the fallback');
    connectOn(second[1]!, { ...welcome, resumed: true, acked: 1 });
    assert.equal(client.state, State.Connected);
    // The next try waits twice as long (200 ms).
    await sleep(100);
    assert.equal(first.length, 2);
    await until(() => first.length === 3, 1000, 'the second upgrade try');
    connectOn(first[2]!, { ...welcome, resumed: true, acked: 1 });
    assert.equal(client.state, State.Connected);
    await sleep(150);
    assert.equal(first.length, 3, 'on the first transport: no more switching');
    assert.deepEqual(rec.seen, ['n1']);
  });

  it('rejects unknown and repeated transports with invalid_options', () => {
    assert.throws(() => new HeraldClient({ url: 'http://h', token: 't', transports: ['carrier-pigeon' as 'sse'] }), /unknown transport/);
    assert.throws(() => new HeraldClient({ url: 'http://h', token: 't', transports: ['sse', 'sse'] }), /repeat/);
    assert.throws(() => new HeraldClient({ url: 'http://h', token: 't', transports: [] }), /non-empty/);
  });
});
