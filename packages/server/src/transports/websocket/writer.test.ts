// Pre-built frames written to real loopback sockets: delivered intact and in order, and one turn's writes leave together.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { textFrame } from './frame.js';
import { bufferedBytes, sendFramed } from './writer.js';

interface Pair {
  server: WebSocket;
  /** The TCP socket under `server`, as the HTTP server handed it over. */
  tcp: Socket;
  client: WebSocket;
  received: string[];
  close(): Promise<void>;
}

async function pair(): Promise<Pair> {
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  const accepted = new Promise<{ ws: WebSocket; tcp: Socket }>((resolve) => {
    http.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => resolve({ ws, tcp: socket as Socket })));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as { port: number };
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
  const received: string[] = [];
  client.on('message', (data) => received.push(data.toString()));
  await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
  const { ws, tcp } = await accepted;
  return {
    server: ws,
    tcp,
    client,
    received,
    close: async () => {
      client.terminate();
      ws.terminate();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const framed = (text: string) => textFrame(text);

describe('sendFramed', () => {
  it('delivers pre-built frames as text messages, in order with messages sent through ws itself', async () => {
    const p = await pair();
    try {
      sendFramed(p.server, framed('one'), 'one');
      p.server.send('two');
      sendFramed(p.server, framed('tŕi'), 'tŕi');
      const big = 'x'.repeat(70_000);
      sendFramed(p.server, framed(big), big);
      p.server.send('five');
      await until(() => p.received.length === 5);
      assert.deepEqual(p.received, ['one', 'two', 'tŕi', big, 'five']);
    } finally {
      await p.close();
    }
  });

  it('holds one turn of writes to a socket and hands them to the kernel together when the turn ends', async () => {
    const p = await pair();
    try {
      const texts = ['a', 'bb', 'ccc'];
      const frames = texts.map(framed);
      for (const [i, frame] of frames.entries()) sendFramed(p.server, frame, texts[i]!);
      const total = frames.reduce((n, f) => n + f.length, 0);
      assert.equal(p.tcp.writableCorked, 1, 'corked once for the turn');
      assert.equal(p.tcp.writableLength, total, 'nothing written yet');
      assert.equal(bufferedBytes(p.server), total, 'counted as buffered for the slow-consumer check');
      await new Promise((r) => setImmediate(r));
      assert.equal(p.tcp.writableCorked, 0);
      assert.equal(p.tcp.writableLength, 0, 'written once the turn ended');
      await until(() => p.received.length === 3);
      assert.deepEqual(p.received, texts);
    } finally {
      await p.close();
    }
  });
});
