// The admin API through the real server: the admin token, apps without secrets, live sessions, channels, stats, test sends.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AdminChannelList, AdminOverview, AdminSessionList, AdminStats, NotificationStatus, PublishResult } from '@herald/protocol';
import { loadConfig, startServer } from '@herald/server';
import { freePort, serverEnv, tempDir, TEST_APP } from './fixtures/server-process.js';
import { recordingClient } from './fixtures/clients.js';
import { serverSuite } from './fixtures/suite.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

describe('admin API', () => {
  const suite = serverSuite({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN });
  const { clients } = suite;
  const admin = async <T>(path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${suite.server.url}/admin/api${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${init.token ?? ADMIN_TOKEN}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  };

  it('refuses requests without the admin token, with a wrong one, or with an app secret', async () => {
    const none = await fetch(`${suite.server.url}/admin/api/overview`);
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'unauthorized');
    for (const token of ['wrong', `${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(0, -1), TEST_APP.secret]) {
      const r = await admin<{ error: { code: string } }>('/overview', { token });
      assert.equal(r.status, 401, token);
      assert.equal(r.body.error.code, 'unauthorized');
    }
    const r = await admin('/apps/no-such-app/sessions', { token: 'wrong' });
    assert.equal(r.status, 401, 'the token is checked before anything about the app is revealed');
  });

  it('lists apps with their keys and never their secrets', async () => {
    const res = await fetch(`${suite.server.url}/admin/api/overview`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const text = await res.text();
    assert.equal(res.status, 200);
    assert.ok(!text.includes(TEST_APP.secret), 'the app secret appears in the answer');
    const overview = JSON.parse(text) as AdminOverview;
    assert.equal(overview.storage, 'sqlite');
    // Web Push keys are generated for every app at start.
    assert.deepEqual(overview.apps.map((a) => [a.id, a.key, a.webPush]), [[TEST_APP.id, TEST_APP.key, true]]);
  });

  it('shows a connected session with user, scope, transport, node, connected-since and inbox depth', async () => {
    const c = recordingClient(suite.server.url, await suite.sdk.createToken({ user: 'ada', scope: 'designer' }));
    clients.push(c);
    const session = await c.session();
    const { status, body } = await admin<AdminSessionList>(`/apps/${TEST_APP.id}/sessions`);
    assert.equal(status, 200);
    const s = body.sessions.find((x) => x.id === session);
    assert.ok(s, 'the session is listed');
    assert.equal(s.user, 'ada');
    assert.equal(s.scope, 'designer');
    assert.equal(s.transport, 'websocket');
    assert.equal(s.connected, true);
    assert.equal(typeof s.node, 'string');
    assert.ok(s.connectedSince !== null && Math.abs(Date.now() - s.connectedSince) < 10_000);
    assert.equal(s.pending, 0);
    const missing = await admin<{ error: { code: string } }>('/apps/ghost/sessions');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'app_not_found');
  });

  it('sends a test notification to a user and reports it delivered and acknowledged', async () => {
    const c = recordingClient(suite.server.url, await suite.sdk.createToken({ user: 'grace' }));
    clients.push(c);
    await c.session();
    const sent = await admin<PublishResult>(`/apps/${TEST_APP.id}/notifications`, { method: 'POST', body: { to: { users: ['grace'] }, module: 'dashboard', type: 'test', data: { hi: 1 } } });
    assert.equal(sent.status, 202);
    assert.equal(sent.body.recipients, 1);
    await c.waitFor(() => c.seen.some((n) => n.id === sent.body.id), 'the test notification');
    let status: NotificationStatus | undefined;
    for (let i = 0; i < 100 && status?.acknowledged !== 1; i++) {
      status = (await admin<NotificationStatus>(`/apps/${TEST_APP.id}/notifications/${sent.body.id}`)).body;
      if (status.acknowledged !== 1) await new Promise((r) => setTimeout(r, 30));
    }
    assert.deepEqual([status?.recipients, status?.delivered, status?.acknowledged], [1, 1, 1]);
  });

  it('refuses a bad test notification with the publish API error codes', async () => {
    const r = await admin<{ error: { code: string } }>(`/apps/${TEST_APP.id}/notifications`, { method: 'POST', body: { to: {}, module: 'm', type: 't' } });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'invalid_target');
    const ch = await admin<{ error: { code: string } }>(`/apps/${TEST_APP.id}/notifications`, { method: 'POST', body: { to: { channels: ['bad channel!'] }, module: 'm', type: 't' } });
    assert.equal(ch.body.error.code, 'invalid_channel');
  });

  it('lists channels with their subscriber counts, and sends a test notification to a channel', async () => {
    const c = recordingClient(suite.server.url, await suite.sdk.createToken({ user: 'watcher' }));
    clients.push(c);
    await c.session();
    const channel = c.client.channels.subscribe('orders');
    const events: unknown[] = [];
    channel.bind('created', (data: unknown) => events.push(data));
    let listing: AdminChannelList = { available: false, channels: [] };
    for (let i = 0; i < 100 && !listing.channels.some((ch) => ch.name === 'orders'); i++) {
      listing = (await admin<AdminChannelList>(`/apps/${TEST_APP.id}/channels`)).body;
      if (!listing.channels.some((ch) => ch.name === 'orders')) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(listing.available, true);
    assert.deepEqual(listing.channels.find((ch) => ch.name === 'orders'), { name: 'orders', subscribers: 1, presence: null });
    const sent = await admin<PublishResult>(`/apps/${TEST_APP.id}/notifications`, { method: 'POST', body: { to: { channels: ['orders'] }, module: 'shop', type: 'created', data: { id: 7 } } });
    assert.equal(sent.status, 202);
    assert.equal(sent.body.recipients, 1);
    await c.waitFor(() => events.length === 1, 'the channel event');
  });

  it('reports message flow per second for the last minute', async () => {
    const r = await admin<AdminStats>('/stats?seconds=60');
    assert.equal(r.status, 200);
    assert.equal(r.body.series.length, 60);
    const accepted = r.body.series.reduce((n, p) => n + p.accepted, 0);
    assert.ok(accepted >= 1, 'the test notification sent above is counted');
    assert.ok(r.body.series.every((p, i, all) => i === 0 || p.t - all[i - 1]!.t === 1000));
  });

  it('serves the dashboard page and its bundle, with a restrictive content security policy', async () => {
    for (const path of ['/dashboard', '/dashboard/']) {
      const res = await fetch(`${suite.server.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      assert.match(await res.text(), /<script type="module" src="\/dashboard\/dashboard\.js">/);
    }
    const js = await fetch(`${suite.server.url}/dashboard/dashboard.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal((await fetch(`${suite.server.url}/dashboard/../package.json`)).status, 404);
    assert.equal((await fetch(`${suite.server.url}/dashboard/nope.js`)).status, 404);
  });
});

describe('admin channel directory', () => {
  it('lists the channels a registered ChannelDirectory reports, merged and sorted', async () => {
    const dir = tempDir();
    const server = await startServer(loadConfig({ env: { ...serverEnv(dir.path, await freePort()), HERALD_LOG_LEVEL: 'silent', HERALD_ADMIN_TOKEN: ADMIN_TOKEN } }));
    try {
      server.admin.channels.push({
        list: async (appId) => (appId === TEST_APP.id ? [{ name: 'presence-room-7', subscribers: 2, presence: [{ id: 'u1', info: { name: 'Ada' } }, { id: 'u2', info: null }] }, { name: 'orders', subscribers: 1, presence: null }] : []),
      });
      server.admin.channels.push({ list: async () => [{ name: 'orders', subscribers: 3, presence: null }] });
      const res = await fetch(`${server.url}/admin/api/apps/${TEST_APP.id}/channels`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const body = (await res.json()) as AdminChannelList;
      assert.equal(body.available, true);
      assert.deepEqual(body.channels.map((c) => [c.name, c.subscribers, c.presence?.map((m) => m.id) ?? null]), [
        ['orders', 3, null],
        ['presence-room-7', 2, ['u1', 'u2']],
      ]);
    } finally {
      await server.stop();
      dir.remove();
    }
  });
});
