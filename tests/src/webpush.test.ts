// Black-box Web Push tests: the real server pushes to a local HTTPS push service that verifies VAPID, and a fake browser decrypts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { NotificationStatus, PublishRequest } from '@herald/protocol';
import { Herald } from '@herald/server-sdk';
import { freePort, serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from './fixtures/server-process.js';
import { recordingClient, type RecordingClient } from './fixtures/clients.js';
import { startPushService, type LocalPushService } from './fixtures/push-service.js';
import { fakeBrowser, type SubscriptionJson } from './fixtures/push-browser.js';

describe('Web Push through the real server', () => {
  const dir = tempDir();
  let service: LocalPushService;
  let server: ServerProcess;
  let sdk: Herald;
  const clients: RecordingClient[] = [];

  before(async () => {
    service = await startPushService();
    server = await startServerProcess(serverEnv(dir.path, await freePort(), {
      NODE_EXTRA_CA_CERTS: service.caFile,
      HERALD_PUSH_ENDPOINT_HOSTS: '127.0.0.1',
      HERALD_VAPID_SUBJECT: 'mailto:ops@herald.test',
      HERALD_PUSH_ATTEMPTS: '3',
      HERALD_PUSH_RETRY_MAX_MS: '3000',
    }));
    sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });
  });
  after(async () => {
    for (const c of clients) c.client.disconnect();
    await server.kill('SIGTERM');
    await service.close();
    dir.remove();
  });

  const appUrl = (path: string) => `${server.url}/v1/apps/${TEST_APP.id}${path}`;
  const tokenAuth = async (user?: string) => `Token ${await sdk.createToken(user === undefined ? {} : { user })}`;

  /** One HTTP call; the JSON answer is loosely typed because each test asserts the fields it expects. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function call(method: string, path: string, body?: unknown, authorization?: string): Promise<{ status: number; json: any }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization) headers['authorization'] = authorization;
    const res = await fetch(appUrl(path), { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  async function register(sub: SubscriptionJson, authorization: string): Promise<string> {
    const { status, json } = await call('POST', '/push/subscriptions', sub, authorization);
    assert.equal(status, 201, JSON.stringify(json));
    return json.id as string;
  }

  /** Polls the notification's status until its push counts satisfy `ready`. */
  async function waitPush(id: string, ready: (push: NonNullable<NotificationStatus['push']>) => boolean): Promise<NonNullable<NotificationStatus['push']>> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const push = (await sdk.status(id)).push;
      if (push && ready(push)) return push;
      if (Date.now() > deadline) throw new Error(`push status of ${id} stuck at ${JSON.stringify(push)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const publish = (request: PublishRequest) => sdk.publish(request);

  it('pushes to an offline user end to end: the VAPID JWT verifies and the browser decrypts the message', async () => {
    const { json: key } = await call('GET', '/push/key');
    const bob = fakeBrowser(`${service.origin}/bob-1`);
    const id = await register(bob.subscription, await tokenAuth('bob'));
    assert.match(id, /^[\w-]{22}$/);
    const sentAt = Math.floor(Date.now() / 1000);
    const result = await publish({
      to: { users: ['bob'] }, module: 'orders', type: 'shipped', data: { order: 42 }, ttl: 600,
      push: { title: 'Order shipped', body: 'Order 42 is on its way', icon: '/icon.png', url: '/orders/42', tag: 'order-42', urgency: 'high' },
    });
    assert.equal(result.recipients, 0, 'bob has no session: only push reaches him');
    assert.deepEqual(await waitPush(result.id, (p) => p.sent === 1), { sent: 1, failed: 0, removed: 0 });
    assert.deepEqual(service.refused, []);
    const [request] = service.to('/bob-1');
    assert.ok(request);
    assert.equal(request.vapidKey, key.publicKey, 'signed with the key served to browsers');
    assert.equal(request.claims.aud, service.origin);
    assert.equal(request.claims.sub, 'mailto:ops@herald.test');
    assert.ok(request.claims.exp > sentAt + 3600 && request.claims.exp <= sentAt + 24 * 3600 + 5, `exp ${request.claims.exp}`);
    assert.equal(request.headers['content-encoding'], 'aes128gcm');
    assert.equal(request.headers['urgency'], 'high');
    const ttl = Number(request.headers['ttl']);
    assert.ok(ttl > 590 && ttl <= 600, `TTL ${ttl} follows the notification's remaining life`);
    assert.match(String(request.headers['topic']), /^[\w-]{1,32}$/);
    assert.deepEqual(bob.decrypt(request.body), {
      title: 'Order shipped', body: 'Order 42 is on its way', icon: '/icon.png', url: '/orders/42', tag: 'order-42',
      notification: { id: result.id, module: 'orders', type: 'shipped', data: { order: 42 } },
    });
  });

  it('pushes only to users without a live session, unless push.always, and to the users of listed sessions', async () => {
    const carol = recordingClient(server.url, await sdk.createToken({ user: 'carol' }));
    clients.push(carol);
    const carolSession = await carol.session();
    const carolBrowser = fakeBrowser(`${service.origin}/carol`);
    assert.ok(carol.client.sessionAuthorization);
    await register(carolBrowser.subscription, carol.client.sessionAuthorization);
    await register(fakeBrowser(`${service.origin}/dave`).subscription, await tokenAuth('dave'));

    const first = await publish({ to: { users: ['carol', 'dave'] }, module: 'm', type: 'default', push: { title: 'Hello' } });
    assert.deepEqual(await waitPush(first.id, (p) => p.sent === 1), { sent: 1, failed: 0, removed: 0 });
    await carol.waitFor(() => carol.seen.some((n) => n.id === first.id), 'the live notification');
    assert.equal(service.to('/carol').length, 0, 'carol is online: no push');
    assert.equal(service.to('/dave').length, 1);

    const always = await publish({ to: { users: ['carol', 'dave'] }, module: 'm', type: 'always', push: { title: 'Hello', always: true } });
    await waitPush(always.id, (p) => p.sent === 2);
    assert.equal(service.to('/carol').length, 1);
    assert.equal(service.to('/dave').length, 2);

    const bySession = await publish({ to: { sessions: [carolSession] }, module: 'm', type: 'session', push: { title: 'You', always: true } });
    await waitPush(bySession.id, (p) => p.sent === 1);
    assert.equal(carolBrowser.decrypt(service.to('/carol')[1]!.body).notification.id, bySession.id);

    carol.client.disconnect();
    for (let i = 0; (await sdk.getSession(carolSession)).connected; i++) {
      assert.ok(i < 250, 'the server never recorded the disconnect');
      await new Promise((r) => setTimeout(r, 20));
    }
    const offline = await publish({ to: { users: ['carol'] }, module: 'm', type: 'offline', push: { title: 'Missed you' } });
    await waitPush(offline.id, (p) => p.sent === 1);
    assert.equal(carolBrowser.decrypt(service.to('/carol')[2]!.body).title, 'Missed you');
    assert.deepEqual(service.refused, []);
  });

  it('removes the subscriptions the push service answers 404 or 410 for, and pushes to them no more', async () => {
    await register(fakeBrowser(`${service.origin}/erin-404`).subscription, await tokenAuth('erin'));
    await register(fakeBrowser(`${service.origin}/erin-410`).subscription, await tokenAuth('erin'));
    service.script('/erin-404', { status: 404 });
    service.script('/erin-410', { status: 410 });
    const first = await publish({ to: { users: ['erin'] }, module: 'm', type: 'gone', push: { title: 'Anyone?' } });
    assert.deepEqual(await waitPush(first.id, (p) => p.removed === 2), { sent: 0, failed: 0, removed: 2 });
    const listing = await call('GET', '/users/erin/push/subscriptions', undefined, `Bearer ${TEST_APP.secret}`);
    assert.deepEqual(listing.json, { subscriptions: [] });
    const second = await publish({ to: { users: ['erin'] }, module: 'm', type: 'gone', push: { title: 'Anyone?' } });
    assert.deepEqual(await waitPush(second.id, () => true), { sent: 0, failed: 0, removed: 0 });
    assert.equal(service.to('/erin-404').length + service.to('/erin-410').length, 2);
  });

  it('drops a subscription whose expirationTime has passed without pushing to it', async () => {
    const stale = { ...fakeBrowser(`${service.origin}/lou-expired`).subscription, expirationTime: Date.now() - 1_000 };
    await register(stale, await tokenAuth('lou'));
    const result = await publish({ to: { users: ['lou'] }, module: 'm', type: 'expired', push: { title: 'Late' } });
    assert.deepEqual(await waitPush(result.id, (p) => p.removed === 1), { sent: 0, failed: 0, removed: 1 });
    assert.equal(service.to('/lou-expired').length, 0);
    assert.deepEqual((await call('GET', '/users/lou/push/subscriptions', undefined, `Bearer ${TEST_APP.secret}`)).json, { subscriptions: [] });
  });

  it('retries a 429 no sooner than its Retry-After, and a 503 after a backoff', async () => {
    await register(fakeBrowser(`${service.origin}/frank-429`).subscription, await tokenAuth('frank'));
    await register(fakeBrowser(`${service.origin}/frank-503`).subscription, await tokenAuth('frank'));
    service.script('/frank-429', { status: 429, headers: { 'retry-after': '1' } });
    service.script('/frank-503', { status: 503 });
    const result = await publish({ to: { users: ['frank'] }, module: 'm', type: 'busy', push: { title: 'Later' } });
    assert.deepEqual(await waitPush(result.id, (p) => p.sent === 2), { sent: 2, failed: 0, removed: 0 });
    const limited = service.to('/frank-429');
    assert.deepEqual(limited.map((r) => r.status), [429, 201]);
    const waited = limited[1]!.at - limited[0]!.at;
    assert.ok(waited >= 990 && waited < 3000, `retried after ${waited} ms; Retry-After said 1 s`);
    assert.deepEqual(service.to('/frank-503').map((r) => r.status), [503, 201]);
  });

  it('gives up after pushAttempts or on a final refusal, counting the push failed and keeping the subscription', async () => {
    await register(fakeBrowser(`${service.origin}/gina-429`).subscription, await tokenAuth('gina'));
    await register(fakeBrowser(`${service.origin}/gina-400`).subscription, await tokenAuth('gina'));
    const busy = { status: 429, headers: { 'retry-after': '0' } };
    service.script('/gina-429', busy, busy, busy);
    service.script('/gina-400', { status: 400 });
    const result = await publish({ to: { users: ['gina'] }, module: 'm', type: 'fail', push: { title: 'No' } });
    assert.deepEqual(await waitPush(result.id, (p) => p.failed === 2), { sent: 0, failed: 2, removed: 0 });
    assert.equal(service.to('/gina-429').length, 3, 'HERALD_PUSH_ATTEMPTS=3');
    assert.equal(service.to('/gina-400').length, 1, 'a 400 is not retried');
    const listing = await call('GET', '/users/gina/push/subscriptions', undefined, `Bearer ${TEST_APP.secret}`);
    assert.equal(listing.json.subscriptions.length, 2);
  });

  it('refuses registrations from anonymous or unproven callers and subscriptions that cannot work', async () => {
    const good = fakeBrowser(`${service.origin}/refused`).subscription;
    const refusal = async (sub: unknown, authorization: string | undefined) => {
      const { status, json } = await call('POST', '/push/subscriptions', sub, authorization);
      return [status, json?.error?.code];
    };
    assert.deepEqual(await refusal(good, undefined), [401, 'unauthorized']);
    assert.deepEqual(await refusal(good, `Bearer ${TEST_APP.secret}`), [401, 'unauthorized']);
    assert.deepEqual(await refusal(good, await tokenAuth()), [403, 'forbidden']);
    assert.deepEqual(await refusal(good, 'Token not-a-jwt'), [401, 'invalid_token']);
    const anon = recordingClient(server.url, await sdk.createToken({}));
    clients.push(anon);
    const anonSession = await anon.session();
    assert.deepEqual(await refusal(good, anon.client.sessionAuthorization!), [403, 'forbidden']);
    assert.deepEqual(await refusal(good, `Session ${anonSession}:wrong-secret`), [401, 'unauthorized']);
    const auth = await tokenAuth('hank');
    assert.deepEqual(await refusal({ ...good, endpoint: 'https://evil.example/hook' }, auth), [403, 'push_endpoint_not_allowed']);
    assert.deepEqual(await refusal({ ...good, endpoint: good.endpoint.replace('https:', 'http:') }, auth), [400, 'invalid_request']);
    assert.deepEqual(await refusal({ ...good, keys: { ...good.keys, p256dh: Buffer.alloc(65, 4).toString('base64url') } }, auth), [400, 'invalid_request']);
    assert.deepEqual(await refusal({ ...good, keys: { ...good.keys, auth: 'c2hvcnQ' } }, auth), [400, 'invalid_request']);
    assert.deepEqual(await refusal({ endpoint: good.endpoint }, auth), [400, 'invalid_request']);
    const other = await call('GET', '/users/hank/push/subscriptions', undefined, `Bearer ${TEST_APP.secret}`);
    assert.deepEqual(other.json, { subscriptions: [] }, 'nothing refused was stored');
  });

  it('lets a browser unregister its own subscription only', async () => {
    const sub = fakeBrowser(`${service.origin}/ivy`).subscription;
    await register(sub, await tokenAuth('ivy'));
    const stranger = await call('DELETE', '/push/subscriptions', { endpoint: sub.endpoint }, await tokenAuth('mallory'));
    assert.deepEqual([stranger.status, stranger.json.error.code], [404, 'push_subscription_not_found']);
    assert.equal((await call('DELETE', '/push/subscriptions', { endpoint: sub.endpoint }, await tokenAuth('ivy'))).status, 204);
    assert.equal((await call('DELETE', '/push/subscriptions', { endpoint: sub.endpoint }, await tokenAuth('ivy'))).status, 404);
  });

  it('lets the backend list and delete a user\'s subscriptions without ever showing endpoints', async () => {
    const secret = `Bearer ${TEST_APP.secret}`;
    const a = await register(fakeBrowser(`${service.origin}/jack-a`).subscription, await tokenAuth('jack'));
    // The same browser registered twice is one subscription.
    const again = fakeBrowser(`${service.origin}/jack-b`).subscription;
    const b = await register(again, await tokenAuth('jack'));
    assert.equal(await register(again, await tokenAuth('jack')), b);
    const listing = await call('GET', '/users/jack/push/subscriptions', undefined, secret);
    assert.equal(listing.status, 200);
    assert.deepEqual(listing.json.subscriptions.map((s: { id: string }) => s.id).sort(), [a, b].sort());
    for (const s of listing.json.subscriptions) {
      assert.deepEqual(Object.keys(s).sort(), ['createdAt', 'expirationTime', 'id', 'pushService', 'user']);
      assert.equal(s.pushService, service.origin);
    }
    assert.equal((await call('GET', '/users/jack/push/subscriptions', undefined, 'Bearer wrong')).status, 401);
    assert.equal((await call('DELETE', `/push/subscriptions/${a}`, undefined, secret)).status, 204);
    assert.equal((await call('DELETE', `/push/subscriptions/${a}`, undefined, secret)).json.error.code, 'push_subscription_not_found');
    assert.deepEqual((await call('DELETE', '/users/jack/push/subscriptions', undefined, secret)).json, { removed: 1 });
  });

  it('refuses push content beyond what a Web Push message can carry', async () => {
    await assert.rejects(
      publish({ to: { users: ['kim'] }, module: 'm', type: 'big', push: { title: 'Big', body: 'x'.repeat(4000) } }),
      (err: { code?: string; status?: number }) => err.code === 'payload_too_large' && err.status === 413,
    );
  });

  it('serves the VAPID public key, the service worker, the browser SDK and the demo page', async () => {
    const key = await fetch(appUrl('/push/key'));
    assert.equal(key.headers.get('access-control-allow-origin'), '*');
    assert.equal(Buffer.from(((await key.json()) as { publicKey: string }).publicKey, 'base64url').length, 65);
    assert.equal((await fetch(`${server.url}/v1/apps/nope/push/key`)).status, 404);
    const assets: Array<[string, RegExp, RegExp]> = [
      ['/herald-sw.js', /^text\/javascript/, /addEventListener\('push'/],
      ['/sdk/herald-client.js', /^text\/javascript/, /createPush/],
      ['/demo/push', /^text\/html/, /\/sdk\/herald-client\.js/],
    ];
    for (const [path, type, content] of assets) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', type, path);
      assert.match(await res.text(), content, path);
    }
  });
});

