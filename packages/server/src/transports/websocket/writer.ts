// Writing pre-built frames straight to a `ws` socket's TCP stream, with every write of one event-loop turn coalesced per socket.
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/**
 * The parts of a `ws` WebSocket this module relies on (internal, stable across ws 8; Socket.IO
 * writes pre-built broadcast frames the same way). `_sender._state` is 0 when the sender has
 * nothing queued: queueing only happens for permessage-deflate (off on every Herald server) and Blob
 * data (never sent), so a direct write cannot overtake a queued message.
 */
interface WsInternals {
  _socket: Socket | null;
  _sender: { _state: number } | null;
}

const SENDER_IDLE = 0;

/** Sockets corked during this turn, uncorked together once it ends. */
let corked: Socket[] = [];
let scheduled = false;

function uncorkAll(): void {
  const sockets = corked;
  corked = [];
  scheduled = false;
  // One write syscall per socket for everything written to it during the turn.
  for (const socket of sockets) socket.uncork();
}

/**
 * Holds the socket's writes until the current event-loop turn ends (setImmediate), so several
 * messages to one socket in one turn (a burst of publishes, a subscription answer and its events)
 * leave as one write. Order is kept: every write, ours or `ws`'s own, queues in the same stream.
 */
function coalesce(socket: Socket): void {
  if (socket.writableCorked > 0) return;
  socket.cork();
  corked.push(socket);
  if (!scheduled) {
    scheduled = true;
    setImmediate(uncorkAll);
  }
}

/** Bytes accepted for this socket and not yet handed to the kernel (what `ws.bufferedAmount` reports). */
export function bufferedBytes(ws: WebSocket): number {
  const socket = (ws as unknown as WsInternals)._socket;
  return socket ? socket.writableLength : ws.bufferedAmount;
}

/**
 * Sends a text message whose frame is already built (`frame`, from `textFrame`): one socket write,
 * coalesced with the turn's other writes to this socket. Falls back to `ws.send(text)` if the ws
 * internals are not as expected. The caller checks that the socket is open.
 */
export function sendFramed(ws: WebSocket, frame: Buffer, text: string): void {
  const internals = ws as unknown as WsInternals;
  const socket = internals._socket;
  if (socket === null || internals._sender === null || internals._sender._state !== SENDER_IDLE) {
    ws.send(text, { binary: false });
    return;
  }
  coalesce(socket);
  socket.write(frame);
}
