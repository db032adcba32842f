// Pre-built frames written to real loopback sockets: delivered intact and in order; a lone write leaves at once, a turn's repeated writes together.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { textFrame } from './frame.js';
import { bufferedBytes, QUIET_TURNS, sendFramed } from './writer.js';

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

/** Lets QUIET_TURNS turns pass with one write each to a throwaway socket, so the writer is in its quiet mode. */
async function quiet(): Promise<void> {
  const p = await pair();
  try {
    for (let i = 0; i <= QUIET_TURNS; i++) {
      sendFramed(p.server, framed('.'), '.');
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    await p.close();
  }
}

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

  it('sends the first write of a quiet turn at once and holds a socket\'s further writes until the turn ends', async () => {
    const p = await pair();
    try {
      await quiet();
      const texts = ['a', 'bb', 'ccc'];
      const frames = texts.map(framed);
      sendFramed(p.server, frames[0]!, texts[0]!);
      assert.equal(p.tcp.writableCorked, 0, 'a lone write is not held');
      assert.equal(p.tcp.writableLength, 0, 'handed to the kernel at once');
      sendFramed(p.server, frames[1]!, texts[1]!);
      sendFramed(p.server, frames[2]!, texts[2]!);
      const held = frames[1]!.length + frames[2]!.length;
      assert.equal(p.tcp.writableCorked, 1, 'the second write holds the socket for the rest of the turn');
      assert.equal(p.tcp.writableLength, held);
      assert.equal(bufferedBytes(p.server), held, 'counted as buffered for the slow-consumer check');
      await new Promise((r) => setImmediate(r));
      assert.equal(p.tcp.writableCorked, 0);
      assert.equal(p.tcp.writableLength, 0, 'written once the turn ended');
      await until(() => p.received.length === 3);
      assert.deepEqual(p.received, texts);
    } finally {
      await p.close();
    }
  });

  it('holds from the first write while turns repeat writes to a socket, until QUIET_TURNS turns pass without', async () => {
    const p = await pair();
    try {
      await quiet();
      const busyTurn = async (): Promise<void> => {
        sendFramed(p.server, framed('x'), 'x');
        sendFramed(p.server, framed('y'), 'y');
        await new Promise((r) => setImmediate(r));
      };
      await busyTurn();
      sendFramed(p.server, framed('z'), 'z');
      assert.equal(p.tcp.writableCorked, 1, 'after a busy turn the first write is held too');
      await new Promise((r) => setImmediate(r));
      await quiet();
      sendFramed(p.server, framed('w'), 'w');
      assert.equal(p.tcp.writableCorked, 0, 'quiet again: a lone write goes out at once');
      await until(() => p.received.length === 4);
      assert.deepEqual(p.received, ['x', 'y', 'z', 'w']);
    } finally {
      await p.close();
    }
  });
});
