// Laravel Echo (pusher broadcaster) over pusher-js against the real server: public, private and presence channels, whispers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Echo from 'laravel-echo';
import type PusherServer from 'pusher';
import { MAIN, Pusher, serverSdk, startBackend, startHerald, waitUntil, type Backend, type HeraldPusher } from './fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type AnyEcho = Echo<'pusher'>;

describe('Laravel Echo over pusher-js', () => {
  let herald: HeraldPusher;
  let sdk: PusherServer;
  let backend: Backend;
  const echoes: AnyEcho[] = [];

  /** An Echo app as a Laravel front end configures it, signed in to the backend as `user`. */
  const echo = (user: string): AnyEcho => {
    const e = new Echo({
      broadcaster: 'pusher',
      key: MAIN.key,
      cluster: 'x',
      wsHost: '127.0.0.1',
      wsPort: herald.port,
      forceTLS: false,
      enabledTransports: ['ws'],
      Pusher,
      authEndpoint: `${backend.url}/broadcasting/auth`,
      auth: { headers: {}, params: { user } },
      // Echo types `Pusher` as pusher-js's module namespace; at run time it wants the class.
    } as unknown as ConstructorParameters<typeof Echo<'pusher'>>[0]);
    echoes.push(e);
    return e;
  };
  const connected = (e: AnyEcho) => waitUntil(() => e.connectionStatus() === 'connected', 'Echo to connect');

  before(async () => {
    herald = await startHerald();
    sdk = serverSdk(herald.port);
    backend = await startBackend(herald.port);
  });
  after(async () => {
    for (const e of echoes) e.disconnect();
    await backend.close();
    await herald.stop();
  });

  it('Echo.channel().listen receives namespaced and dot-prefixed events triggered with the pusher SDK', async () => {
    const e = echo('viewer');
    const got: Array<[string, unknown]> = [];
    let ready = false;
    e.channel('orders')
      .subscribed(() => (ready = true))
      .listen('OrderShipped', (data: unknown) => got.push(['namespaced', data]))
      .listen('.order.paid', (data: unknown) => got.push(['raw', data]));
    await waitUntil(() => ready, 'the subscription');
    // What Laravel broadcasts for App\Events\OrderShipped.
    await sdk.trigger('orders', 'App\\Events\\OrderShipped', { id: 1 });
    await sdk.trigger('orders', 'order.paid', { id: 2 });
    await waitUntil(() => got.length === 2, 'both events');
    assert.deepEqual(got, [['namespaced', { id: 1 }], ['raw', { id: 2 }]]);
  });

  it('Echo.private authorizes through /broadcasting/auth and receives events; a refused channel reports error()', async () => {
    const e = echo('owner');
    let ready = false;
    const got: unknown[] = [];
    e.private('Order.7').subscribed(() => (ready = true)).listen('.updated', (d: unknown) => got.push(d));
    await waitUntil(() => ready, 'the private subscription');
    await sdk.trigger('private-Order.7', 'updated', { status: 'paid' });
    await waitUntil(() => got.length === 1, 'the event');
    assert.deepEqual(got, [{ status: 'paid' }]);
    let refused: { status?: number } | null = null;
    e.private('forbidden-Order.8').error((err: { status?: number }) => (refused = err));
    await waitUntil(() => refused !== null, 'the refusal');
    assert.equal(refused!.status, 403);
  });

  it('Echo.join reports here, joining and leaving with the members user_info', async () => {
    const alice = echo('alice');
    const bob = echo('bob');
    let here: Array<{ name: string }> = [];
    const joining: string[] = [];
    const leaving: string[] = [];
    alice.join('room.1')
      .here((members: Array<{ name: string }>) => (here = members))
      .joining((m: { name: string }) => joining.push(m.name))
      .leaving((m: { name: string }) => leaving.push(m.name));
    await waitUntil(() => here.length === 1, 'here');
    assert.deepEqual(here, [{ name: 'alice' }]);
    bob.join('room.1');
    await waitUntil(() => joining.length === 1, 'joining');
    assert.deepEqual(joining, ['bob']);
    bob.leave('room.1');
    await waitUntil(() => leaving.length === 1, 'leaving');
    assert.deepEqual(leaving, ['bob']);
  });

  it('whisper reaches listenForWhisper on the other clients, never the sender', async () => {
    const a = echo('wa');
    const b = echo('wb');
    await connected(a);
    await connected(b);
    let aReady = false;
    let bReady = false;
    const heardByA: unknown[] = [];
    const heardByB: unknown[] = [];
    const chanA = a.private('chat.9').subscribed(() => (aReady = true)).listenForWhisper('typing', (d: unknown) => heardByA.push(d));
    b.private('chat.9').subscribed(() => (bReady = true)).listenForWhisper('typing', (d: unknown) => heardByB.push(d));
    await waitUntil(() => aReady && bReady, 'both subscriptions');
    chanA.whisper('typing', { name: 'wa' });
    await waitUntil(() => heardByB.length === 1, 'the whisper');
    assert.deepEqual(heardByB, [{ name: 'wa' }]);
    await sleep(200);
    assert.deepEqual(heardByA, []);
  });
});
