// What the SSE and long-poll transports share: the fetch they use, reading refusals, and the session's HTTP calls.
import { ackPath, closePath } from '@herald/protocol';
import type { ClientFrame, HelloFrame } from '@herald/protocol';
import type { CloseInfo } from '../transport.js';
import { endpointUrl } from '../url.js';

/** The part of a fetch Response the transports read: met by browsers' and Node's (18+) fetch. */
export interface ResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
  json(): Promise<unknown>;
}

/** Request options the transports pass. Bodies are strings, sent as text/plain: simple requests, no CORS preflight. */
export interface FetchInit {
  method: 'POST';
  body: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  keepalive?: boolean;
}

/** A fetch function, such as `globalThis.fetch`. */
export type FetchLike = (url: string, init: FetchInit) => Promise<ResponseLike>;

/** Code of a connection that failed below the protocol (no close code from the server), as for WebSocket. */
export const NETWORK_FAILURE = 1006;

/** Reads why the server refused: `{error, close}` gives the close code; anything else (a proxy's page) is a network failure. */
export async function readRefusal(response: ResponseLike): Promise<CloseInfo> {
  try {
    const body = (await response.json()) as { close?: unknown; error?: { message?: unknown } } | null;
    if (body && typeof body.close === 'number') {
      return { code: body.close, reason: typeof body.error?.message === 'string' ? body.error.message : '' };
    }
  } catch {
    // not JSON: not Herald speaking
  }
  return { code: NETWORK_FAILURE, reason: `HTTP ${response.status}` };
}

/** A random id (hex), for telling a client's long-poll connections apart. */
export function randomId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A session's calls over plain HTTP, authenticated by its secret: cumulative acks (one request in
 * flight at a time, the latest position sent next) and ending the session. Failures are ignored:
 * an ack that does not arrive is repeated by the next one or by the next hello.
 */
export class SessionCalls {
  private inFlight = false;
  private sent = 0;
  private wanted = 0;

  constructor(
    private readonly fetch: FetchLike,
    private readonly baseUrl: string,
    private readonly session: string,
    private readonly secret: string,
  ) {}

  ack(seq: number): void {
    if (seq > this.wanted) this.wanted = seq;
    if (this.inFlight || this.wanted <= this.sent) return;
    const position = this.wanted;
    this.inFlight = true;
    this.post(ackPath(this.session), { secret: this.secret, seq: position })
      .then((ok) => {
        if (ok) this.sent = Math.max(this.sent, position);
      })
      .finally(() => {
        this.inFlight = false;
        if (this.wanted > this.sent && this.sent >= position) this.ack(this.wanted);
      });
  }

  /** Ends the session; `keepalive` lets the request outlive a closing page. */
  close(): void {
    void this.post(closePath(this.session), { secret: this.secret }, true);
  }

  private async post(path: string, body: object, keepalive = false): Promise<boolean> {
    try {
      const response = await this.fetch(endpointUrl(this.baseUrl, path, 'http'), { method: 'POST', body: JSON.stringify(body), keepalive });
      return response.ok;
    } catch {
      return false;
    }
  }
}

/** Reads `{op:'welcome', session, secret}` out of a frame's text; null for any other frame. */
export function readWelcome(text: string): { session: string; secret: string } | null {
  try {
    const frame = JSON.parse(text) as { op?: unknown; session?: unknown; secret?: unknown };
    if (frame.op === 'welcome' && typeof frame.session === 'string' && typeof frame.secret === 'string') return { session: frame.session, secret: frame.secret };
  } catch {
    // the connection parses it again and reports what is wrong
  }
  return null;
}

/** Reads a `disconnect` frame's close code and reason. */
export function readDisconnect(frame: unknown): CloseInfo {
  const f = frame as { code?: unknown; reason?: unknown } | null;
  return {
    code: typeof f?.code === 'number' ? f.code : NETWORK_FAILURE,
    reason: typeof f?.reason === 'string' ? f.reason : '',
  };
}

/** What an HTTP transport does with the client frames it can carry; the rest is decided in `sendOverHttp`. */
export interface HttpFrameRoutes {
  hello(frame: HelloFrame): boolean;
  ack(seq: number): boolean;
  close(): boolean;
}

/** Routes one client frame on an HTTP transport (SSE, long-poll). */
export function sendOverHttp(frame: ClientFrame, routes: HttpFrameRoutes): boolean {
  switch (frame.op) {
    case 'hello':
      return routes.hello(frame);
    case 'ack':
      return routes.ack(frame.seq);
    case 'close':
      return routes.close();
    case 'ping':
    case 'pong':
      // Liveness comes from the stream's comments and the poll answers: nothing to answer.
      return true;
    case 'subscribe':
    case 'unsubscribe':
    case 'channel_event':
      // Channels have no upstream path over HTTP transports yet: the channel layer subscribes again
      // once the client is back on WebSocket (docs/protocol.md).
      return false;
    default: {
      const unknown: never = frame;
      return unknown;
    }
  }
}
