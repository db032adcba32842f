// One channel concept: native client SDK subscribers and pusher-js subscribers of the same channels, fed by either API.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel as PusherChannel, PresenceChannel } from 'pusher-js';
import type PusherServer from 'pusher';
import { Herald, HeraldApiError } from '@herald/server-sdk';
import { createClient, State, type Channel, type ChannelAuthOption, type HeraldClient } from '@herald/client/node';
import { MAIN, Pusher, nextEvent, pusherClient, serverSdk, startBackend, startHerald, waitUntil, type Backend, type HeraldPusher } from './fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('native channels beside Pusher channels', () => {
  let herald: HeraldPusher;
  let sdk: PusherServer;
  let herald$: Herald;
  let backend: Backend;
  const natives: HeraldClient[] = [];
  const pushers: Pusher[] = [];

  const native = async (user: string, channelAuth?: ChannelAuthOption): Promise<HeraldClient> => {
    const token = await herald$.createToken({ user });
    const c = createClient({ url: `http://127.0.0.1:${herald.port}`, token, backoff: { min: 50, max: 300 }, ...(channelAuth ? { channelAuth } : {}) });
    natives.push(c);
    await waitUntil(() => c.state === State.Connected, 'the native client to connect');
    return c;
  };
  /** Signs as `user` with the pusher SDK, as an application's auth endpoint would. */
  const signAs = (user: string): ChannelAuthOption => async ({ socketId, channel }) =>
    sdk.authorizeChannel(socketId, channel, channel.startsWith('presence-') ? { user_id: user, user_info: { name: user } } : undefined);
  const nativeSubscribed = async (c: HeraldClient, name: string): Promise<Channel> => {
    const channel = c.channels.subscribe(name);
    await waitUntil(() => channel.state === 'subscribed', `native subscription to ${name}`);
    return channel;
  };
  const pusherSubscribed = async (name: string, user = 'anonymous'): Promise<{ client: Pusher; channel: PusherChannel }> => {
    const client = pusherClient(herald.port, MAIN, { channelAuthorization: { endpoint: `${backend.url}/pusher/auth`, transport: 'ajax', params: { user } } });
    pushers.push(client);
    const channel = client.subscribe(name);
    await waitUntil(() => channel.subscribed, `pusher-js subscription to ${name}`);
    return { client, channel };
  };
  const nextNative = (channel: Channel, event: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} on ${channel.name}`)), 5000);
      const off = channel.bind(event, (data) => {
        clearTimeout(timer);
        off();
        resolve(data);
      });
    });

  before(async () => {
    herald = await startHerald();
    sdk = serverSdk(herald.port);
    herald$ = new Herald({ url: `http://127.0.0.1:${herald.port}`, appId: MAIN.id, secret: MAIN.secret });
    backend = await startBackend(herald.port);
  });
  after(async () => {
    for (const c of natives) c.close();
    for (const p of pushers) p.disconnect();
    await backend.close();
    await herald.stop();
  });

  it('delivers a native publish addressed to.channels to pusher-js subscribers as event `type`, data = the notification', async () => {
    const { channel } = await pusherSubscribed('updates');
    const got = nextEvent<Record<string, unknown>>(channel, 'report.ready');
    const result = await herald$.publish({ to: { channels: ['updates'] }, module: 'reports', type: 'report.ready', data: { report: 12 } });
    assert.equal(result.recipients, 1);
    const event = await got;
    assert.equal(event['id'], result.id);
    assert.equal(event['module'], 'reports');
    assert.equal(event['type'], 'report.ready');
    assert.deepEqual(event['data'], { report: 12 });
  });

  it('delivers Pusher API events to native subscribers of a public channel, and native publishes to both kinds', async () => {
    const c = await native('reader');
    const channel = await nativeSubscribed(c, 'mixed');
    const { channel: pusherChannel } = await pusherSubscribed('mixed');
    const fromPusher = nextNative(channel, 'headline');
    await sdk.trigger('mixed', 'headline', { title: 'from the pusher SDK' });
    assert.deepEqual(await fromPusher, { title: 'from the pusher SDK' });
    const nativeGot = nextNative(channel, 'note');
    const pusherGot = nextEvent<{ data: unknown }>(pusherChannel, 'note');
    await herald$.publish({ to: { channels: ['mixed'] }, module: 'm', type: 'note', data: 'both' });
    assert.equal(((await nativeGot) as { data: unknown }).data, 'both');
    assert.equal((await pusherGot).data, 'both');
  });

  it('authorizes native private subscriptions through the application auth endpoint (the pusher-js request format)', async () => {
    const c = await native('owner', { endpoint: `${backend.url}/pusher/auth` });
    const channel = await nativeSubscribed(c, 'private-ledger');
    const got = nextNative(channel, 'entry');
    await sdk.trigger('private-ledger', 'entry', { amount: 5 });
    assert.deepEqual(await got, { amount: 5 });
  });

  it('refuses a native subscription with a forged signature with subscription_error channel_unauthorized', async () => {
    const c = await native('forger', async () => ({ auth: `${MAIN.key}:${'f'.repeat(64)}` }));
    const channel = c.channels.subscribe('private-vault');
    const error = await new Promise<{ code: string }>((resolve) => channel.on('error', resolve));
    assert.equal(error.code, 'channel_unauthorized');
    assert.equal(channel.state, 'failed');
  });

  it('shows native and pusher-js presence members to each other, counted per user', async () => {
    const alice = await native('alice', signAs('alice'));
    const room = await nativeSubscribed(alice, 'presence-lobby');
    assert.deepEqual([...room.members.keys()], ['alice']);
    const joined: string[] = [];
    const left: string[] = [];
    room.on('member_added', (m) => joined.push(m.id));
    room.on('member_removed', (m) => left.push(m.id));
    const bob = await pusherSubscribed('presence-lobby', 'bob');
    await waitUntil(() => joined.length === 1, 'member_added bob');
    assert.equal((bob.channel as PresenceChannel).members.count, 2);
    assert.deepEqual((bob.channel as PresenceChannel).members.get('alice'), { id: 'alice', info: { name: 'alice' } });
    const alice2 = await native('alice', signAs('alice'));
    await nativeSubscribed(alice2, 'presence-lobby');
    assert.equal((bob.channel as PresenceChannel).members.count, 2, 'a second alice connection is no new member');
    bob.client.disconnect();
    await waitUntil(() => left.length === 1, 'member_removed bob');
    assert.deepEqual(joined, ['bob']);
    assert.deepEqual(left, ['bob']);
    alice2.close();
  });

  it('relays client events between native and pusher-js subscribers in both directions, never echoed', async () => {
    const n = await native('nat', signAs('nat'));
    const channel = await nativeSubscribed(n, 'private-bridge');
    const { channel: pusherChannel } = await pusherSubscribed('private-bridge', 'pjs');
    const seenByNative: unknown[] = [];
    channel.bind('client-from-native', (d) => seenByNative.push(d));
    const toPusher = nextEvent(pusherChannel, 'client-from-native');
    assert.ok(channel.trigger('client-from-native', { hi: 'pusher' }));
    assert.deepEqual(await toPusher, { hi: 'pusher' });
    const toNative = nextNative(channel, 'client-from-pusher');
    pusherChannel.trigger('client-from-pusher', { hi: 'native' });
    assert.deepEqual(await toNative, { hi: 'native' });
    await sleep(150);
    assert.deepEqual(seenByNative, []);
  });

  it('skips the session named by to.except on its channel subscriptions', async () => {
    const sender = await native('sender');
    const other = await native('other');
    const senderChannel = await nativeSubscribed(sender, 'except-room');
    const otherChannel = await nativeSubscribed(other, 'except-room');
    let senderGot = false;
    senderChannel.bind('ping', () => (senderGot = true));
    const got = nextNative(otherChannel, 'ping');
    await herald$.publish({ to: { channels: ['except-room'], except: sender.sessionId! }, module: 'm', type: 'ping' });
    await got;
    await sleep(150);
    assert.equal(senderGot, false);
  });

  it('subscribes native channels again after a reconnect', async () => {
    const c = await native('again');
    const channel = await nativeSubscribed(c, 'durable-sub');
    c.disconnect();
    assert.notEqual(channel.state, 'subscribed');
    c.connect();
    await waitUntil(() => channel.state === 'subscribed', 'the subscription to come back');
    const got = nextNative(channel, 'after');
    await sdk.trigger('durable-sub', 'after', { ok: true });
    assert.deepEqual(await got, { ok: true });
  });

  it('refuses an invalid channel name in to.channels with 400 invalid_channel', async () => {
    await assert.rejects(
      herald$.publish({ to: { channels: ['not a channel'] }, module: 'm', type: 't' }),
      (err: unknown) => err instanceof HeraldApiError && err.code === 'invalid_channel' && err.status === 400,
    );
  });
});
