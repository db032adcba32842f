// Writing pre-built frames straight to a `ws` socket's TCP stream, with the writes of one event-loop turn coalesced per socket when there are several.
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

/**
 * Turns in a row without a second write to any socket after which the first write of a turn goes
 * straight to the kernel again. Exported for the tests.
 */
export const QUIET_TURNS = 8;

/**
 * Stamped on a socket at its first write of a turn (the turn's number), so a second write that turn
 * is seen as a repeat with one property read: no set of sockets to grow and clear every turn.
 */
const kTurn = Symbol('herald.writer.turn');
type StampedSocket = Socket & { [kTurn]?: number };

/** The current turn's number, and the sockets held (corked) until it ends. */
let turn = 1;
let corked: Socket[] = [];
let scheduled = false;
/** Whether a socket got a second write this turn, and how many turns before this one had none. */
let merged = false;
let quietTurns = QUIET_TURNS;

function endTurn(): void {
  const sockets = corked;
  corked = [];
  scheduled = false;
  turn++;
  quietTurns = merged ? 0 : Math.min(quietTurns + 1, QUIET_TURNS);
  merged = false;
  // One write syscall per socket for everything held during the turn.
  for (const socket of sockets) socket.uncork();
}

/**
 * Called before each write to `socket`: decides whether this write waits for the end of the turn
 * (setImmediate), so that several messages to one socket in one turn (a burst of publishes, a
 * subscription answer and its events) leave as one write. While the server is quiet (one message
 * per socket per turn) a write goes out at once: holding it would only add buffering work and
 * garbage that outlives the turn. The second write to a socket in a turn holds that socket, and
 * turns with such repeats make the next turns hold from the first write, until QUIET_TURNS pass
 * without one. Order is kept either way: every write, ours or `ws`'s own, queues in the same stream.
 */
function coalesce(socket: StampedSocket): void {
  if (!scheduled) {
    scheduled = true;
    setImmediate(endTurn);
  }
  if (socket.writableCorked > 0) {
    merged = true;
    return;
  }
  const repeat = socket[kTurn] === turn;
  if (repeat) merged = true;
  if (repeat || quietTurns < QUIET_TURNS) {
    socket.cork();
    corked.push(socket);
  } else {
    socket[kTurn] = turn;
  }
}

/** Bytes accepted for this socket and not yet handed to the kernel (what `ws.bufferedAmount` reports). */
export function bufferedBytes(ws: WebSocket): number {
  const socket = (ws as unknown as WsInternals)._socket;
  return socket ? socket.writableLength : ws.bufferedAmount;
}

/**
 * Sends a text message whose frame is already built (`frame`, from `textFrame`): one socket write,
 * coalesced with the turn's other writes to this socket (see coalesce). Falls back to `ws.send(text)` if the ws
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
