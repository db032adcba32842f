// The dashboard in headless Chromium: sign in, watch a real client session appear, send it a test notification
// from the form and see it delivered and acknowledged. Saves test-artifacts/dashboard.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Herald } from '@herald/server-sdk';
import { serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from './fixtures/server-process.js';
import { recordingClient, type RecordingClient } from './fixtures/clients.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const ADMIN_TOKEN = 'dashboard-admin-token-0123456789';

describe('dashboard in a browser', () => {
  const dir = tempDir();
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  const clients: RecordingClient[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
    server = await startServerProcess(serverEnv(dir.path, 0, { HERALD_ADMIN_TOKEN: ADMIN_TOKEN }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 30_000,
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // Refused admin API calls are part of the test (wrong token, unknown session); anything else failing is a bug.
    page.on('response', (res) => {
      if (res.status() >= 400 && !new URL(res.url()).pathname.startsWith('/admin/api/')) pageErrors.push(`${res.status()} ${res.url()}`);
    });
  });
  after(async () => {
    for (const c of clients) c.client.disconnect();
    await browser?.close();
    await server?.kill('SIGTERM');
    dir.remove();
  });

  it('refuses a wrong admin token and signs in with the right one', async () => {
    await page.goto(`${server.url}/dashboard`);
    await page.fill('#token', 'not-the-token');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#login-error:has-text("not valid")');
    assert.equal(await page.isVisible('#app-view'), false);
    await page.fill('#token', ADMIN_TOKEN);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#app-view', { state: 'visible' });
    await page.waitForSelector(`#apps tr[data-app="${TEST_APP.id}"]`);
    await page.waitForSelector('#live[data-state="live"]');
    assert.match(await page.textContent('#channels') ?? '', /No channel has subscribers right now/);
  });

  it('shows a client session as it connects, and delivers a test notification sent from the form', async () => {
    const sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });
    const client = recordingClient(server.url, await sdk.createToken({ user: 'browser-watch', scope: 'kiosk' }));
    clients.push(client);
    const session = await client.session();

    const row = `#sessions tr[data-session-id="${session}"][data-connected="true"]`;
    await page.waitForSelector(row);
    const cells = await page.$$eval(`${row} td`, (tds) => tds.map((td) => td.textContent ?? ''));
    assert.equal(cells[1], 'browser-watch');
    assert.equal(cells[2], 'kiosk');
    assert.equal(cells[3], 'websocket');
    assert.match(cells[5] ?? '', /ago$/);
    assert.equal(cells[6], '0');

    await page.click(row);
    assert.equal(await page.inputValue('#target-value'), session);
    await page.fill('#type', 'browser-test');
    await page.fill('#data', '{"from": "the dashboard"}');
    await page.click('#send');
    await page.waitForSelector('#send-status[data-state="acknowledged"]', { timeout: 20_000 });
    const status = await page.textContent('#send-status');
    assert.match(status ?? '', /Acknowledged — delivered 1\/1 · acknowledged 1\/1/);

    const sentId = await page.textContent('#sent-id');
    const seen = client.seen.find((n) => n.id === sentId);
    assert.ok(seen, 'the client received the notification the dashboard sent');
    assert.deepEqual([seen.module, seen.type, seen.data], ['dashboard', 'browser-test', { from: 'the dashboard' }]);

    // The chart has counted it: the last minute shows at least one accepted notification per second somewhere.
    await page.waitForSelector('#chart-legend [data-series="accepted"]');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true });
    assert.ok(existsSync(`${ARTIFACTS}dashboard.png`));
  });

  it('shows the error code when the server refuses a test notification', async () => {
    await page.selectOption('#target-kind', 'session');
    await page.fill('#target-value', 'no-such-session');
    await page.click('#send');
    await page.waitForSelector('#send-status[data-state="failed"]');
    assert.match(await page.textContent('#send-status') ?? '', /session_not_found/);
    await page.selectOption('#target-kind', 'all');
    await page.fill('#data', '{oops');
    await page.click('#send');
    await page.waitForSelector('#send-status[data-state="failed"]:has-text("not valid JSON")');
  });

  it('ran without script errors or failed page resources', () => {
    assert.deepEqual(pageErrors, []);
  });
});
