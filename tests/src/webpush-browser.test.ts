// Web Push in a real browser (Debian chromium, headless): the demo page, the SDK bundle and the Herald service worker.
// A real push service cannot be reached from here, so the push is handed to the service worker through DevTools.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { PushMessage } from '@herald/protocol';
import { Herald } from '@herald/server-sdk';
import { freePort, serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from './fixtures/server-process.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('Web Push in chromium', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed` }, () => {
  const dir = tempDir();
  let server: ServerProcess;
  let sdk: Herald;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    server = await startServerProcess(serverEnv(dir.path, await freePort()));
    sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
    context = await browser.newContext();
    await context.grantPermissions(['notifications'], { origin: server.url });
    page = await context.newPage();
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`${res.status()} for ${res.url()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
  });
  after(async () => {
    await browser?.close();
    await server.kill('SIGTERM');
    dir.remove();
  });

  it('loads the demo page and the SDK bundle without errors, and lists live notifications once connected', async () => {
    await page.goto(`${server.url}/demo/push?app=${TEST_APP.id}&user=lee`);
    await page.fill('#token', await sdk.createToken({ user: 'lee' }));
    await page.click('#connect');
    await page.waitForFunction(() => /connection: connected/.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 30_000 });
    assert.match((await page.textContent('#status')) ?? '', /push: granted, not subscribed/);
    await sdk.publish({ to: { users: ['lee'] }, module: 'demo', type: 'live', data: { n: 1 } });
    await page.waitForSelector('#log li.live', { timeout: 30_000 });
    assert.match((await page.textContent('#log li.live')) ?? '', /demo\/live \{"n":1\}/);
    assert.deepEqual(problems, []);
  });

  it('runs the Herald service worker: a push becomes a notification and reaches the open page', async () => {
    const cdp = await context.newCDPSession(page);
    const registrations = new Map<string, string>();
    cdp.on('ServiceWorker.workerRegistrationUpdated', (event: { registrations: Array<{ registrationId: string; scopeURL: string }> }) => {
      for (const r of event.registrations) registrations.set(r.scopeURL, r.registrationId);
    });
    await cdp.send('ServiceWorker.enable');
    const scope = await page.evaluate(async () => {
      await navigator.serviceWorker.register('/herald-sw.js');
      return (await navigator.serviceWorker.ready).scope;
    });
    const deadline = Date.now() + 30_000;
    while (!registrations.has(scope) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const registrationId = registrations.get(scope);
    assert.ok(registrationId, `no registration for ${scope}`);

    const message: PushMessage = { title: 'Order shipped', body: 'Order 42 is on its way', url: '/orders/42', tag: 'order-42', notification: { id: 'n-1', module: 'orders', type: 'shipped' } };
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: new URL(server.url).origin, registrationId, data: JSON.stringify(message) });
    // Poll from here: waitForFunction takes an async predicate's pending promise as truthy on its first try.
    const readShown = () =>
      page.evaluate(async () => {
        const list = await (await navigator.serviceWorker.ready).getNotifications();
        return list.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as unknown }));
      });
    let shown = await readShown();
    for (const until = Date.now() + 30_000; shown.length === 0 && Date.now() < until; shown = await readShown()) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(shown, [{ title: 'Order shipped', body: 'Order 42 is on its way', tag: 'order-42', data: { url: '/orders/42', notification: message.notification } }]);
    await page.waitForSelector('#log li.push', { timeout: 30_000 });
    assert.match((await page.textContent('#log li.push')) ?? '', /Order shipped: Order 42 is on its way/);
    assert.deepEqual(problems, []);
  });
});
