// Sessions: opening a session from a connection token, resuming it with its secret, ending and expiring it.
import { randomBytes } from 'node:crypto';
import { CloseCode, type HelloFrame, type WelcomeFrame } from '@herald/protocol';
import { HeraldError } from '../errors.js';
import { hashSecret, safeEqual } from '../auth/secrets.js';
import { readAppIdFromToken, verifyConnectionToken } from '../auth/tokens.js';
import type { AppRecord, SessionRecord, Storage } from '../storage/storage.js';
import type { Delivery, LiveSession } from './delivery.js';
import type { Outlet } from './outlet.js';

export interface SessionOptions {
  node: string;
  sessionTtlMs: number;
  heartbeatMs: number;
  maxConnectionsPerApp: number;
  now: () => number;
}

/** A refusal during the handshake: the error to report and the close code that tells the client what to do. */
export class HandshakeError extends HeraldError {
  constructor(
    code: ConstructorParameters<typeof HeraldError>[0],
    readonly closeCode: number,
    message?: string,
  ) {
    super(code, message);
  }
}

export interface OpenedSession {
  /** The session's app (channel authorization checks signatures with its key and secret). */
  app: AppRecord;
  live: LiveSession;
  record: SessionRecord;
  welcome: WelcomeFrame;
}

/** Observers of session lifecycle (webhooks, metrics, logs). */
export interface SessionEvents {
  opened?(record: SessionRecord, resumed: boolean, transport: string): void;
  disconnected?(sessionId: string, appId: string): void;
  ended?(record: SessionRecord, reason: 'client' | 'backend' | 'expired', dropped: number): void;
}

export class Sessions {
  private readonly connectionsPerApp = new Map<string, number>();
  readonly events: SessionEvents[] = [];

  constructor(
    private readonly storage: Storage,
    private readonly delivery: Delivery,
    private readonly options: SessionOptions,
  ) {}

  /** Finds the app a hello frame is for: the resumed session's app, else the token's `app` claim. */
  private async appFor(hello: HelloFrame): Promise<{ app: AppRecord; existing: SessionRecord | null }> {
    if (hello.resume) {
      const existing = await this.storage.getSession(hello.resume.session);
      if (existing && safeEqual(hashSecret(hello.resume.secret), existing.resumeHash)) {
        const app = await this.storage.getApp(existing.appId);
        if (app) return { app, existing };
      }
      if (!hello.token) throw new HandshakeError('session_not_found', CloseCode.SessionExpired, 'the session has ended or expired; connect with a token');
    }
    if (!hello.token) throw new HandshakeError('invalid_token', CloseCode.Unauthorized, 'hello needs a token or a resume pair');
    const appId = readAppIdFromToken(hello.token);
    if (!appId) throw new HandshakeError('invalid_token', CloseCode.Unauthorized, 'the token has no app claim');
    const app = await this.storage.getApp(appId);
    if (!app) throw new HandshakeError('app_not_found', CloseCode.AppNotFound, `no app ${appId}`);
    return { app, existing: null };
  }

  /** Opens or resumes the session named by a hello frame, writes the welcome and attaches the connection (replay starts). */
  async open(hello: HelloFrame, outlet: Outlet): Promise<OpenedSession> {
    const { app, existing } = await this.appFor(hello);
    const count = this.connectionsPerApp.get(app.id) ?? 0;
    if (count >= this.options.maxConnectionsPerApp) throw new HandshakeError('over_capacity', CloseCode.OverCapacity);

    let record: SessionRecord;
    let secret: string;
    const now = this.options.now();
    if (existing) {
      record = existing;
      secret = hello.resume!.secret;
      if (hello.ack !== undefined && hello.ack > record.ackedSeq) {
        // A client can only acknowledge what was sent to it.
        const position = await this.storage.ack(record.id, Math.min(hello.ack, record.sentSeq), now);
        if (position >= 0) record = { ...record, ackedSeq: position };
      }
    } else {
      const claims = await verifyConnectionToken(hello.token!, app, now).catch((err: unknown) => {
        if (err instanceof HeraldError) {
          throw new HandshakeError(err.code, err.code === 'token_expired' ? CloseCode.TokenExpired : CloseCode.Unauthorized, err.message);
        }
        throw err;
      });
      secret = randomBytes(32).toString('base64url');
      const fresh = {
        id: `s${randomBytes(16).toString('base64url')}`,
        appId: app.id,
        userId: claims.userId,
        scope: claims.scope,
        meta: claims.meta,
        resumeHash: hashSecret(secret),
        ttlMs: this.options.sessionTtlMs,
        createdAt: now,
      };
      await this.storage.createSession(fresh);
      record = { ...fresh, node: null, transport: null, disconnectedAt: null, ackedSeq: 0, sentSeq: 0, pending: 0 };
    }
    await this.storage.setConnection(record.id, this.options.node, outlet.transport, now);
    this.connectionsPerApp.set(app.id, (this.connectionsPerApp.get(app.id) ?? 0) + 1);
    const welcome: WelcomeFrame = {
      op: 'welcome',
      session: record.id,
      secret,
      resumed: existing !== null,
      user: record.userId,
      scope: record.scope,
      heartbeat: this.options.heartbeatMs,
      acked: record.ackedSeq,
    };
    // The welcome goes out before the first notification: attaching starts the inbox replay.
    outlet.send(JSON.stringify(welcome));
    const live = this.delivery.attach(record.id, app.id, outlet, record.ackedSeq);
    for (const e of this.events) e.opened?.(record, existing !== null, outlet.transport);
    return { app, live, record, welcome };
  }

  /** A connection ended (called once per opened connection): the session lives on for its ttl unless another connection took it over. */
  async disconnected(live: LiveSession): Promise<void> {
    this.connectionsPerApp.set(live.appId, Math.max(0, (this.connectionsPerApp.get(live.appId) ?? 1) - 1));
    if (!this.delivery.detach(live)) return;
    for (const e of this.events) e.disconnected?.(live.sessionId, live.appId);
    // Compare-and-set on this node: if the client already resumed elsewhere, the session stays connected there.
    await this.storage.setConnection(live.sessionId, null, null, this.options.now(), this.options.node);
  }

  /** Ends a session for good: closes its connection here and drops its inbox. */
  async end(sessionId: string, reason: 'client' | 'backend' | 'expired'): Promise<boolean> {
    const live = this.delivery.get(sessionId);
    if (live) {
      // The transport's close calls disconnected(), which releases the connection count.
      this.delivery.detach(live);
      live.outlet.close(CloseCode.SessionEnded, reason === 'client' ? 'session closed' : `session ended (${reason})`);
    }
    const ended = await this.storage.endSession(sessionId);
    if (!ended) return false;
    for (const e of this.events) e.ended?.(ended.session, reason, ended.dropped);
    return true;
  }

  /** Ends sessions that stayed disconnected beyond their ttl. Returns how many ended. */
  async expire(): Promise<number> {
    const ids = await this.storage.expiredSessions(this.options.now(), 500);
    let ended = 0;
    for (const id of ids) if (await this.end(id, 'expired')) ended++;
    return ended;
  }

  connections(appId: string): number {
    return this.connectionsPerApp.get(appId) ?? 0;
  }
}
