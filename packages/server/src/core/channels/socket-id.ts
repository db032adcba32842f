// Socket ids: one per live connection, `digits.digits` as the Pusher SDKs require, random so they cannot be guessed.
import { randomInt } from 'node:crypto';

const SOCKET_ID = /^\d+\.\d+$/;

/** A fresh socket id. Channel authorization signatures cover it, so it is never reused or predictable. */
export function newSocketId(): string {
  return `${randomInt(1, 10_000_000_000)}.${randomInt(1, 10_000_000_000)}`;
}

/** True for a string of the socket id form (what the Pusher SDKs accept as `socket_id`). */
export function isSocketId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 64 && SOCKET_ID.test(value);
}
