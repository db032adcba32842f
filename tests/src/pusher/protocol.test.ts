// Pusher protocol 7 against the real server, with the official pusher-js (Node build) and raw WebSockets for the wire details.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Channel, PresenceChannel } from 'pusher-js';
import type PusherServer from 'pusher';
import {
  CAPPED, MAIN, QUIET, TIGHT, Pusher, connected, nextEvent, pusherClient, rawSocket, serverSdk, startBackend, startHerald, waitUntil,
  type Backend, type HeraldPusher, type RawSocket,
} from './fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Pusher protocol 7 with pusher-js', () => {
  let herald: HeraldPusher;
  let sdk: PusherServer;
  let backend: Backend;
  const clients: Pusher[] = [];
  const sockets: RawSocket[] = [];

  /** A pusher-js client authorizing through the backend as `user`. */
  const client = (user = 'anonymous', app = MAIN): Pusher => {
    const c = pusherClient(herald.port, app, {
      channelAuthorization: { endpoint: `${backend.url}/pusher/auth?app=${app.id}`, transport: 'ajax', params: { user } },
      userAuthentication: { endpoint: `${backend.url}/pusher/user-auth?app=${app.id}`, transport: 'ajax', params: { user } },
    });
    clients.push(c);
    return c;
  };
  const raw = async (path: string): Promise<RawSocket> => {
    const s = await rawSocket(herald.port, path);
    sockets.push(s);
    return s;
  };
  const subscribed = async (c: Pusher, name: string): Promise<Channel> => {
    const channel = c.subscribe(name);
    await waitUntil(() => channel.subscribed, `subscription to ${name}`);
    return channel;
  };
  const errors = (c: Pusher): Array<{ code: number | null; message: string }> => {
    const seen: Array<{ code: number | null; message: string }> = [];
    c.connection.bind('error', (e: { type: string; data?: { code: number | null; message: string } }) => {
      if (e.type === 'PusherError' && e.data) seen.push(e.data);
    });
    return seen;
  };

  before(async () => {
    herald = await startHerald();
    sdk = serverSdk(herald.port);
    backend = await startBackend(herald.port);
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    for (const s of sockets) s.ws.terminate();
    await backend.close();
    await herald.stop();
  });

  it('sends connection_established with a digits.digits socket_id and an activity_timeout, data double-encoded', async () => {
    const s = await raw(`/app/${MAIN.key}?protocol=7&client=js&version=8.6.0&flash=false`);
    const first = await s.waitFor((f) => f.event === 'pusher:connection_established', 'connection_established');
    assert.equal(typeof first.data, 'string');
    const data = JSON.parse(first.data as string) as { socket_id: string; activity_timeout: number };
    assert.match(data.socket_id, /^\d+\.\d+$/);
    assert.equal(data.activity_timeout, 120);
  });

  it('handles frames that arrive with the upgrade request, before connection_established, after sending it', async () => {
    // One TCP write: the upgrade request and two masked client frames, so they reach the server while it looks the app up.
    const socket = connect(herald.port, '127.0.0.1');
    const frame = (text: string) => {
      const payload = Buffer.from(text);
      const mask = Buffer.from([1, 2, 3, 4]);
      const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
      return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
    };
    const request = [
      `GET /app/${MAIN.key}?protocol=7 HTTP/1.1`, `Host: 127.0.0.1:${herald.port}`, 'Upgrade: websocket', 'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', '', '',
    ].join('\r\n');
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(Buffer.concat([Buffer.from(request), frame('{"event":"pusher:subscribe","data":{"channel":"early"}}'), frame('{"event":"pusher:ping","data":{}}')]));
    try {
      await waitUntil(() => received.includes('pusher:pong'), 'the answers to the early frames');
      const text = received.toString('latin1');
      const [established, subscribed, pong] = ['pusher:connection_established', 'pusher_internal:subscription_succeeded', 'pusher:pong'].map((e) => text.indexOf(e));
      assert.ok(established! > 0, `connection_established first: ${text}`);
      assert.ok(subscribed! > established! && pong! > established!, `both early frames answered after it: ${text}`);
    } finally {
      socket.destroy();
    }
  });

  it('answers pusher:ping with pusher:pong', async () => {
    const s = await raw(`/app/${MAIN.key}?protocol=7`);
    s.send({ event: 'pusher:ping', data: {} });
    await s.waitFor((f) => f.event === 'pusher:pong', 'pong');
  });

  it('refuses an unknown app key with pusher:error 4001 and close code 4001', async () => {
    const s = await raw('/app/no-such-key?protocol=7');
    const error = await s.waitFor((f) => f.event === 'pusher:error', 'the error');
    assert.equal((error.data as { code: number }).code, 4001);
    await waitUntil(() => s.closeCode !== null, 'the close');
    assert.equal(s.closeCode, 4001);
  });

  it('refuses an unsupported protocol version with 4007', async () => {
    const s = await raw(`/app/${MAIN.key}?protocol=3`);
    await waitUntil(() => s.closeCode !== null, 'the close');
    assert.equal(s.closeCode, 4007);
  });

  it('reports a malformed message with pusher:error and keeps the connection open', async () => {
    const s = await raw(`/app/${MAIN.key}?protocol=7`);
    s.ws.send('this is not json');
    await s.waitFor((f) => f.event === 'pusher:error', 'the error');
    s.send({ event: 'pusher:ping', data: {} });
    await s.waitFor((f) => f.event === 'pusher:pong', 'pong after the error');
    assert.equal(s.closeCode, null);
  });

  it('delivers events triggered with the pusher SDK to public channel subscribers', async () => {
    const c = client();
    const channel = await subscribed(c, 'news');
    const got = nextEvent(channel, 'headline');
    const res = await sdk.trigger('news', 'headline', { title: 'hello' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
    assert.deepEqual(await got, { title: 'hello' });
  });

  it('authorizes private channels through the application auth endpoint', async () => {
    const c = client('alice');
    const channel = await subscribed(c, 'private-orders');
    const got = nextEvent(channel, 'shipped');
    await sdk.trigger('private-orders', 'shipped', { id: 42 });
    assert.deepEqual(await got, { id: 42 });
  });

  it('answers a forged private-channel signature with pusher:subscription_error (AuthError, 401) and delivers nothing', async () => {
    const c = pusherClient(herald.port, MAIN, {
      channelAuthorization: { endpoint: 'unused', transport: 'ajax', customHandler: (_params, callback) => callback(null, { auth: `${MAIN.key}:${'0'.repeat(64)}` }) },
    });
    clients.push(c);
    const channel = c.subscribe('private-forged');
    const error = await nextEvent<{ type: string; status: number; error: string }>(channel, 'pusher:subscription_error');
    assert.equal(error.type, 'AuthError');
    assert.equal(error.status, 401);
    let leaked = false;
    channel.bind('secret', () => (leaked = true));
    await sdk.trigger('private-forged', 'secret', {});
    await sleep(200);
    assert.equal(leaked, false);
    assert.equal(channel.subscribed, false);
  });

  it('surfaces an auth endpoint refusal as pusher:subscription_error with its status', async () => {
    const c = client('mallory');
    const error = await nextEvent<{ type: string; status: number }>(c.subscribe('private-forbidden-vault'), 'pusher:subscription_error');
    assert.equal(error.status, 403);
  });

  it('excludes the connection named by socket_id from a triggered event', async () => {
    const a = client();
    const b = client();
    const [ca, cb] = [await subscribed(a, 'excl'), await subscribed(b, 'excl')];
    let aGot = false;
    ca.bind('e', () => (aGot = true));
    const got = nextEvent(cb, 'e');
    await sdk.trigger('excl', 'e', { n: 1 }, { socket_id: a.connection.socket_id });
    await got;
    await sleep(150);
    assert.equal(aGot, false);
  });

  it('counts presence members per user: a second connection of the same user adds no member and removes none', async () => {
    const bob = client('bob');
    const bobRoom = (await subscribed(bob, 'presence-room')) as PresenceChannel;
    const added: string[] = [];
    const removed: string[] = [];
    bobRoom.bind('pusher:member_added', (m: { id: string }) => added.push(m.id));
    bobRoom.bind('pusher:member_removed', (m: { id: string }) => removed.push(m.id));
    const tab1 = client('alice');
    const room1 = (await subscribed(tab1, 'presence-room')) as PresenceChannel;
    await waitUntil(() => added.length === 1, 'member_added for alice');
    assert.deepEqual(added, ['alice']);
    assert.equal(room1.members.count, 2);
    assert.equal(room1.members.me.id, 'alice');
    const tab2 = client('alice');
    const room2 = (await subscribed(tab2, 'presence-room')) as PresenceChannel;
    assert.equal(room2.members.count, 2);
    const users = (await (await sdk.get({ path: '/channels/presence-room/users' })).json()) as { users: Array<{ id: string }> };
    assert.deepEqual(users.users.map((u) => u.id).sort(), ['alice', 'bob']);
    tab1.disconnect();
    await sleep(300);
    assert.deepEqual(removed, [], 'alice still has a connection');
    assert.deepEqual(added, ['alice'], 'the second tab added no member');
    tab2.disconnect();
    await waitUntil(() => removed.length === 1, 'member_removed for alice');
    assert.deepEqual(removed, ['alice']);
  });

  it('relays client events on private channels to the other subscribers, never back to the sender', async () => {
    const a = client('a');
    const b = client('b');
    const ca = await subscribed(a, 'private-chat');
    const cb = await subscribed(b, 'private-chat');
    let echoed = false;
    ca.bind('client-typing', () => (echoed = true));
    const got = nextEvent(cb, 'client-typing');
    assert.ok(ca.trigger('client-typing', { typing: true }));
    assert.deepEqual(await got, { typing: true });
    await sleep(200);
    assert.equal(echoed, false);
  });

  it('adds the sender user_id to client events on presence channels', async () => {
    const a = client('ann');
    const b = client('ben');
    const ca = await subscribed(a, 'presence-chat');
    const cb = await subscribed(b, 'presence-chat');
    const got = new Promise<{ data: unknown; userId: string }>((resolve) => cb.bind('client-hi', (data: unknown, meta: { user_id: string }) => resolve({ data, userId: meta.user_id })));
    ca.trigger('client-hi', { text: 'hi' });
    assert.deepEqual(await got, { data: { text: 'hi' }, userId: 'ann' });
  });

  it('refuses client events on public channels with pusher:error 4301 and relays nothing', async () => {
    const a = client();
    const b = client();
    const seen = errors(a);
    const ca = await subscribed(a, 'public-room');
    const cb = await subscribed(b, 'public-room');
    let relayed = false;
    cb.bind('client-x', () => (relayed = true));
    ca.trigger('client-x', {});
    await waitUntil(() => seen.length > 0, 'the refusal');
    assert.equal(seen[0]!.code, 4301);
    assert.match(seen[0]!.message, /private and presence/);
    await sleep(150);
    assert.equal(relayed, false);
    assert.equal(a.connection.state, 'connected');
  });

  it('refuses client events from a connection that has not subscribed to the channel', async () => {
    const s = await raw(`/app/${MAIN.key}?protocol=7`);
    await s.waitFor((f) => f.event === 'pusher:connection_established', 'connection_established');
    s.send({ event: 'client-sneak', channel: 'private-chat', data: {} });
    const error = await s.waitFor((f) => f.event === 'pusher:error', 'the refusal');
    assert.equal((error.data as { code: number }).code, 4301);
  });

  it('refuses client events when the app disables them', async () => {
    const a = client('q', QUIET);
    const seen = errors(a);
    const ca = await subscribed(a, 'private-quiet');
    ca.trigger('client-x', {});
    await waitUntil(() => seen.length > 0, 'the refusal');
    assert.match(seen[0]!.message, /disabled/);
  });

  it('rate limits client events per connection with pusher:error 4301, keeping the connection', async () => {
    const a = client('r1', TIGHT);
    const b = client('r2', TIGHT);
    const seen = errors(a);
    const ca = await subscribed(a, 'private-rate');
    const cb = await subscribed(b, 'private-rate');
    let relayed = 0;
    cb.bind('client-burst', () => relayed++);
    for (let i = 0; i < 6; i++) ca.trigger('client-burst', { i });
    await waitUntil(() => seen.length >= 3, 'three refusals');
    await sleep(200);
    assert.equal(relayed, 3, 'the limit is 3 per second');
    assert.ok(seen.every((e) => e.code === 4301));
    assert.equal(a.connection.state, 'connected');
    a.disconnect();
    b.disconnect();
  });

  it('replays the last event of a cache channel to a new subscriber, and sends pusher:cache_miss when there is none', async () => {
    const first = client();
    const miss = nextEvent(first.subscribe('cache-prices'), 'pusher:cache_miss');
    await miss;
    await sdk.trigger('cache-prices', 'price', { eur: 1.1 });
    const late = client();
    const replay = await nextEvent(late.subscribe('cache-prices'), 'price');
    assert.deepEqual(replay, { eur: 1.1 });
  });

  it('relays private-encrypted- channel events untouched (only the application holds the key)', async () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const encrypting = new (sdk.constructor as typeof PusherServer)({ appId: MAIN.id, key: MAIN.key, secret: MAIN.secret, host: '127.0.0.1', port: String(herald.port), useTLS: false, encryptionMasterKeyBase64: key });
    const s = await raw(`/app/${MAIN.key}?protocol=7`);
    const established = await s.waitFor((f) => f.event === 'pusher:connection_established', 'connection_established');
    const socketId = (JSON.parse(established.data as string) as { socket_id: string }).socket_id;
    const { auth } = encrypting.authorizeChannel(socketId, 'private-encrypted-box');
    s.send({ event: 'pusher:subscribe', data: { channel: 'private-encrypted-box', auth } });
    await s.waitFor((f) => f.event === 'pusher_internal:subscription_succeeded', 'subscription');
    await encrypting.trigger('private-encrypted-box', 'sealed', { secret: 1 });
    const frame = await s.waitFor((f) => f.event === 'sealed', 'the sealed event');
    const payload = JSON.parse(frame.data as string) as Record<string, string>;
    assert.deepEqual(Object.keys(payload).sort(), ['ciphertext', 'nonce']);
  });

  it('signs users in and delivers sendToUser only to the connections signed in as that user', async () => {
    const alice = client('alice-u');
    const bob = client('bob-u');
    alice.signin();
    bob.signin();
    await connected(alice);
    await connected(bob);
    await waitUntil(() => (alice.user as unknown as { user_data: unknown }).user_data !== null && (bob.user as unknown as { user_data: unknown }).user_data !== null, 'both sign-ins');
    let bobGot = false;
    bob.user.bind('private-note', () => (bobGot = true));
    // pusher-js subscribes to #server-to-user-{id} right after signin_success.
    await sleep(200);
    const got = nextEvent(alice.user, 'private-note');
    await sdk.sendToUser('alice-u', 'private-note', { text: 'for alice' });
    assert.deepEqual(await got, { text: 'for alice' });
    await sleep(150);
    assert.equal(bobGot, false);
  });

  it('refuses a #server-to-user- subscription from a connection not signed in as that user', async () => {
    const s = await raw(`/app/${MAIN.key}?protocol=7`);
    await s.waitFor((f) => f.event === 'pusher:connection_established', 'connection_established');
    s.send({ event: 'pusher:subscribe', data: { channel: '#server-to-user-alice-u', auth: '' } });
    const error = await s.waitFor((f) => f.event === 'pusher:subscription_error', 'the refusal');
    assert.equal((JSON.parse(error.data as string) as { status: number }).status, 401);
  });

  it('refuses a sign-in with a bad signature with pusher:error 4009 and close code 4009', async () => {
    const s = await raw(`/app/${MAIN.key}?protocol=7`);
    await s.waitFor((f) => f.event === 'pusher:connection_established', 'connection_established');
    s.send({ event: 'pusher:signin', data: { auth: `${MAIN.key}:${'1'.repeat(64)}`, user_data: '{"id":"eve"}' } });
    const error = await s.waitFor((f) => f.event === 'pusher:error', 'the refusal');
    assert.equal((error.data as { code: number }).code, 4009);
    await waitUntil(() => s.closeCode !== null, 'the close');
    assert.equal(s.closeCode, 4009);
  });

  it('closes the connections of a user on terminate_connections with 4009, and pusher-js does not reconnect', async () => {
    const victim = client('term-u');
    const bystander = client('other-u');
    victim.signin();
    bystander.signin();
    await waitUntil(() => (victim.user as unknown as { user_data: unknown }).user_data !== null && (bystander.user as unknown as { user_data: unknown }).user_data !== null, 'sign-ins');
    const codes: number[] = [];
    victim.connection.bind('error', (e: { type: string; data?: { code: number } }) => e.data && codes.push(e.data.code));
    const res = await sdk.terminateUserConnections('term-u');
    assert.equal(res.status, 200);
    await waitUntil(() => victim.connection.state === 'disconnected', 'the victim to be disconnected');
    assert.ok(codes.length > 0 && codes.every((c) => c === 4009), `error codes ${codes.join()}`);
    await sleep(1500);
    assert.equal(victim.connection.state, 'disconnected', 'pusher-js treats 4009 as refused');
    assert.equal(bystander.connection.state, 'connected');
  });

  it('closes connections beyond the app connection quota with pusher:error 4004 and close code 4004', async () => {
    const held: RawSocket[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await raw(`/app/${CAPPED.key}?protocol=7`);
      await s.waitFor((f) => f.event === 'pusher:connection_established', 'connection_established');
      held.push(s);
    }
    const over = await raw(`/app/${CAPPED.key}?protocol=7`);
    const error = await over.waitFor((f) => f.event === 'pusher:error', 'the refusal');
    assert.equal((error.data as { code: number }).code, 4004);
    await waitUntil(() => over.closeCode !== null, 'the close');
    assert.equal(over.closeCode, 4004);
    for (const s of held) s.ws.close();
    await waitUntil(() => held.every((s) => s.closeCode !== null), 'the held sockets to close');
  });

  it('refuses presence members beyond the channel limit with subscription_error LimitReached', async () => {
    const members = ['m1', 'm2'].map((u) => client(u, TIGHT));
    for (const c of members) await subscribed(c, 'presence-small');
    const third = client('m3', TIGHT);
    const error = await nextEvent<{ type: string; status: number }>(third.subscribe('presence-small'), 'pusher:subscription_error');
    assert.equal(error.type, 'LimitReached');
    for (const c of [...members, third]) c.disconnect();
    await sleep(200);
  });

  it('pings a silent connection after activity_timeout and closes it with 4201 when no pong comes', async () => {
    const s = await raw(`/app/${TIGHT.key}?protocol=7`);
    const established = await s.waitFor((f) => f.event === 'pusher:connection_established', 'connection_established');
    assert.equal((JSON.parse(established.data as string) as { activity_timeout: number }).activity_timeout, 1);
    await s.waitFor((f) => f.event === 'pusher:ping', 'the server ping', 4000);
    await waitUntil(() => s.closeCode !== null, 'the close', 5000);
    assert.equal(s.closeCode, 4201);
  });

  it('keeps a pusher-js connection that answers the server pings', async () => {
    const c = client('pinger', TIGHT);
    await connected(c);
    const socketId = c.connection.socket_id;
    await sleep(3500);
    assert.equal(c.connection.state, 'connected');
    assert.equal(c.connection.socket_id, socketId);
    c.disconnect();
  });
});
