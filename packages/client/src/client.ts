// HeraldClient: the connection state machine (connect, resume, reconnect, heartbeat) and the public API.
import { CloseCode, closeAction, sessionLost } from '@herald/protocol';
import type { ClientFrame, Notification, NotificationFrame, WelcomeFrame } from '@herald/protocol';
import { backoffDelay } from './backoff.js';
import { Channels } from './channels.js';
import { Credentials } from './credentials.js';
import { Emitter } from './emitter.js';
import type { Unsubscribe } from './emitter.js';
import { HeraldClientError } from './errors.js';
import { parseServerFrame } from './frames.js';
import { Inbox } from './inbox.js';
import { Listeners } from './listeners.js';
import type { NotificationFilter, NotificationHandler } from './listeners.js';
import { resolveOptions } from './options.js';
import type { HeraldClientOptions, ResolvedOptions } from './options.js';
import { State, canTransition } from './state.js';
import type { StateChange, StateReason } from './state.js';
import type { CloseInfo, Transport } from './transport.js';

/** Payload of the `session` event. `lost`: the server no longer has the session `id` (it expired or ended). */
export interface SessionEvent {
  kind: 'new' | 'resumed' | 'lost';
  id: string;
}

/** Payload of the `notification` event: each notification once, in order, whatever the listeners. */
export interface NotificationEvent {
  seq: number;
  session: string;
  notification: Notification;
}

/** The client's events and their payloads. */
export interface ClientEvents {
  state: StateChange;
  session: SessionEvent;
  error: HeraldClientError;
  notification: NotificationEvent;
}

const EVENT_NAMES: ReadonlySet<string> = new Set<keyof ClientEvents>(['state', 'session', 'error', 'notification']);

type Timer = ReturnType<typeof setTimeout>;
type EventListener = (payload: ClientEvents[keyof ClientEvents]) => void;

/**
 * A connection to a Herald server: one session, kept across reconnects, whose notifications reach
 * the application once each, in order, however often the connection drops.
 */
export class HeraldClient {
  private readonly options: ResolvedOptions;
  private readonly events = new Emitter<ClientEvents>();
  private readonly listeners = new Listeners();
  private readonly credentials: Credentials;
  private readonly inbox: Inbox;
  /** Channel subscriptions (public, private, presence): live events, subscribed again after every reconnect. */
  readonly channels: Channels;
  private current: State = State.Disconnected;
  private transport: Transport | null = null;
  /** Bumped by every connection attempt and every teardown; a callback holding an older id is stale. */
  private transportId = 0;
  private welcomed = false;
  private heartbeat = 0;
  private attempts = 0;
  /** Set once the application calls connect/disconnect/close, so autoConnect does not overrule it. */
  private steered = false;
  private reconnectTimer: Timer | undefined;
  private connectTimer: Timer | undefined;
  private heartbeatTimer: Timer | undefined;

  /** Throws a HeraldClientError with code `invalid_options` when the options cannot work. */
  constructor(options: HeraldClientOptions) {
    this.options = resolveOptions(options);
    this.credentials = new Credentials(this.options.token);
    this.inbox = new Inbox({ sendAck: (seq) => this.send({ op: 'ack', seq }) });
    this.channels = new Channels({ send: (frame) => this.send(frame), channelAuth: options.channelAuth, onError: (error) => this.handlerFailed(error) });
    if (this.options.autoConnect) {
      queueMicrotask(() => {
        if (!this.steered) this.connect();
      });
    }
  }

  /** The connection state. */
  get state(): State {
    return this.current;
  }

  /** Id of the current (or last, if it can be resumed) session; null before the first `welcome`. */
  get sessionId(): string | null {
    return this.credentials.pair?.session ?? null;
  }

  /** Highest seq processed in the current session (0 if none): what a resume acknowledges. */
  get lastSeq(): number {
    return this.inbox.lastSeq;
  }

