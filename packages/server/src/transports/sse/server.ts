// SSE transport: GET/POST /v1/sse, one NativeConnection per stream, one heartbeat timer for all streams.
import type { ServerResponse } from 'node:http';
import { CloseCode, SSE_PATH, type HelloFrame } from '@herald/protocol';
import { toHeraldError } from '../../errors.js';
import type { Delivery } from '../../core/delivery.js';
import type { Sessions } from '../../core/sessions.js';
import type { RequestContext, Router } from '../../http/router.js';
import { NativeConnection, type NativeConnectionHooks } from '../../protocols/native/connection.js';
import { registerPreflight } from '../http-common/cors.js';
import { sendRefusal } from '../http-common/refusal.js';
import { SseOutlet } from './outlet.js';
import { helloFromBody, helloFromQuery } from './request.js';

export interface SseTransportOptions {
  heartbeatMs: number;
  sendBufferBytes: number;
}

/**
 * Serves the native protocol as Server-Sent Events. Credentials may come in the query (EventSource
 * cannot set headers): the request URL is never logged, only refusal codes are.
 */
export class SseTransport {
  private readonly streams = new Map<SseOutlet, NativeConnection>();
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly sessions: Sessions,
    private readonly delivery: Delivery,
    private readonly hooks: NativeConnectionHooks,
    private readonly options: SseTransportOptions,
  ) {
    // Twice per interval, each writing only to streams quiet since the last sweep: no stream stays
    // silent much longer than one interval, well inside the client's two-interval watchdog.
    this.sweep = setInterval(() => {
      for (const outlet of this.streams.keys()) outlet.heartbeat();
    }, options.heartbeatMs / 2);
    this.sweep.unref();
  }

  get size(): number {
    return this.streams.size;
  }

  register(router: Router): void {
    router.on('GET', SSE_PATH, (ctx) => this.handle(ctx, async () => helloFromQuery(ctx.url, ctx.req)));
    router.on('POST', SSE_PATH, (ctx) => this.handle(ctx, () => helloFromBody(ctx.req)));
    registerPreflight(router, [SSE_PATH]);
  }

  private async handle(ctx: RequestContext, readHello: () => Promise<HelloFrame>): Promise<void> {
    if (ctx.req.method === 'HEAD') return sendRefusal(ctx.res, CloseCode.ProtocolError, { code: 'method_not_allowed', message: 'open the stream with GET or POST' });
    let hello: HelloFrame;
    try {
      hello = await readHello();
    } catch (err) {
      const e = toHeraldError(err);
      this.hooks.onRefused(e.code, e.message);
      return sendRefusal(ctx.res, CloseCode.ProtocolError, { code: e.code, message: e.message });
    }
    this.open(ctx.res, hello);
  }

  private open(res: ServerResponse, hello: HelloFrame): void {
    const outlet = new SseOutlet(res, this.options.sendBufferBytes);
    const conn = new NativeConnection(outlet, this.sessions, this.delivery, this.hooks);
    this.streams.set(outlet, conn);
    res.socket?.setNoDelay(true);
    // Half-open TCP connections are found by the kernel, without a timer of ours.
    res.socket?.setKeepAlive(true, this.options.heartbeatMs);
    res.on('close', () => {
      this.streams.delete(outlet);
      outlet.close(CloseCode.Normal, 'client went away');
      conn.closed();
    });
    conn.receive(JSON.stringify(hello));
  }

  /** Ends every stream with `code` (shutdown: "reconnect now") and stops the heartbeat. */
  close(code: number, reason: string): void {
    clearInterval(this.sweep);
    for (const outlet of this.streams.keys()) outlet.close(code, reason);
  }
}
