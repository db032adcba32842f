// A real browser (headless Chromium) runs the SDK bundle from Herald's test page over each transport, and falls back by itself.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Herald } from '@herald/server-sdk';
import { serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from '../fixtures/server-process.js';
import { startHttpProxy, type HttpProxy } from '../fixtures/http-proxy.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface LogEntry {
  kind: 'state' | 'error' | 'notification';
  to?: string;
  transport?: string | null;
  id?: string;
  code?: string | number | null;
}

describe('the browser SDK in headless Chromium', () => {
  const dir = tempDir();
  let server: ServerProcess;
  let sdk: Herald;
  let browser: Browser;
  const proxies: HttpProxy[] = [];

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
    server = await startServerProcess(serverEnv(dir.path, 0, { HERALD_TEST_ROUTES: 'true', HERALD_LONG_POLL_TIMEOUT_MS: '5000' }));
    sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
  });
  after(async () => {
    await browser?.close();
    for (const p of proxies) await p.close();
    await server?.kill('SIGTERM');
    dir.remove();
  });

  const log = (page: Page) => page.evaluate(() => (window as unknown as { heraldLog: LogEntry[] }).heraldLog);
  async function waitForLog(page: Page, predicate: (entries: LogEntry[]) => boolean, what: string, timeoutMs = 15_000): Promise<LogEntry[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const entries = await log(page);
      if (predicate(entries)) return entries;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(entries)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Opens the test page at `base`, connects as `user` with `transports`, and resolves once connected. */
  async function openPage(base: string, user: string, transports: string, extra = ''): Promise<Page> {
    const page = await browser.newPage();
    const token = await sdk.createToken({ user, scope: 'browser' });
    await page.goto(`${base}/test/transports?token=${encodeURIComponent(token)}&transports=${transports}${extra}`);
    await waitForLog(page, (e) => e.some((x) => x.kind === 'state' && x.to === 'connected'), 'the connection');
    return page;
  }

  async function receives(page: Page, user: string, n: number): Promise<LogEntry[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await sdk.publish({ to: { users: [user] }, module: 'browser', type: 'n', data: i })).id);
    const entries = await waitForLog(page, (e) => e.filter((x) => x.kind === 'notification').length >= n, `${n} notifications`);
    const got = entries.filter((x) => x.kind === 'notification');
    assert.deepEqual(got.map((x) => x.id), ids, 'each once, in order');
    return got;
  }

  it('serves the SDK bundle at /sdk/herald-client.js', async () => {
    const res = await fetch(`${server.url}/sdk/herald-client.js`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
    assert.match(await res.text(), /HeraldClient/);
  });

  for (const transport of ['websocket', 'sse', 'long-poll']) {
    it(`receives notifications over ${transport}`, async () => {
      const user = `b-${transport}`;
      const page = await openPage(server.url, user, transport);
      try {
        const got = await receives(page, user, 5);
        assert.ok(got.every((x) => x.transport === transport), `all over ${transport}: ${JSON.stringify(got)}`);
        const sessionId = await page.evaluate(() => (window as unknown as { heraldClient: { sessionId: string } }).heraldClient.sessionId);
        assert.equal((await sdk.getSession(sessionId)).transport, transport);
      } finally {
        await page.close();
      }
    });
  }

  it('falls back to SSE by itself when a proxy refuses the WebSocket upgrade, and receives notifications', async () => {
    const proxy = await startHttpProxy(server.port, 'refuse');
    proxies.push(proxy);
    const page = await openPage(proxy.url, 'b-fallback', 'websocket,sse,long-poll');
    try {
      const entries = await log(page);
      const connected = entries.find((x) => x.kind === 'state' && x.to === 'connected');
      assert.equal(connected?.transport, 'sse');
      assert.ok(proxy.upgradeRequests >= 1, 'the browser tried WebSocket first');
      await receives(page, 'b-fallback', 3);
    } finally {
      await page.close();
    }
  });

  it('falls back to long-poll when the proxy also blocks SSE', async () => {
    const proxy = await startHttpProxy(server.port, 'refuse');
    proxy.blocked.add('/v1/sse');
    proxies.push(proxy);
    const page = await openPage(proxy.url, 'b-fallback-lp', 'websocket,sse,long-poll');
    try {
      const connected = (await log(page)).find((x) => x.kind === 'state' && x.to === 'connected');
      assert.equal(connected?.transport, 'long-poll');
      await receives(page, 'b-fallback-lp', 3);
    } finally {
      await page.close();
    }
  });
});
