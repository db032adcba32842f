// A long-poll connection: frames queue between polls; a waiting poll is answered as soon as there is something to say.
import type { ServerResponse } from 'node:http';
import { CloseCode, type HelloFrame } from '@herald/protocol';
import { hashSecret, safeEqual } from '../../auth/secrets.js';
import type { Delivery } from '../../core/delivery.js';
import type { Outlet } from '../../core/outlet.js';
import type { Sessions } from '../../core/sessions.js';
import { NativeConnection, type NativeConnectionHooks } from '../../protocols/native/connection.js';
import { CORS_HEADERS } from '../http-common/cors.js';
import { disconnectFrame, parseErrorFrame, sendRefusal } from '../http-common/refusal.js';

export interface LongPollDeps {
  sessions: Sessions;
  delivery: Delivery;
  hooks: NativeConnectionHooks;
  /** Bytes queued for a client that is not polling before the connection lets go (the inbox keeps the rest). */
  maxBuffered: number;
  /** The welcome named the session: index the connection under it. */
  opened(conn: LongPollConnection): void;
  /** The connection said its last word or was forgotten: drop it from every index. */
  gone(conn: LongPollConnection): void;
}

interface Waiting {
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

interface Queued {
  frame: string;
  seq: number | undefined;
}

function readWelcome(frame: string): { session: string; secret: string } | null {
  try {
    const value = JSON.parse(frame) as { op?: unknown; session?: unknown; secret?: unknown };
    if (value.op === 'welcome' && typeof value.session === 'string' && typeof value.secret === 'string') return { session: value.session, secret: value.secret };
  } catch {
    // not a welcome
  }
  return null;
}

function answerFrames(res: ServerResponse, frames: string[]): void {
  const text = `[${frames.join(',')}]`;
  res.writeHead(200, { ...CORS_HEADERS, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/**
 * One client connection made of successive polls. It is attached to the session in the delivery core
 * while polls keep coming; a client that stops polling is detached (the session is then disconnected
 * and its ttl runs), and a later poll attaches it again without a new welcome. A queue that outgrows
 * `maxBuffered` also detaches it: the queued frames go with the next poll, the rest waits in the inbox.
 */
export class LongPollConnection {
  sessionId: string | null = null;
  private secretHash: string | null = null;
  private queue: Queued[] = [];
  private bytes = 0;
  private waiting: Waiting | null = null;
  private native: NativeConnection | null = null;
  /** Bumped by every attach and detach: an outlet from an older attachment is ignored. */
  private generation = 0;
  /** The current attachment got its welcome. */
  private welcomed = false;
  private heldError: string | null = null;
  /** Set once the server ended this connection: the next poll gets this disconnect frame. */
  private ending: string | null = null;
  private flushScheduled = false;
  /** Highest seq handed to the client in an answer: acks are clamped to it. */
  private returned = 0;
  private acked = 0;
  /** Heartbeat sweeps since a poll was last seen. */
  private idle = 0;
  /** The inbox catch-up, waiting for a poll to take the queue. */
  private drainWaiters: Array<() => void> = [];

  constructor(
    readonly id: string,
    private readonly deps: LongPollDeps,
  ) {}

  /** True when a poll with this secret may continue this connection. */
  owns(secret: string): boolean {
    return this.secretHash !== null && safeEqual(hashSecret(secret), this.secretHash);
  }

  /** True when the next poll must attach again: detached, nothing queued, not ended. */
  get needsAttach(): boolean {
    return this.native === null && this.queue.length === 0 && this.ending === null;
  }

  /** Opens or resumes the session through the native handshake. `silent` swallows the welcome: the client already has one. */
  attach(hello: HelloFrame, silent: boolean): void {
    this.detach();
    const generation = this.generation;
    // The getter below has its own `this`.
    const conn = this;
    this.welcomed = false;
    this.heldError = null;
    const outlet: Outlet = {
      transport: 'long-poll',
      get congested() {
        return conn.generation === generation && conn.bytes > conn.deps.maxBuffered;
      },
      drained: () => this.drained(),
      send: (frame, seq) => {
        if (generation === this.generation) this.fromServer(frame, seq, silent);
      },
      close: (code, reason) => {
        if (generation === this.generation) this.end(code, reason);
      },
    };
    this.native = new NativeConnection(outlet, this.deps.sessions, this.deps.delivery, this.deps.hooks);
    this.native.receive(JSON.stringify(hello));
  }

  /** A poll arrived: acknowledges, answers an older waiting poll with nothing (the newer one wins), then waits up to `waitMs`. */
  poll(res: ServerResponse, ack: number, waitMs: number): void {
    this.idle = 0;
    const previous = this.takeWaiting();
    if (previous) answerFrames(previous.res, []);
    const seq = Math.min(ack, this.returned);
    if (this.sessionId !== null && seq > this.acked) {
      this.acked = seq;
      this.deps.delivery.ack(this.sessionId, seq);
    }
    const timer = setTimeout(() => this.answer(), waitMs);
    this.waiting = { res, timer };
    res.on('close', () => {
      if (this.waiting?.res !== res) return;
      clearTimeout(timer);
      this.waiting = null;
    });
    if (this.queue.length > 0 || this.ending !== null) this.scheduleFlush();
  }

  /**
   * Ends the connection with a close code: before the welcome the waiting poll gets an HTTP refusal,
   * after it the next poll gets a disconnect frame.
   */
  end(code: number, reason: string): void {
    if (this.ending !== null) return;
    if (code === CloseCode.SessionTakenOver && this.waiting === null) {
      // Polls may land on any node: the session was resumed elsewhere because this client's next poll
      // went there. Nothing to tell it; should a later poll come back here, it resumes silently.
      this.forget();
      return;
    }
    if (!this.welcomed) {
      const error = this.heldError ? parseErrorFrame(this.heldError) : null;
      this.detach();
      const waiting = this.takeWaiting();
      if (waiting) sendRefusal(waiting.res, code, error, reason);
      this.deps.gone(this);
      return;
    }
    this.ending = disconnectFrame(code, reason);
    this.detach();
    this.scheduleFlush();
  }

  /** One tick of the shared heartbeat timer. Returns false once the connection is to be forgotten. */
  sweep(): boolean {
    if (this.waiting) {
      this.idle = 0;
      return true;
    }
    this.idle++;
    // No poll for more than a heartbeat interval: the client is gone (or paused), its session is disconnected.
    if (this.idle >= 2) this.detach();
    return this.idle < 4;
  }

  /** Drops everything: detached, and a waiting poll (there is none when the sweep calls this) is left to its own close. */
  forget(): void {
    this.detach();
    this.deps.gone(this);
  }

  private fromServer(frame: string, seq: number | undefined, silent: boolean): void {
    if (!this.welcomed && seq === undefined) {
      const welcome = readWelcome(frame);
      if (welcome) {
        this.welcomed = true;
        this.sessionId = welcome.session;
        this.secretHash = hashSecret(welcome.secret);
        this.deps.opened(this);
        if (silent) return;
      } else if (parseErrorFrame(frame)) {
        // Held: a refusal follows, and becomes the HTTP answer.
        this.heldError = frame;
        return;
      }
    }
    if (this.bytes > this.deps.maxBuffered) {
      // Live notifications pile up faster than the client polls: stop taking frames. The queue goes
      // with the next poll, which then attaches again from its ack; the rest waits in the inbox.
      // (The catch-up never gets here: it waits for `drained()`.)
      this.detach();
      return;
    }
    this.queue.push({ frame, seq });
    this.bytes += frame.length;
    this.scheduleFlush();
  }

  private drained(): Promise<void> {
    if (this.bytes <= this.deps.maxBuffered || this.native === null) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private releaseDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private detach(): void {
    this.releaseDrainWaiters();
    this.generation++;
    const native = this.native;
    this.native = null;
    // Deferred: the core may be replacing this connection right now (Delivery.attach closes the old one first).
    if (native) queueMicrotask(() => native.closed());
  }

  /** Answers the waiting poll on the next turn, so frames written together leave together. */
  private scheduleFlush(): void {
    if (this.flushScheduled || !this.waiting) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.queue.length > 0 || this.ending !== null) this.answer();
    });
  }

  private answer(): void {
    const waiting = this.waiting;
    if (!waiting || waiting.res.destroyed) return;
    this.takeWaiting();
    const frames = this.queue.map((q) => q.frame);
    for (const q of this.queue) if (q.seq !== undefined && q.seq > this.returned) this.returned = q.seq;
    this.queue = [];
    this.bytes = 0;
    if (this.ending !== null) frames.push(this.ending);
    answerFrames(waiting.res, frames);
    this.releaseDrainWaiters();
    if (this.ending !== null) this.deps.gone(this);
  }

  private takeWaiting(): Waiting | null {
    const waiting = this.waiting;
    if (waiting) clearTimeout(waiting.timer);
    this.waiting = null;
    return waiting;
  }
}