describe('VAPID keys of the real server', () => {
  it('generates one key pair per app on first start, stores it in the app settings and keeps it across restarts', async () => {
    const dir = tempDir();
    const config = join(dir.path, 'herald.json');
    writeFileSync(config, JSON.stringify({ apps: [{ id: 'one', key: 'k1', secret: 's1' }, { id: 'two', key: 'k2', secret: 's2' }] }));
    const env = { HERALD_CONFIG: config, HERALD_DATA_DIR: dir.path, HERALD_PORT: String(await freePort()) };
    const keysOf = async (server: ServerProcess) =>
      Promise.all(['one', 'two'].map(async (app) => ((await (await fetch(`${server.url}/v1/apps/${app}/push/key`)).json()) as { publicKey: string }).publicKey));
    try {
      let server = await startServerProcess(env);
      const first = await keysOf(server);
      await server.kill('SIGTERM');
      assert.notEqual(first[0], first[1], 'each app has its own pair');

      const db = new Database(join(dir.path, 'herald.db'), { readonly: true });
      const rows = db.prepare('SELECT id, settings FROM apps ORDER BY id').all() as Array<{ id: string; settings: string }>;
      db.close();
      const stored = rows.map((r) => (JSON.parse(r.settings) as { vapid: Record<string, string> }).vapid);
      assert.deepEqual(stored.map((v) => Object.keys(v).sort()), [['privateKey', 'publicKey', 'subject'], ['privateKey', 'publicKey', 'subject']]);
      assert.deepEqual(stored.map((v) => v.publicKey), first);
      assert.deepEqual(stored.map((v) => v.subject), ['mailto:admin@localhost', 'mailto:admin@localhost']);
      for (const v of stored) assert.equal(Buffer.from(v.privateKey!, 'base64url').length, 32);

      server = await startServerProcess(env);
      assert.deepEqual(await keysOf(server), first, 'the same keys after a restart');
      await server.kill('SIGTERM');
    } finally {
      dir.remove();
    }
  });

  it('refuses to start with a configured key pair whose halves do not belong together', async () => {
    const dir = tempDir();
    try {
      const env = serverEnv(dir.path, await freePort(), {
        HERALD_VAPID_PUBLIC_KEY: 'BEC44-VxBkvSOgfvWfpRqM3-AXxGlsT3ggOkhfL4HTa0i2o2lpZA5uKv3M4_VhvnKU_Vq6eJdKgYtYzDZ4XmLng',
        HERALD_VAPID_PRIVATE_KEY: Buffer.alloc(32, 7).toString('base64url'),
      });
      await assert.rejects(startServerProcess(env), /does not belong to the private key/);
    } finally {
      dir.remove();
    }
  });
});

