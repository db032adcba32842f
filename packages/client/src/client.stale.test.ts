// HeraldClient with fake transports: callbacks from replaced transports and late async results are ignored.
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { HeraldClient } from './client.js';
import type { HeraldClientOptions } from './options.js';
import { State } from './state.js';
import { fakeTransports } from './testing/fake-transport.js';
import type { FakeTransport } from './testing/fake-transport.js';
import { record, sleep, until } from './testing/recorder.js';
import type { Recording } from './testing/recorder.js';
import { note } from './testing/scripted-server.js';

function setup(t: TestContext, options: Partial<HeraldClientOptions> = {}): {
  client: HeraldClient;
  made: FakeTransport[];
  rec: Recording;
} {
  const { factory, made } = fakeTransports();
  const client = new HeraldClient({
    url: 'http://herald.test', token: 'tok', transport: factory, autoConnect: false, backoff: { min: 5, max: 10 }, ...options,
  });
  t.after(() => client.disconnect());
  return { client, made, rec: record(client) };
}

const welcome = { op: 'welcome', session: 's1', secret: 'x', resumed: false, user: null, scope: 'browser', heartbeat: 20, acked: 0 } as const;

describe('HeraldClient: stale transports and late results', () => {
  it('ignores frames and closes from a transport replaced after a heartbeat timeout', async (t) => {
    const { client, made, rec } = setup(t);
    client.connect();
    await until(() => made.length === 1);
    const old = made[0]!;
    old.accept();
    old.deliver(welcome);
    await until(() => made.length === 2, 500, 'a second transport');
    assert.equal(old.closedWith, 4102);
    old.deliver({ op: 'notification', seq: 1, notification: note(1) });
    old.drop(4001);
    old.deliver(welcome);
    assert.deepEqual(rec.seen, []);
    assert.equal(client.state, State.Connecting);
    assert.deepEqual(old.sent.map((f) => f.op), ['hello']);

    const current = made[1]!;
    current.accept();
    current.deliver({ ...welcome, resumed: true });
    current.deliver({ op: 'notification', seq: 1, notification: note(1) });
    assert.deepEqual(rec.seen, ['n1']);
    assert.equal(client.state, State.Connected);
  });

  it('does not send hello on a transport that opens after disconnect()', async (t) => {
    const { client, made } = setup(t);
    client.connect();
    await until(() => made.length === 1);
    client.disconnect();
    made[0]!.accept();
    assert.deepEqual(made[0]!.sent, []);
    assert.equal(made[0]!.closedWith, 1000);
  });

  it('drops a token that arrives after disconnect()', async (t) => {
    let release: (token: string) => void = () => {};
    const { client, made } = setup(t, { token: () => new Promise<string>((resolve) => { release = resolve; }) });
    client.connect();
    client.disconnect();
    release('late');
    await sleep(20);
    assert.equal(made.length, 0);
    assert.equal(client.state, State.Disconnected);
  });

  it('disconnect() during the backoff wait cancels the pending reconnect', async (t) => {
    const { client, made } = setup(t);
    client.connect();
    await until(() => made.length === 1);
    made[0]!.accept();
    made[0]!.deliver({ ...welcome, heartbeat: 0 });
    made[0]!.drop(1006);
    assert.equal(client.state, State.Connecting);
    client.disconnect();
    await sleep(50);
    assert.equal(made.length, 1);
    assert.equal(client.state, State.Disconnected);
  });

  it('retries after connect_timeout when no welcome comes', async (t) => {
    const { client, made, rec } = setup(t, { connectTimeout: 30 });
    client.connect();
    await until(() => made.length === 2, 500, 'a retry');
    assert.equal(made[0]!.closedWith, 1000);
    assert.deepEqual(rec.errors.map((e) => e.code), ['connect_timeout']);
    assert.equal(client.state, State.Connecting);
  });

  it('reports token_failed and retries when the token function throws', async (t) => {
    let calls = 0;
    const { client, made, rec } = setup(t, {
      token: async () => {
        calls++;
        if (calls === 1) throw new Error('backend down');
        return 'tok-ok';
      },
    });
    client.connect();
    await until(() => made.length === 1);
    made[0]!.accept();
    assert.deepEqual(made[0]!.sent, [{ op: 'hello', token: 'tok-ok' }]);
    assert.deepEqual(rec.errors.map((e) => e.code), ['token_failed']);
  });

  it('ignores a second welcome on the same transport', async (t) => {
    const { client, made, rec } = setup(t);
    client.connect();
    await until(() => made.length === 1);
    made[0]!.accept();
    made[0]!.deliver(welcome);
    made[0]!.deliver({ ...welcome, session: 'other' });
    assert.equal(client.sessionId, 's1');
    assert.deepEqual(rec.errors.map((e) => e.code), ['invalid_frame']);
  });

  it('lets a handler disconnect mid-delivery without delivering twice or acknowledging on a dead transport', async (t) => {
    const { client, made, rec } = setup(t);
    client.on(() => client.disconnect());
    client.connect();
    await until(() => made.length === 1);
    made[0]!.accept();
    made[0]!.deliver({ ...welcome, heartbeat: 0 });
    made[0]!.deliver({ op: 'notification', seq: 1, notification: note(1) });
    made[0]!.deliver({ op: 'notification', seq: 2, notification: note(2) });
    assert.deepEqual(rec.seen, ['n1']);
    assert.equal(client.state, State.Disconnected);
    assert.equal(client.lastSeq, 1);
    client.connect();
    await until(() => made.length === 2);
    made[1]!.accept();
    assert.deepEqual(made[1]!.sent[0], { op: 'hello', resume: { session: 's1', secret: 'x' }, ack: 1, token: 'tok' });
  });
});
