// The Pusher HTTP API against the real server, with the official `pusher` server SDK and hand-signed requests for the refusals.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import type { Channel } from 'pusher-js';
import PusherServer from 'pusher';
import { MAIN, TIGHT, Pusher, nextEvent, pusherClient, serverSdk, startBackend, startHerald, waitUntil, type Backend, type HeraldPusher, type TestApp } from './fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A request signed by hand (independently of both SDK and server code), with a chosen timestamp. */
function signedUrl(port: number, app: TestApp, method: string, path: string, body: string, timestamp: number, md5Of = body): string {
  const params: Record<string, string> = { auth_key: app.key, auth_timestamp: String(timestamp), auth_version: '1.0' };
  if (body) params['body_md5'] = createHash('md5').update(md5Of).digest('hex');
  const query = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join('&');
  const signature = createHmac('sha256', app.secret).update(`${method}\n${path}\n${query}`).digest('hex');
  return `http://127.0.0.1:${port}${path}?${query}&auth_signature=${signature}`;
}

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    const res = (await promise) as { status: number };
    return res.status;
  } catch (err) {
    return (err as { status?: number }).status ?? -1;
  }
}

describe('Pusher HTTP API with the pusher server SDK', () => {
  let herald: HeraldPusher;
  let sdk: PusherServer;
  let backend: Backend;
  const clients: Pusher[] = [];
  const subscribed = async (name: string, user = 'anonymous'): Promise<Channel> => {
    const c = pusherClient(herald.port, MAIN, { channelAuthorization: { endpoint: `${backend.url}/pusher/auth`, transport: 'ajax', params: { user } } });
    clients.push(c);
    const channel = c.subscribe(name);
    await waitUntil(() => channel.subscribed, `subscription to ${name}`);
    return channel;
  };

  before(async () => {
    herald = await startHerald();
    sdk = serverSdk(herald.port);
    backend = await startBackend(herald.port);
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await backend.close();
    await herald.stop();
  });

  it('answers trigger and triggerBatch with 200 and {} and delivers each event to its channel', async () => {
    const a = await subscribed('api-a');
    const b = await subscribed('api-b');
    const gotA = nextEvent(a, 'one');
    const gotB = nextEvent(b, 'two');
    const res = await sdk.triggerBatch([
      { channel: 'api-a', name: 'one', data: { n: 1 } },
      { channel: 'api-b', name: 'two', data: 'plain text' },
    ]);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
    assert.deepEqual(await gotA, { n: 1 });
    assert.equal(await gotB, 'plain text');
  });

  it('returns user_count and subscription_count per channel when a trigger asks for info', async () => {
    await subscribed('presence-info', 'u1');
    await subscribed('presence-info', 'u2');
    await subscribed('info-public');
    await subscribed('info-public');
    const res = await sdk.trigger(['presence-info', 'info-public'], 'ev', {}, { info: 'user_count,subscription_count' });
    assert.deepEqual(await res.json(), { channels: { 'presence-info': { user_count: 2 }, 'info-public': { subscription_count: 2 } } });
    const batch = await sdk.triggerBatch([{ channel: 'info-public', name: 'ev', data: {}, info: 'subscription_count' }, { channel: 'nobody', name: 'ev', data: {} }]);
    assert.deepEqual(await batch.json(), { batch: [{ subscription_count: 2 }, {}] });
  });

  it('lists occupied channels, filtered by prefix, with user_count for presence channels', async () => {
    await subscribed('presence-list', 'x');
    await subscribed('list-me');
    const all = (await (await sdk.get({ path: '/channels' })).json()) as { channels: Record<string, object> };
    assert.ok('list-me' in all.channels && 'presence-list' in all.channels);
    const presence = (await (await sdk.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } })).json()) as { channels: Record<string, { user_count?: number }> };
    assert.ok(Object.keys(presence.channels).every((n) => n.startsWith('presence-')));
    assert.equal(presence.channels['presence-list']?.user_count, 1);
    assert.equal(await statusOf(sdk.get({ path: '/channels', params: { info: 'user_count' } })), 400, 'user_count needs the presence- filter');
  });

  it('reports one channel: occupied, subscription_count, user_count, and the cached event', async () => {
    await subscribed('one-channel');
    assert.deepEqual(await (await sdk.get({ path: '/channels/one-channel', params: { info: 'subscription_count' } })).json(), { occupied: true, subscription_count: 1 });
    assert.deepEqual(await (await sdk.get({ path: '/channels/empty-channel' })).json(), { occupied: false });
    await subscribed('presence-one', 'solo');
    assert.deepEqual(await (await sdk.get({ path: '/channels/presence-one', params: { info: 'user_count' } })).json(), { occupied: true, user_count: 1 });
    assert.equal(await statusOf(sdk.get({ path: '/channels/one-channel', params: { info: 'user_count' } })), 400, 'user_count is for presence channels');
    await sdk.trigger('cache-quote', 'q', { v: 3 });
    const cached = (await (await sdk.get({ path: '/channels/cache-quote', params: { info: 'cache' } })).json()) as { cache: { data: string; ttl: number } };
    assert.equal(cached.cache.data, '{"v":3}');
    assert.ok(cached.cache.ttl > 0);
  });

  it('lists the users of a presence channel, and refuses the users of other channels with 400', async () => {
    await subscribed('presence-users', 'p1');
    await subscribed('presence-users', 'p2');
    await subscribed('presence-users', 'p2');
    const users = (await (await sdk.get({ path: '/channels/presence-users/users' })).json()) as { users: Array<{ id: string }> };
    assert.deepEqual(users.users.map((u) => u.id).sort(), ['p1', 'p2']);
    assert.equal(await statusOf(sdk.get({ path: '/channels/api-a/users' })), 400);
  });

  it('refuses a request signed with the wrong secret with 401', async () => {
    const wrong = new PusherServer({ appId: MAIN.id, key: MAIN.key, secret: 'not-the-secret', host: '127.0.0.1', port: String(herald.port), useTLS: false });
    assert.equal(await statusOf(wrong.trigger('news', 'e', {})), 401);
    assert.equal(await statusOf(wrong.get({ path: '/channels' })), 401);
  });

  it('refuses a timestamp more than 600 s from the server clock with 401, and accepts a fresh one', async () => {
    const body = JSON.stringify({ name: 'e', channels: ['ts'], data: '{}' });
    const now = Math.floor(Date.now() / 1000);
    const post = (ts: number) => fetch(signedUrl(herald.port, MAIN, 'POST', '/apps/main/events', body, ts), { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    assert.equal((await post(now)).status, 200, 'the hand signing is right');
    const stale = await post(now - 660);
    assert.equal(stale.status, 401);
    assert.match(await stale.text(), /Timestamp expired/);
    assert.equal((await post(now + 660)).status, 401);
  });

  it('refuses a body that does not match its body_md5 with 401', async () => {
    const body = JSON.stringify({ name: 'e', channels: ['md5'], data: '{}' });
    const url = signedUrl(herald.port, MAIN, 'POST', '/apps/main/events', body, Math.floor(Date.now() / 1000), '{"tampered":true}');
    assert.equal((await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).status, 401);
  });

  it('refuses event data over the app limit with 413', async () => {
    assert.equal(await statusOf(sdk.trigger('big', 'e', 'x'.repeat(10 * 1024 + 1))), 413);
    assert.equal(await statusOf(sdk.trigger('big', 'e', 'x'.repeat(10 * 1024 - 2))), 200);
    assert.equal(await statusOf(serverSdk(herald.port, TIGHT).trigger('big', 'e', 'x'.repeat(1100))), 413, 'the tight app allows 1024 bytes');
  });

  it('answers a request for an unknown app with 404', async () => {
    const ghost = new PusherServer({ appId: 'ghost', key: 'ghost-key', secret: 'ghost-secret', host: '127.0.0.1', port: String(herald.port), useTLS: false });
    assert.equal(await statusOf(ghost.trigger('news', 'e', {})), 404);
  });

  it('refuses events over the backend quota with 429, and accepts again in the next second', async () => {
    const tight = serverSdk(herald.port, TIGHT);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push(await statusOf(tight.trigger('quota', 'e', { i })));
    assert.ok(statuses.includes(429), `statuses ${statuses.join()}`);
    assert.ok(statuses.filter((s) => s === 200).length <= 5, 'at most 5 per second');
    await sleep(1100);
    assert.equal(await statusOf(tight.trigger('quota', 'e', {})), 200);
  });

  it('refuses invalid events with 400: missing name, non-string data, bad channel name, too many channels, an 11-event batch', async () => {
    // The SDK JSON-encodes `body` itself; its typings say string.
    const post = (path: string, body: object) => sdk.post({ path, body: body as unknown as string });
    assert.equal(await statusOf(post('/events', { data: '{}', channels: ['a'] })), 400);
    assert.equal(await statusOf(post('/events', { name: 'e', data: { not: 'a string' }, channels: ['a'] })), 400);
    assert.equal(await statusOf(post('/events', { name: 'e', data: '{}', channels: ['bad name!'] })), 400);
    assert.equal(await statusOf(post('/events', { name: 'e', data: '{}', channels: Array.from({ length: 101 }, (_, i) => `c${i}`) })), 400);
    const batch = Array.from({ length: 11 }, (_, i) => ({ channel: `c${i}`, name: 'e', data: '{}' }));
    assert.equal(await statusOf(post('/batch_events', { batch })), 400);
  });
});