  /** Connects (resuming the session if one is held). No-op while connecting or connected. */
  connect(): void {
    this.steered = true;
    if (this.current === State.Connecting || this.current === State.Connected) return;
    this.attempts = 0;
    this.setState(State.Connecting, 'connect-called');
    void this.attempt();
  }

  /** Closes the connection but keeps the session: `connect()` later resumes it and gets what was missed. */
  disconnect(): void {
    this.steered = true;
    if (this.current === State.Disconnected || this.current === State.Closed) return;
    if (this.welcomed) this.inbox.flush();
    this.teardown(1000, 'disconnect');
    this.setState(State.Disconnected, 'disconnect-called');
  }

  /**
   * Ends the session for good: tells the server (when connected) so it discards the inbox, and
   * forgets the session. A later `connect()` opens a new session.
   */
  close(): void {
    this.steered = true;
    if (this.welcomed) this.send({ op: 'close' });
    this.teardown(1000, 'close');
    this.credentials.pair = null;
    this.inbox.reset();
    this.setState(State.Closed, 'close-called');
  }

  /** Listens to a client event: `state`, `session`, `error` or `notification`. */
  on<E extends keyof ClientEvents>(event: E, listener: (payload: ClientEvents[E]) => void): Unsubscribe;
  /** Calls `handler` for every notification. */
  on(handler: NotificationHandler): Unsubscribe;
  /** Calls `handler` for notifications matching `filter` (module and/or type). */
  on(filter: NotificationFilter, handler: NotificationHandler): Unsubscribe;
  on(
    target: keyof ClientEvents | NotificationFilter | NotificationHandler,
    handler?: ((payload: never) => void) | NotificationHandler,
  ): Unsubscribe {
    if (typeof target === 'function') return this.listeners.on(target);
    if (typeof handler !== 'function') throw new TypeError('on(): the handler must be a function');
    if (typeof target === 'string') {
      if (!EVENT_NAMES.has(target)) throw new TypeError(`on(): unknown event ${JSON.stringify(target)}`);
      // The overloads above tie the listener's payload type to the event name.
      return this.events.on(target as keyof ClientEvents, handler as EventListener);
    }
    return this.listeners.on(target, handler as NotificationHandler);
  }

  /** Removes an event listener added with `on(event, listener)`. */
  off<E extends keyof ClientEvents>(event: E, listener: (payload: ClientEvents[E]) => void): void;
  /** Removes a notification handler everywhere it was added, or every handler registered under a key. */
  off(handlerOrKey: NotificationHandler | string): void;
  off(target: keyof ClientEvents | NotificationHandler | string, listener?: (payload: never) => void): void {
    if (typeof target === 'string' && listener !== undefined && EVENT_NAMES.has(target)) {
      this.events.off(target as keyof ClientEvents, listener as EventListener);
      return;
    }
    this.listeners.off(target);
  }

  /** Calls `handler` for notifications whose `key` is `key`, and for those matching `filter` if given. */
  register(key: string, handler: NotificationHandler, filter?: NotificationFilter): Unsubscribe {
    return this.listeners.register(key, handler, filter);
  }

  /** Skips the handlers registered under `key` until it is enabled again. */
  disable(key: string): void {
    this.listeners.disable(key);
  }

  /** Delivers to the handlers registered under `key` again. */
  enable(key: string): void {
    this.listeners.enable(key);
  }

  /** Skips every keyed handler, present and future, until `enableAll()` (or `enable(key)`). */
  disableAll(): void {
    this.listeners.disableAll();
  }

  /** Delivers to every keyed handler again. */
  enableAll(): void {
    this.listeners.enableAll();
  }

  // ---- the state machine ----

  private setState(to: State, reason: StateReason, code?: number): void {
    const from = this.current;
    if (from === to) return;
    if (!canTransition(from, to)) throw new Error(`HeraldClient: no transition from ${from} to ${to}`);
    this.current = to;
    const change: StateChange = { from, to, reason };
    if (code !== undefined) change.code = code;
    this.emit('state', change);
  }

