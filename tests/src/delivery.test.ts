// Black-box delivery tests: the real server in a child process, the real client and server SDKs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Herald, HeraldApiError } from '@herald/server-sdk';
import { State } from '@herald/client/node';
import { TEST_APP } from './fixtures/server-process.js';
import { recordingClient, waitUntil } from './fixtures/clients.js';
import { serverSuite } from './fixtures/suite.js';

describe('delivery through the real server', () => {
  const suite = serverSuite();
  const { clients } = suite;
  const connect = (token: string | (() => Promise<string>), url = suite.server.url) => {
    const c = recordingClient(url, token);
    clients.push(c);
    return c;
  };

  it('delivers a notification to a user session, and its status counts delivery and acknowledgement', async () => {
    const alice = connect(await suite.sdk.createToken({ user: 'alice' }));
    await alice.session();
    const result = await suite.sdk.publish({ to: { users: ['alice'] }, module: 'reports', type: 'ready', data: { report: 12 } });
    assert.equal(result.recipients, 1);
    await alice.waitFor(() => alice.seen.length === 1, 'the notification');
    assert.deepEqual(alice.seen[0]!.data, { report: 12 });
    assert.equal(alice.seen[0]!.id, result.id);
    let status = await suite.sdk.status(result.id);
    for (let i = 0; i < 100 && status.acknowledged < 1; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = await suite.sdk.status(result.id);
    }
    assert.deepEqual({ recipients: status.recipients, delivered: status.delivered, acknowledged: status.acknowledged }, { recipients: 1, delivered: 1, acknowledged: 1 });
  });

  it('targets sessions, users, scopes and all, and excludes the sender', async () => {
    const a = connect(await suite.sdk.createToken({ user: 'ta', scope: 'designer' }));
    const b = connect(await suite.sdk.createToken({ user: 'tb', scope: 'designer' }));
    const c = connect(await suite.sdk.createToken({ user: 'tc', scope: 'kiosk' }));
    const [sa, sb, sc] = await Promise.all([a.session(), b.session(), c.session()]);
    const r1 = await suite.sdk.publish({ to: { scopes: ['designer'], except: sa }, module: 't', type: 'scope' });
    const r2 = await suite.sdk.publish({ to: { sessions: [sc], users: ['ta'] }, module: 't', type: 'union' });
    assert.equal(r1.recipients, 1);
    assert.equal(r2.recipients, 2);
    const all = await suite.sdk.publish({ to: { all: true }, module: 't', type: 'all' });
    assert.ok(all.recipients >= 3);
    await waitUntil(() => a.seen.length === 2 && b.seen.length === 2 && c.seen.length === 2, 'targeted notifications');
    assert.deepEqual(a.seen.map((n) => n.type), ['union', 'all']);
    assert.deepEqual(b.seen.map((n) => n.type), ['scope', 'all']);
    assert.deepEqual(c.seen.map((n) => n.type), ['union', 'all']);
    assert.ok(sb);
  });

  // Cut connections and disconnected sessions are covered for every transport in transports/delivery.test.ts.

  it('refuses bad publishes with stable codes and keeps serving', async () => {
    const expectCode = async (p: Promise<unknown>, code: string) => {
      await assert.rejects(p, (err: unknown) => err instanceof HeraldApiError && err.code === code);
    };
    await expectCode(suite.sdk.publish({ to: { sessions: ['s-does-not-exist'] }, module: 'm', type: 't' }), 'session_not_found');
    await expectCode(suite.sdk.publish({ to: {}, module: 'm', type: 't' }), 'invalid_target');
    await expectCode(suite.sdk.publish({ to: { all: true }, module: 'bad module!', type: 't' }), 'invalid_request');
    await expectCode(suite.sdk.publish({ to: { all: true }, module: 'm', type: 't', data: 'x'.repeat(70_000) }), 'payload_too_large');
    const wrong = new Herald({ url: suite.server.url, appId: TEST_APP.id, secret: 'wrong-secret' });
    await expectCode(wrong.publish({ to: { all: true }, module: 'm', type: 't' }), 'unauthorized');
    const noApp = new Herald({ url: suite.server.url, appId: 'no-such-app', secret: 'x' });
    await expectCode(noApp.publish({ to: { all: true }, module: 'm', type: 't' }), 'app_not_found');
    const res = await fetch(`${suite.server.url}/v1/apps/${TEST_APP.id}/notifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_APP.secret}`, 'content-type': 'application/json' },
      body: '{"to":',
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'invalid_json');
    const ok = await suite.sdk.publish({ to: { users: ['nobody-yet'] }, module: 'm', type: 't' });
    assert.equal(ok.recipients, 0);
  });

  it('does not publish twice for a repeated idempotency key, and refuses the key with another body', async () => {
    const c = connect(await suite.sdk.createToken({ user: 'idem' }));
    await c.session();
    const first = await suite.sdk.publish({ to: { users: ['idem'] }, module: 'm', type: 't', idempotencyKey: 'k-1' });
    const again = await suite.sdk.publish({ to: { users: ['idem'] }, module: 'm', type: 't', idempotencyKey: 'k-1' });
    assert.equal(again.id, first.id);
    assert.equal(again.duplicate, true);
    await assert.rejects(suite.sdk.publish({ to: { users: ['idem'] }, module: 'm', type: 'other', idempotencyKey: 'k-1' }), (e: unknown) => e instanceof HeraldApiError && e.code === 'idempotency_conflict');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(c.seen.length, 1);
  });

  it('accepts a batch, item by item', async () => {
    const c = connect(await suite.sdk.createToken({ user: 'batch' }));
    await c.session();
    const results = await suite.sdk.publishBatch([
      { to: { users: ['batch'] }, module: 'm', type: 'one' },
      { to: { sessions: ['nope'] }, module: 'm', type: 'bad' },
      { to: { users: ['batch'] }, module: 'm', type: 'two' },
    ]);
    assert.deepEqual(results.map((r) => r.ok), [true, false, true]);
    await c.waitFor(() => c.seen.length === 2, 'two batch items');
    assert.deepEqual(c.seen.map((n) => n.type), ['one', 'two']);
  });

  it('refuses forged and expired tokens with close codes that stop reconnecting', async () => {
    const forged = await new Herald({ url: suite.server.url, appId: TEST_APP.id, secret: 'not-the-secret' }).createToken({ user: 'mallory' });
    const f = connect(forged);
    await waitUntil(() => f.client.state === State.Closed, 'the forged client to be refused');
    assert.ok(f.closeCodes.includes(4001));
    const good = connect(await suite.sdk.createToken({ user: 'still-served' }));
    await good.session();
  });

  it('ends a session from the backend: the client is told and does not reconnect', async () => {
    const c = connect(await suite.sdk.createToken({ user: 'ended' }));
    const session = await c.session();
    await suite.sdk.endSession(session);
    await waitUntil(() => c.client.state === State.Closed, 'the client to close');
    assert.ok(c.closeCodes.includes(4003));
    await assert.rejects(suite.sdk.publish({ to: { sessions: [session] }, module: 'm', type: 't' }), (e: unknown) => e instanceof HeraldApiError && e.code === 'session_not_found');
  });
});
