// The SDK falls back by itself when WebSocket cannot connect (refused, swallowed), and goes back to it later.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Herald } from '@herald/server-sdk';
import { State } from '@herald/client/node';
import { serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from '../fixtures/server-process.js';
import { recordingClient, waitUntil, type RecordingClient } from '../fixtures/clients.js';
import { startHttpProxy, type HttpProxy } from '../fixtures/http-proxy.js';

describe('transport fallback in the client SDK', () => {
  const dir = tempDir();
  let server: ServerProcess;
  let sdk: Herald;
  const clients: RecordingClient[] = [];
  const proxies: HttpProxy[] = [];
  before(async () => {
    server = await startServerProcess(serverEnv(dir.path, 0, { HERALD_LONG_POLL_TIMEOUT_MS: '2000' }));
    sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });
  });
  after(async () => {
    for (const c of clients) c.client.disconnect();
    for (const p of proxies) await p.close();
    await server.kill('SIGTERM');
    dir.remove();
  });

  async function setup(mode: 'refuse' | 'black-hole', options: Parameters<typeof recordingClient>[2] = {}) {
    const proxy = await startHttpProxy(server.port, mode);
    proxies.push(proxy);
    const user = `fb-${proxies.length}`;
    const c = recordingClient(proxy.url, () => sdk.createToken({ user }), options);
    clients.push(c);
    return { proxy, c, user };
  }

  async function receivesOne(c: RecordingClient, user: string): Promise<void> {
    const r = await sdk.publish({ to: { users: [user] }, module: 'fb', type: 'n' });
    await c.waitFor(() => c.seen.some((n) => n.id === r.id), 'a notification');
  }

  it('falls back to SSE at once when a proxy refuses the WebSocket upgrade', async () => {
    const { proxy, c, user } = await setup('refuse');
    const errors: string[] = [];
    c.client.on('error', (e) => errors.push(e.code));
    const started = Date.now();
    await c.session();
    assert.equal(c.client.transport, 'sse');
    assert.ok(Date.now() - started < 2000, 'no backoff before the fallback');
    assert.equal(proxy.upgradeRequests, 1);
    assert.deepEqual(errors, ['connection_failed']);
    await receivesOne(c, user);
  });

  it('falls back to long-poll when SSE is blocked too', async () => {
    const { proxy, c, user } = await setup('refuse');
    proxy.blocked.add('/v1/sse');
    await c.session();
    assert.equal(c.client.transport, 'long-poll');
    await receivesOne(c, user);
  });

  it('falls back after the connect timeout when a proxy swallows the upgrade', async () => {
    const { c, user } = await setup('black-hole', { connectTimeout: 500 });
    await c.session();
    assert.equal(c.client.transport, 'sse');
    await receivesOne(c, user);
  });

  it('follows the configured order', async () => {
    const { proxy, c } = await setup('refuse', { transports: ['long-poll', 'websocket'] });
    await c.session();
    assert.equal(c.client.transport, 'long-poll');
    assert.equal(proxy.upgradeRequests, 0);
  });

  it('tries WebSocket again after upgradeAfter, stays on the fallback while it is still refused, and moves the session once it works', async () => {
    const { proxy, c, user } = await setup('refuse', { upgradeAfter: 300 });
    const session = await c.session();
    assert.equal(c.client.transport, 'sse');
    await waitUntil(() => proxy.upgradeRequests >= 2, 'a second WebSocket try');
    await waitUntil(() => c.client.state === State.Connected, 'back on SSE');
    assert.equal(c.client.transport, 'sse');
    await receivesOne(c, user);
    proxy.upgrades = 'pass';
    // The next try is 600 ms after the failed one (the delay doubles).
    await waitUntil(() => c.client.transport === 'websocket' && c.client.state === State.Connected, 'the switch to WebSocket', 5000);
    assert.equal(c.client.sessionId, session, 'the same session moved');
    await receivesOne(c, user);
    const ids = c.seen.map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, 'no duplicates across the switches');
  });

  it('does not fall back when Herald itself refuses (the transport works)', async () => {
    const proxy = await startHttpProxy(server.port, 'pass');
    proxies.push(proxy);
    const forged = await new Herald({ url: server.url, appId: TEST_APP.id, secret: 'wrong' }).createToken({});
    const c = recordingClient(proxy.url, forged);
    clients.push(c);
    await waitUntil(() => c.client.state === State.Closed, 'the refusal');
    assert.deepEqual(c.closeCodes, [4001]);
    assert.equal(proxy.upgradeRequests, 1);
  });
});