  /** One connection attempt: fetch a token if needed, open a transport, send `hello` once it opens. */
  private async attempt(): Promise<void> {
    const id = ++this.transportId;
    this.welcomed = false;
    if (this.credentials.needsToken()) {
      try {
        await this.credentials.fetchToken();
      } catch (error) {
        if (id !== this.transportId) return;
        this.emitError(error instanceof HeraldClientError ? error : new HeraldClientError('token_failed', String(error)));
        this.scheduleReconnect(false);
        return;
      }
      if (id !== this.transportId || this.current !== State.Connecting) return;
    }
    let transport: Transport;
    try {
      transport = this.options.transport(this.options.url);
      this.transport = transport;
      this.connectTimer = setTimeout(() => {
        if (id !== this.transportId) return;
        this.teardown(1000, 'connect timeout');
        this.emitError(new HeraldClientError('connect_timeout', `No welcome within ${this.options.connectTimeout} ms.`));
        if (this.current === State.Connecting) this.scheduleReconnect(false);
      }, this.options.connectTimeout);
      transport.open({
        onOpen: () => {
          if (id === this.transportId) transport.send(this.credentials.hello(this.inbox.lastSeq));
        },
        onMessage: (text) => {
          if (id === this.transportId) this.receive(text, id);
        },
        onClose: (info) => {
          if (id === this.transportId) this.closed(info);
        },
      });
    } catch (cause) {
      if (id !== this.transportId) return;
      this.teardown(1000, 'open failed');
      this.emitError(new HeraldClientError('connection_failed', 'Could not open a transport.', { cause }));
      this.scheduleReconnect(false);
    }
  }

