// Long-poll transport: POST /v1/poll, one LongPollConnection per client connection, one sweep timer for all.
import { CloseCode, POLL_PATH, type HelloFrame } from '@herald/protocol';
import { toHeraldError } from '../../errors.js';
import type { Delivery } from '../../core/delivery.js';
import type { Sessions } from '../../core/sessions.js';
import type { RequestContext, Router } from '../../http/router.js';
import type { NativeConnectionHooks } from '../../protocols/native/connection.js';
import { registerPreflight } from '../http-common/cors.js';
import { sendRefusal } from '../http-common/refusal.js';
import { LongPollConnection, type LongPollDeps } from './outlet.js';
import { readPoll, type ParsedPoll } from './request.js';

export interface LongPollTransportOptions {
  heartbeatMs: number;
  sendBufferBytes: number;
  /** Longest a poll waits for something to say. Capped at the heartbeat, so a client's watchdog never fires on a quiet poll. */
  timeoutMs: number;
}

function resumeHello(session: string, secret: string, ack: number): HelloFrame {
  const hello: HelloFrame = { op: 'hello', resume: { session, secret } };
  if (ack > 0) hello.ack = ack;
  return hello;
}

/**
 * Serves the native protocol as long polls. The first poll of a connection is a hello and is answered
 * with the welcome (and whatever is pending); each later poll acknowledges what the previous answers
 * carried and waits up to the poll timeout. Polls may land on any node: one that finds no connection
 * here resumes the session silently.
 */
export class LongPollTransport {
  private readonly all = new Set<LongPollConnection>();
  /** Welcomed connections by `session connection-id`. */
  private readonly byKey = new Map<string, LongPollConnection>();
  private readonly sweep: NodeJS.Timeout;
  private readonly deps: LongPollDeps;
  private readonly waitMs: number;

  constructor(sessions: Sessions, delivery: Delivery, hooks: NativeConnectionHooks, options: LongPollTransportOptions) {
    this.waitMs = Math.min(options.timeoutMs, options.heartbeatMs);
    this.deps = {
      sessions,
      delivery,
      hooks,
      maxBuffered: options.sendBufferBytes,
      opened: (conn) => {
        const key = `${conn.sessionId} ${conn.id}`;
        const previous = this.byKey.get(key);
        if (previous && previous !== conn) this.all.delete(previous);
        this.byKey.set(key, conn);
      },
      gone: (conn) => {
        this.all.delete(conn);
        const key = `${conn.sessionId} ${conn.id}`;
        if (this.byKey.get(key) === conn) this.byKey.delete(key);
      },
    };
    this.sweep = setInterval(() => {
      for (const conn of this.all) if (!conn.sweep()) conn.forget();
    }, options.heartbeatMs);
    this.sweep.unref();
  }

  /** Client connections held on this node (attached or waiting to be polled again). */
  get size(): number {
    return this.all.size;
  }

  register(router: Router): void {
    router.on('POST', POLL_PATH, (ctx) => this.handle(ctx));
    registerPreflight(router, [POLL_PATH]);
  }

  private async handle(ctx: RequestContext): Promise<void> {
    let poll: ParsedPoll;
    try {
      poll = await readPoll(ctx.req);
    } catch (err) {
      const e = toHeraldError(err);
      this.deps.hooks.onRefused(e.code, e.message);
      return sendRefusal(ctx.res, CloseCode.ProtocolError, { code: e.code, message: e.message });
    }
    if (poll.kind === 'hello') {
      const conn = this.create(poll.connection);
      conn.poll(ctx.res, 0, this.waitMs);
      conn.attach(poll.hello, false);
      return;
    }
    const { session, secret, connection, ack } = poll.poll;
    const known = this.byKey.get(`${session} ${connection}`);
    if (known && !known.owns(secret)) {
      this.deps.hooks.onRefused('session_not_found', 'poll with a wrong secret');
      return sendRefusal(ctx.res, CloseCode.SessionExpired, { code: 'session_not_found', message: 'the session has ended or expired; connect with a token' });
    }
    const conn = known ?? this.create(connection);
    conn.poll(ctx.res, ack, this.waitMs);
    if (conn.needsAttach) conn.attach(resumeHello(session, secret, ack), true);
  }

  private create(id: string): LongPollConnection {
    const conn = new LongPollConnection(id, this.deps);
    this.all.add(conn);
    return conn;
  }

  /** Ends every connection with `code` (shutdown: "reconnect now"): waiting polls answer at once. */
  close(code: number, reason: string): void {
    clearInterval(this.sweep);
    for (const conn of [...this.all]) conn.end(code, reason);
  }
}
