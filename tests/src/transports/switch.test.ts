// One session moving between WebSocket, SSE and long-poll while notifications stream: no loss, no duplicates, in order.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Herald } from '@herald/server-sdk';
import { longPollTransport, sseTransport, State, webSocketTransport, type TransportFactory, type TransportName } from '@herald/client/node';
import { serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from '../fixtures/server-process.js';
import { recordingClient, waitUntil, type RecordingClient } from '../fixtures/clients.js';
import { startTcpProxy } from '../fixtures/tcp-proxy.js';

const fetchImpl = (url: string, init: Parameters<typeof fetch>[1]) => fetch(url, init);
const FACTORIES: Record<TransportName, TransportFactory> = {
  websocket: webSocketTransport(WebSocket),
  sse: sseTransport(fetchImpl),
  'long-poll': longPollTransport(fetchImpl),
};
const ROUND: TransportName[] = ['websocket', 'sse', 'long-poll', 'sse', 'websocket', 'long-poll', 'websocket'];

describe('switching transports mid-session', () => {
  const dir = tempDir();
  let server: ServerProcess;
  let sdk: Herald;
  const clients: RecordingClient[] = [];
  before(async () => {
    server = await startServerProcess(serverEnv(dir.path, 0, { HERALD_LONG_POLL_TIMEOUT_MS: '2000' }));
    sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });
  });
  after(async () => {
    for (const c of clients) c.client.disconnect();
    await server.kill('SIGTERM');
    dir.remove();
  });

  /** A client whose every connection attempt uses `current.name`: the test changes it between connections. */
  function switchingClient(url: string, user: string) {
    const current = { name: 'websocket' as TransportName };
    const c = recordingClient(url, () => sdk.createToken({ user }), { transport: (base) => FACTORIES[current.name](base) });
    clients.push(c);
    return { c, current };
  }

  async function streamWhile(session: string, count: number, onEach: (i: number) => Promise<void>): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push((await sdk.publish({ to: { sessions: [session] }, module: 'switch', type: 'n', data: i })).id);
      await onEach(i);
    }
    return ids;
  }

  it('moves the session cleanly (disconnect, then connect on the next transport) without loss or duplicates', async () => {
    const { c, current } = switchingClient(server.url, 'clean');
    const session = await c.session();
    const used: string[] = [];
    let next = 1;
    const ids = await streamWhile(session, 280, async (i) => {
      if (i % 40 !== 20 || next >= ROUND.length) return;
      used.push(c.client.transport ?? '');
      c.client.disconnect();
      current.name = ROUND[next++]!;
      c.client.connect();
      await waitUntil(() => c.client.state === State.Connected, 'reconnect');
    });
    used.push(c.client.transport ?? '');
    await c.waitFor(() => c.seen.length >= ids.length, 'every notification', 20_000);
    assert.deepEqual(c.seen.map((n) => n.id), ids, 'each notification once, in publish order');
    assert.deepEqual(used, ROUND);
    assert.equal(c.client.sessionId, session);
  });

  it('moves the session after cut connections (no ack flushed) without loss or duplicates', async () => {
    const proxy = await startTcpProxy(server.port);
    try {
      const { c, current } = switchingClient(`http://127.0.0.1:${proxy.port}`, 'cut');
      const session = await c.session();
      let next = 1;
      const ids = await streamWhile(session, 280, async (i) => {
        if (i % 40 !== 20 || next >= ROUND.length) return;
        const name = ROUND[next++]!;
        current.name = name;
        // A long-poll client between two polls has no connection to cut: cut until the client moved.
        for (let k = 0; k < 100 && !(c.client.transport === name && c.client.state === State.Connected); k++) {
          proxy.cut();
          await new Promise((r) => setTimeout(r, 20));
        }
      });
      await c.waitFor(() => c.seen.length >= ids.length, 'every notification after the cuts', 20_000);
      assert.deepEqual(c.seen.map((n) => n.id), ids, 'each notification once, in publish order');
      assert.equal(c.client.sessionId, session);
      const info = await sdk.getSession(session);
      assert.equal(info.transport, ROUND[ROUND.length - 1]);
    } finally {
      await proxy.close();
    }
  });

  it('a second connection on another transport takes the session over; the first stops with 4005', async () => {
    // The welcome's secret, read on its way into the SDK, as a second device holding it would have it.
    let secret = '';
    const spying: TransportFactory = (base) => {
      const t = FACTORIES['long-poll'](base);
      return {
        name: t.name,
        send: (frame) => t.send(frame),
        close: (code, reason) => t.close(code, reason),
        open: (events) =>
          t.open({
            ...events,
            onMessage: (text) => {
              const frame = JSON.parse(text) as { op: string; secret?: string };
              if (frame.op === 'welcome') secret = frame.secret!;
              events.onMessage(text);
            },
          }),
      };
    };
    const first = recordingClient(server.url, () => sdk.createToken({ user: 'taken' }), { transport: spying });
    clients.push(first);
    const session = await first.session();
    const controller = new AbortController();
    const res = await fetch(`${server.url}/v1/sse?session=${encodeURIComponent(session)}&secret=${encodeURIComponent(secret)}`, { signal: controller.signal });
    assert.equal(res.status, 200);
    await waitUntil(() => first.client.state === State.Closed, 'the first client to stop');
    assert.deepEqual(first.closeCodes, [4005]);
    assert.equal((await sdk.getSession(session)).transport, 'sse');
    controller.abort();
  });
});