  /** Waits out the backoff (or nothing, for a server that asked for an immediate reconnect), then tries again. */
  private scheduleReconnect(now: boolean): void {
    const delay = now && this.attempts === 0 ? 0 : backoffDelay(this.attempts, this.options.backoff);
    this.attempts++;
    const id = this.transportId;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (id === this.transportId && this.current === State.Connecting) void this.attempt();
    }, delay);
  }

  /** Drops the current transport (if any) and every timer; callbacks still in flight become stale. */
  private teardown(code: number, reason: string): void {
    this.transportId++;
    this.welcomed = false;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.connectTimer);
    clearTimeout(this.heartbeatTimer);
    this.reconnectTimer = this.connectTimer = this.heartbeatTimer = undefined;
    this.inbox.suspend();
    this.channels.disconnected();
    const transport = this.transport;
    this.transport = null;
    transport?.close(code, reason);
  }

  /** The transport closed under us: decide from the close code whether and how to come back. */
  private closed(info: CloseInfo): void {
    const { code } = info;
    const welcomed = this.welcomed;
    this.transport = null;
    this.teardown(code, info.reason);
    if (code === CloseCode.TokenExpired) this.credentials.tokenExpired();
    const lost = sessionLost(code) || code === CloseCode.SessionEnded ? this.forgetSession() : null;
    const action = closeAction(code);
    if (action === 'stop') {
      this.setState(State.Closed, 'server-closed', code);
    } else {
      this.setState(State.Connecting, 'transport-closed', code);
    }
    if (lost !== null) this.emit('session', { kind: 'lost', id: lost });
    if (action === 'stop' || this.current !== State.Connecting) return;
    if (!welcomed && lost === null && code !== CloseCode.TokenExpired) {
      this.emitError(new HeraldClientError('connection_failed', `Connection closed before welcome (code ${code}).`));
    }
    if (this.current === State.Connecting) this.scheduleReconnect(action === 'reconnect-now');
  }

  /** Forgets the session and its position; returns its id, or null when there was none. */
  private forgetSession(): string | null {
    const id = this.credentials.pair?.session ?? null;
    this.credentials.pair = null;
    this.inbox.reset();
    return id;
  }

  // ---- frames ----

  private receive(text: string, id: number): void {
    // Any frame, even one we cannot read, proves the server is alive.
    this.armHeartbeat();
    const parsed = parseServerFrame(text);
    if (parsed.kind === 'unknown') return;
    if (parsed.kind === 'channel') return this.channels.receive(parsed.frame);
    if (parsed.kind === 'invalid') {
      this.emitError(new HeraldClientError('invalid_frame', `Ignored a server frame: ${parsed.reason}.`));
      return;
    }
    const frame = parsed.frame;
    switch (frame.op) {
      case 'welcome':
        this.welcome(frame, id);
        return;
      case 'notification':
        this.deliver(frame, id);
        return;
      case 'ping':
        this.send({ op: 'pong' });
        return;
      case 'pong':
        return;
      case 'error':
        this.emitError(new HeraldClientError(frame.code, frame.message));
        return;
      default: {
        const unreachable: never = frame;
        return unreachable;
      }
    }
  }

  private welcome(frame: WelcomeFrame, id: number): void {
    if (this.welcomed) {
      this.emitError(new HeraldClientError('invalid_frame', 'Ignored a second welcome.'));
      return;
    }
    this.welcomed = true;
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    const previous = this.credentials.pair?.session ?? null;
    const resumed = frame.resumed && previous === frame.session;
    // A resume the server refused by opening a new session instead: the old session is gone.
    const lost = !resumed && previous !== null ? previous : null;
    if (!resumed) this.inbox.reset();
    this.credentials.pair = { session: frame.session, secret: frame.secret };
    this.heartbeat = frame.heartbeat;
    this.attempts = 0;
    this.armHeartbeat();
    this.inbox.connected(frame.acked);
    // Session events first, so a `state` listener seeing `connected` already knows which session it is.
    if (lost !== null) this.emit('session', { kind: 'lost', id: lost });
    if (id === this.transportId) this.emit('session', { kind: resumed ? 'resumed' : 'new', id: frame.session });
    if (id === this.transportId) this.setState(State.Connected, 'welcome');
  }

  private deliver(frame: NotificationFrame, id: number): void {
    if (!this.welcomed) {
      this.emitError(new HeraldClientError('invalid_frame', 'Ignored a notification before welcome.'));
      return;
    }
    if (!this.inbox.accept(frame.seq)) return;
    const session = this.credentials.pair?.session ?? '';
    const info = { seq: frame.seq, session };
    // Both run even if a handler disconnects meanwhile: the seq is already counted as processed.
    this.listeners.dispatch(frame.notification, info, (error) => this.handlerFailed(error));
    this.emit('notification', { ...info, notification: frame.notification });
    if (id === this.transportId) this.inbox.done();
  }

  /** Restarts the watchdog: no frame for twice the heartbeat means the connection is dead. */
  private armHeartbeat(): void {
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    if (!this.welcomed || this.heartbeat <= 0) return;
    const id = this.transportId;
    this.heartbeatTimer = setTimeout(() => {
      if (id !== this.transportId) return;
      this.teardown(CloseCode.HeartbeatTimeout, 'heartbeat timeout');
      this.setState(State.Connecting, 'heartbeat-timeout');
      if (this.current === State.Connecting) this.scheduleReconnect(false);
    }, this.heartbeat * 2);
  }

  private send(frame: ClientFrame): boolean {
    return this.transport?.send(frame) ?? false;
  }

  // ---- events ----

  private emit<E extends keyof ClientEvents>(event: E, payload: ClientEvents[E]): void {
    this.events.emit(event, payload, (error) => this.handlerFailed(error));
  }

  private handlerFailed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.emitError(new HeraldClientError('handler_error', `A handler threw: ${message}`, { cause: error }));
  }

  /** Errors thrown by `error` listeners themselves are dropped: there is nowhere left to report them. */
  private emitError(error: HeraldClientError): void {
    this.events.emit('error', error);
  }
}
