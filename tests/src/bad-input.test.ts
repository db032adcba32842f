// Bad input on the wire and at the limits: clear errors with stable codes, the server keeps serving, nothing accepted is lost.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { HeraldApiError } from '@herald/server-sdk';
import { recordingClient, waitUntil } from './fixtures/clients.js';
import { serverSuite } from './fixtures/suite.js';

interface Frame {
  op: string;
  code?: string;
}

/** A raw WebSocket that records frames and the close code. */
function rawSocket(url: string) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/ws`);
  const frames: Frame[] = [];
  let closeCode: number | null = null;
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
  ws.on('close', (code) => (closeCode = code));
  ws.on('error', () => undefined);
  return {
    ws,
    frames,
    closed: () => closeCode,
    open: () => new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject))),
  };
}

describe('bad input', () => {
  const suite = serverSuite({ HERALD_MAX_INBOX: '3', HERALD_SESSION_TTL: '10' });
  const { clients } = suite;

  it('answers malformed frames and unknown ops with error frames, and keeps delivering to others', async () => {
    const bystander = recordingClient(suite.server.url, await suite.sdk.createToken({ user: 'bystander' }));
    clients.push(bystander);
    await bystander.session();
    const raw = rawSocket(suite.server.url);
    await raw.open();
    raw.ws.send('{"op":"hello","token":"not-a-jwt"}');
    await waitUntil(() => raw.closed() !== null, 'the bad token to be refused');
    assert.equal(raw.closed(), 4001);
    assert.equal(raw.frames[0]?.code, 'invalid_token');

    const early = rawSocket(suite.server.url);
    await early.open();
    early.ws.send('{"op":"ack","seq":1}');
    await waitUntil(() => early.closed() !== null, 'a frame before hello to be refused');
    assert.equal(early.frames[0]?.code, 'handshake_required');

    const s = rawSocket(suite.server.url);
    await s.open();
    s.ws.send(JSON.stringify({ op: 'hello', token: await suite.sdk.createToken({ user: 'fuzzer' }) }));
    await waitUntil(() => s.frames.some((f) => f.op === 'welcome'), 'welcome');
    s.ws.send('not json');
    s.ws.send('[1,2]');
    s.ws.send('{"op":"launch"}');
    s.ws.send('{"op":"ack","seq":-1}');
    s.ws.send('{"op":"ack","seq":999999}');
    s.ws.send(Buffer.from([1, 2, 3]));
    await waitUntil(() => s.frames.filter((f) => f.op === 'error').length >= 6, 'six error frames');
    assert.deepEqual(
      s.frames.filter((f) => f.op === 'error').map((f) => f.code),
      ['protocol_error', 'protocol_error', 'unknown_op', 'protocol_error', 'protocol_error', 'protocol_error'],
    );
    assert.equal(s.closed(), null, 'the connection stays open after refused frames');

    s.ws.send('x'.repeat(70 * 1024));
    await waitUntil(() => s.closed() !== null, 'an oversized frame to close the socket');
    assert.equal(s.closed(), 1009);

    const r = await suite.sdk.publish({ to: { users: ['bystander'] }, module: 'm', type: 'still-served' });
    await bystander.waitFor(() => bystander.seen.some((n) => n.id === r.id), 'delivery to the bystander');
  });

  it('refuses a publish to a full inbox without storing anything, and accepts again once acknowledged', async () => {
    const c = recordingClient(suite.server.url, await suite.sdk.createToken({ user: 'full' }));
    clients.push(c);
    const session = await c.session();
    c.client.disconnect();
    for (let i = 0; i < 3; i++) await suite.sdk.publish({ to: { sessions: [session] }, module: 'm', type: `n${i}` });
    await assert.rejects(
      suite.sdk.publish({ to: { sessions: [session] }, module: 'm', type: 'overflow' }),
      (e: unknown) => e instanceof HeraldApiError && e.code === 'inbox_full' && e.status === 429,
    );
    c.client.connect();
    await c.waitFor(() => c.seen.length === 3, 'the three stored notifications');
    assert.deepEqual(c.seen.map((n) => n.type), ['n0', 'n1', 'n2']);
    let accepted = false;
    for (let i = 0; i < 100 && !accepted; i++) {
      accepted = await suite.sdk.publish({ to: { sessions: [session] }, module: 'm', type: 'after' }).then(() => true, () => false);
      if (!accepted) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(accepted, 'acknowledged entries free the inbox');
  });

  it('does not deliver an expired notification and reports it as expired', async () => {
    const c = recordingClient(suite.server.url, await suite.sdk.createToken({ user: 'late' }));
    clients.push(c);
    const session = await c.session();
    c.client.disconnect();
    const r = await suite.sdk.publish({ to: { sessions: [session] }, module: 'm', type: 'short-lived', ttl: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const fresh = await suite.sdk.publish({ to: { sessions: [session] }, module: 'm', type: 'fresh' });
    c.client.connect();
    await c.waitFor(() => c.seen.some((n) => n.id === fresh.id), 'the fresh notification');
    assert.ok(!c.seen.some((n) => n.id === r.id), 'the expired one is not delivered');
    let expired = 0;
    for (let i = 0; i < 80 && expired === 0; i++) {
      expired = (await suite.sdk.status(r.id)).expired;
      if (expired === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(expired, 1);
  });
});
