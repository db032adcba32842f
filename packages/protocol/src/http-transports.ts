// Wire types of the HTTP transports (SSE and long-poll): the native frames, plus how a request is refused and a connection ends.
import type { ErrorBody } from './errors.js';
import type { HelloFrame } from './native.js';

/** Server-Sent Events endpoint: `GET` (EventSource: credentials in the query) or `POST` (hello in the body). */
export const SSE_PATH = '/v1/sse';
/** Long-poll endpoint: `POST` with a PollRequest, answered with a JSON array of frames. */
export const POLL_PATH = '/v1/poll';

/** The client's acknowledgement over plain HTTP: `POST /v1/sessions/{id}/ack`. */
export function ackPath(sessionId: string): string {
  return `/v1/sessions/${encodeURIComponent(sessionId)}/ack`;
}

/** The client ending its session over plain HTTP: `POST /v1/sessions/{id}/close`. */
export function closePath(sessionId: string): string {
  return `/v1/sessions/${encodeURIComponent(sessionId)}/close`;
}

/**
 * The connection ends with a close code, as a WebSocket close frame would say it. Sent as the last
 * SSE event (`event: disconnect`) or as the last element of a long-poll answer. Never sent on WebSocket.
 */
export interface DisconnectFrame {
  op: 'disconnect';
  code: number;
  reason: string;
}

/** An HTTP-transport request refused before a connection existed: the error and the close code that tells the client what to do. */
export interface RefusalBody extends ErrorBody {
  close: number;
}

/** First poll of a long-poll connection: a hello, plus an id the client picks for this connection. The answer starts with `welcome`. */
export type PollHello = HelloFrame & { connection: string };

/** Every later poll of that connection: acknowledges up to `ack` and waits for what comes next. */
export interface PollNext {
  op: 'poll';
  connection: string;
  session: string;
  secret: string;
  ack: number;
}

/** Body of `POST /v1/poll`. */
export type PollRequest = PollHello | PollNext;

/** Body of `POST /v1/sessions/{id}/ack`: cumulative, like the `ack` frame. */
export interface AckRequest {
  secret: string;
  seq: number;
}

/** Body of `POST /v1/sessions/{id}/close`: ends the session for good, like the `close` frame. */
export interface CloseRequest {
  secret: string;
}
