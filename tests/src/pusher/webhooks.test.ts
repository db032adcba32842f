// Pusher webhooks from the real server to local receivers that validate them with the `pusher` SDK's WebHook.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel } from 'pusher-js';
import { MAIN, Pusher, pusherClient, serverSdk, startBackend, startHerald, startWebhookReceiver, waitUntil, type Backend, type HeraldPusher, type WebhookReceiver } from './fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function events(receiver: WebhookReceiver, name: string, channel: string): Array<Record<string, unknown>> {
  return receiver.received.flatMap((r) => r.events).filter((e) => e['name'] === name && e['channel'] === channel);
}

describe('Pusher webhooks', () => {
  let herald: HeraldPusher;
  let backend: Backend;
  let all: WebhookReceiver;
  let membersOnly: WebhookReceiver;
  const clients: Pusher[] = [];
  const client = (user = 'anonymous'): Pusher => {
    const c = pusherClient(herald.port, MAIN, { channelAuthorization: { endpoint: `${backend.url}/pusher/auth`, transport: 'ajax', params: { user } } });
    clients.push(c);
    return c;
  };
  const subscribed = async (c: Pusher, name: string): Promise<Channel> => {
    const channel = c.subscribe(name);
    await waitUntil(() => channel.subscribed, `subscription to ${name}`);
    return channel;
  };

  before(async () => {
    // The receivers validate with an SDK for the app; the port does not matter to validation.
    all = await startWebhookReceiver(serverSdk(1, MAIN));
    membersOnly = await startWebhookReceiver(serverSdk(1, MAIN));
    herald = await startHerald({ webhooks: [{ url: all.url }, { url: membersOnly.url, events: ['member_added'] }], webhookBatchMs: 100 });
    backend = await startBackend(herald.port);
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await backend.close();
    await herald.stop();
    await all.close();
    await membersOnly.close();
  });

  it('posts channel_occupied and channel_vacated, signed (X-Pusher-Key, X-Pusher-Signature) and valid for the pusher SDK', async () => {
    const c = client();
    await subscribed(c, 'hook-1');
    await waitUntil(() => events(all, 'channel_occupied', 'hook-1').length === 1, 'channel_occupied');
    c.unsubscribe('hook-1');
    await waitUntil(() => events(all, 'channel_vacated', 'hook-1').length === 1, 'channel_vacated');
    assert.ok(all.received.length > 0);
    assert.ok(all.received.every((r) => r.valid), 'every webhook validates');
    assert.ok(all.received.every((r) => r.contentType === 'application/json'));
  });

  it('posts member_added and member_removed once per user, not per connection', async () => {
    const tab1 = client('wa');
    const tab2 = client('wa');
    const other = client('wb');
    await subscribed(tab1, 'presence-hooks');
    await subscribed(tab2, 'presence-hooks');
    await subscribed(other, 'presence-hooks');
    await waitUntil(() => events(all, 'member_added', 'presence-hooks').length === 2, 'two member_added');
    tab1.disconnect();
    tab2.disconnect();
    await waitUntil(() => events(all, 'member_removed', 'presence-hooks').length === 1, 'member_removed');
    await sleep(300);
    assert.deepEqual(events(all, 'member_added', 'presence-hooks').map((e) => e['user_id']).sort(), ['wa', 'wb']);
    assert.deepEqual(events(all, 'member_removed', 'presence-hooks').map((e) => e['user_id']), ['wa']);
    assert.equal(events(all, 'channel_vacated', 'presence-hooks').length, 0, 'wb is still there');
  });

  it('posts client_event with the event, data, socket_id and the sender user_id on presence channels', async () => {
    const a = client('ca');
    const b = client('cb');
    const ca = await subscribed(a, 'presence-whisper');
    await subscribed(b, 'presence-whisper');
    ca.trigger('client-note', { text: 'hi' });
    await waitUntil(() => events(all, 'client_event', 'presence-whisper').length === 1, 'client_event');
    const [e] = events(all, 'client_event', 'presence-whisper');
    assert.deepEqual(e, { name: 'client_event', channel: 'presence-whisper', event: 'client-note', data: '{"text":"hi"}', socket_id: a.connection.socket_id, user_id: 'ca' });
  });

  it('posts cache_miss when a cache channel has nothing to replay', async () => {
    await subscribed(client(), 'cache-hooks');
    await waitUntil(() => events(all, 'cache_miss', 'cache-hooks').length === 1, 'cache_miss');
  });

  it('batches events of the same moment into one POST', async () => {
    const c = client();
    const before = all.received.length;
    for (let i = 0; i < 5; i++) c.subscribe(`batch-${i}`);
    await waitUntil(() => [0, 1, 2, 3, 4].every((i) => events(all, 'channel_occupied', `batch-${i}`).length === 1), 'five channel_occupied');
    const posts = all.received.slice(before).filter((r) => r.events.some((e) => String(e['channel']).startsWith('batch-')));
    assert.ok(posts.length < 5, `${posts.length} POSTs for 5 events`);
    assert.ok(posts.some((r) => r.events.length > 1));
  });

  it('sends a webhook only the event types it asked for', async () => {
    await waitUntil(() => membersOnly.received.length > 0, 'the member_added webhook');
    const names = new Set(membersOnly.received.flatMap((r) => r.events.map((e) => e['name'])));
    assert.deepEqual([...names], ['member_added']);
  });
});

describe('Pusher webhooks retries', () => {
  it('retries a failing receiver with growing delays until it accepts', async () => {
    const receiver = await startWebhookReceiver(serverSdk(1, MAIN), 2);
    const herald = await startHerald({ webhooks: [{ url: receiver.url, events: ['channel_occupied'] }], webhookBatchMs: 0, webhookRetryMs: 200 });
    const c = pusherClient(herald.port, MAIN);
    try {
      c.subscribe('retry-me');
      await waitUntil(() => receiver.received.length === 1, 'the webhook after two failures', 10_000);
      assert.equal(receiver.attempts.length, 3);
      const [t0, t1, t2] = receiver.attempts as [number, number, number];
      assert.ok(t1 - t0 >= 150, `first retry after ${t1 - t0} ms`);
      assert.ok(t2 - t1 > (t1 - t0) * 1.4, `back-off grows: ${t1 - t0} ms then ${t2 - t1} ms`);
      assert.ok(receiver.received[0]!.valid);
      assert.deepEqual(receiver.received[0]!.events, [{ name: 'channel_occupied', channel: 'retry-me' }]);
    } finally {
      c.disconnect();
      await herald.stop();
      await receiver.close();
    }
  });
});