describe('Web Push and graceful shutdown', () => {
  it('gives a waiting retry up at shutdown without delaying the stop, and counts it failed', async () => {
    const dir = tempDir();
    const service = await startPushService();
    const env = serverEnv(dir.path, await freePort(), {
      NODE_EXTRA_CA_CERTS: service.caFile,
      HERALD_PUSH_ENDPOINT_HOSTS: '127.0.0.1',
      HERALD_PUSH_RETRY_MAX_MS: '60000',
    });
    try {
      let server = await startServerProcess(env);
      let sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });
      const token = await sdk.createToken({ user: 'max' });
      const res = await fetch(`${server.url}/v1/apps/${TEST_APP.id}/push/subscriptions`, {
        method: 'POST',
        headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(fakeBrowser(`${service.origin}/max`).subscription),
      });
      assert.equal(res.status, 201);
      service.script('/max', { status: 429, headers: { 'retry-after': '50' } });
      const { id } = await sdk.publish({ to: { users: ['max'] }, module: 'm', type: 'stop', push: { title: 'Bye' } });
      for (let i = 0; service.to('/max').length === 0; i++) {
        assert.ok(i < 500, 'the first push never arrived');
        await new Promise((r) => setTimeout(r, 10));
      }
      const stopping = Date.now();
      assert.equal(await server.kill('SIGTERM'), 0);
      assert.ok(Date.now() - stopping < 5_000, `stopping took ${Date.now() - stopping} ms`);

      server = await startServerProcess(env);
      sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });
      assert.deepEqual((await sdk.status(id)).push, { sent: 0, failed: 1, removed: 0 });
      assert.equal(service.to('/max').length, 1);
      await server.kill('SIGTERM');
    } finally {
      await service.close();
      dir.remove();
    }
  });
});
