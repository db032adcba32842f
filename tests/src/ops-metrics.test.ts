// /metrics through the real server: connections, sessions, the notification lifecycle, latency, storage timing, refusals, expiry.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Herald, HeraldApiError } from '@herald/server-sdk';
import { loadConfig, startServer } from '@herald/server';
import { freePort, tempDir, TEST_APP } from './fixtures/server-process.js';
import { recordingClient } from './fixtures/clients.js';
import { serverSuite } from './fixtures/suite.js';
import { sample, scrape } from './fixtures/metrics.js';

const APP = `app="${TEST_APP.id}"`;

/** Scrapes until `series` reaches `value` (counters are updated asynchronously, after acks arrive). */
async function until(url: string, series: string, value: number, timeoutMs = 10_000): Promise<string> {
  let text = '';
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    text = await scrape(url);
    if (sample(text, series) === value) return text;
    if (Date.now() > deadline) throw new Error(`${series} is ${sample(text, series)}, expected ${value}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('metrics through the real server', () => {
  const suite = serverSuite({ HERALD_SESSION_TTL: '10' });
  const { clients } = suite;

  it('serves Prometheus text with process metrics and storage timings', async () => {
    const res = await fetch(`${suite.server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^# TYPE herald_process_cpu_user_seconds_total counter$/m);
    assert.ok((sample(text, 'herald_storage_operation_seconds_count{op="init"}') ?? 0) >= 1);
  });

  it('counts a connection by transport and app, the notification accepted, delivered, acknowledged, and its latency', async () => {
    const c = recordingClient(suite.server.url, await suite.sdk.createToken({ user: 'm1' }));
    clients.push(c);
    await c.session();
    let text = await until(suite.server.url, `herald_connections{transport="websocket",${APP}}`, 1);
    assert.equal(sample(text, `herald_sessions_opened_total{${APP},transport="websocket",kind="new"}`), 1);
    assert.equal(sample(text, `herald_sessions{${APP}}`), 1);

    await suite.sdk.publish({ to: { users: ['m1'] }, module: 'm', type: 't', data: 1 });
    await c.waitFor(() => c.seen.length === 1, 'the notification');
    text = await until(suite.server.url, `herald_notifications_acknowledged_total{${APP}}`, 1);
    assert.equal(sample(text, `herald_notifications_accepted_total{${APP}}`), 1);
    assert.equal(sample(text, `herald_notification_recipients_total{${APP}}`), 1);
    assert.equal(sample(text, `herald_notifications_delivered_total{${APP}}`), 1);
    assert.equal(sample(text, 'herald_delivery_latency_seconds_count'), 1);
    assert.ok((sample(text, 'herald_storage_operation_seconds_count{op="publish"}') ?? 0) >= 1);
    text = await until(suite.server.url, `herald_inbox_pending{${APP}}`, 0);
  });

  it('shows undelivered notifications as inbox depth while the session is away, and delivers them on resume', async () => {
    const token = await suite.sdk.createToken({ user: 'm2' });
    const c = recordingClient(suite.server.url, token);
    clients.push(c);
    const session = await c.session();
    c.client.disconnect();
    await until(suite.server.url, `herald_sessions_disconnected_total{${APP}}`, 1);
    for (let i = 0; i < 3; i++) await suite.sdk.publish({ to: { sessions: [session] }, module: 'm', type: 'away', data: i });
    const text = await until(suite.server.url, `herald_inbox_pending_max{${APP}}`, 3);
    assert.equal(sample(text, `herald_inbox_pending{${APP}}`), 3);
    c.client.connect();
    await c.waitFor(() => c.seen.length === 3, 'the notifications kept while away');
    await until(suite.server.url, `herald_inbox_pending{${APP}}`, 0);
    await until(suite.server.url, `herald_sessions_opened_total{${APP},transport="websocket",kind="resumed"}`, 1);
  });

  it('counts Pusher protocol connections under their own transport', async () => {
    const ws = new WebSocket(`${suite.server.url.replace(/^http/, 'ws')}/app/${TEST_APP.key}?protocol=7`);
    await new Promise<void>((resolve, reject) => (ws.once('message', () => resolve()), ws.once('error', reject)));
    await until(suite.server.url, `herald_connections{transport="pusher",${APP}}`, 1);
    ws.close();
  });

  it('counts refusals by error code', async () => {
    const wrong = new Herald({ url: suite.server.url, appId: TEST_APP.id, secret: 'wrong-secret-value' });
    await assert.rejects(wrong.publish({ to: { all: true }, module: 'm', type: 't' }), (e: unknown) => e instanceof HeraldApiError && e.code === 'unauthorized');
    await assert.rejects(suite.sdk.publish({ to: { sessions: ['nope'] }, module: 'm', type: 't' }), (e: unknown) => e instanceof HeraldApiError && e.code === 'session_not_found');
    const text = await scrape(suite.server.url);
    assert.equal(sample(text, 'herald_refused_total{code="unauthorized"}'), 1);
    assert.equal(sample(text, 'herald_refused_total{code="session_not_found"}'), 1);
  });

  it('counts notifications that expired before their session came back', async () => {
    const c = recordingClient(suite.server.url, await suite.sdk.createToken({ user: 'm3' }));
    clients.push(c);
    const session = await c.session();
    c.client.disconnect();
    await suite.sdk.publish({ to: { sessions: [session] }, module: 'm', type: 'short', ttl: 1 });
    // The sweep runs every sessionTtl/2 seconds (5 s here).
    await until(suite.server.url, 'herald_notifications_expired_total', 1, 15_000);
  });
});

describe('metrics of several servers in one process', () => {
  it('keeps a registry per server, so each reports only its own traffic', async () => {
    const dirs = [tempDir(), tempDir()];
    const servers = await Promise.all(
      dirs.map(async (d) =>
        startServer(loadConfig({ env: { HERALD_DATA_DIR: d.path, HERALD_PORT: String(await freePort()), HERALD_LOG_LEVEL: 'silent', HERALD_APP_ID: TEST_APP.id, HERALD_APP_KEY: TEST_APP.key, HERALD_APP_SECRET: TEST_APP.secret } })),
      ),
    );
    try {
      const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
      const sdkA = new Herald({ url: a.url, appId: TEST_APP.id, secret: TEST_APP.secret });
      const c = recordingClient(a.url, await sdkA.createToken({ user: 'solo' }));
      await c.session();
      await sdkA.publish({ to: { all: true }, module: 'm', type: 't' });
      await sdkA.publish({ to: { all: true }, module: 'm', type: 't' });
      c.client.disconnect();
      const [ta, tb] = await Promise.all([scrape(a.url), scrape(b.url)]);
      assert.equal(sample(ta, `herald_notifications_accepted_total{${APP}}`), 2);
      assert.equal(sample(tb, `herald_notifications_accepted_total{${APP}}`), undefined);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      for (const d of dirs) d.remove();
    }
  });
});
