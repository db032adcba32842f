// The connection state machine: connect, hello/welcome, resume, reconnect with backoff, heartbeat watchdog.
import { CloseCode, closeAction, sessionLost } from '@herald/protocol';
import type { ChannelServerFrame, ClientFrame, Notification, NotificationFrame, WelcomeFrame } from '@herald/protocol';
import { backoffDelay } from './backoff.js';
import { Credentials } from './credentials.js';
import { HeraldClientError } from './errors.js';
import type { ClientEvents } from './events.js';
import { parseServerFrame } from './frames.js';
import { Inbox } from './inbox.js';
import type { DeliveryInfo } from './listeners.js';
import type { ResolvedOptions } from './options.js';
import { State, canTransition } from './state.js';
import type { StateChange, StateReason } from './state.js';
import type { CloseInfo, Transport } from './transport.js';
import { TransportPolicy } from './transport-policy.js';

/** How the connection reaches the rest of the client. */
export interface ConnectionHooks {
  /** Emits `state` and `session` events. */
  emit<E extends 'state' | 'session'>(event: E, payload: ClientEvents[E]): void;
  emitError(error: HeraldClientError): void;
  /** Hands one new notification to the application (called once per seq, in order). */
  deliver(notification: Notification, info: DeliveryInfo): void;
  /** A channel frame (subscriptions, channel events, presence) for the channel layer. */
  channelFrame(frame: ChannelServerFrame): void;
  /** The transport is gone: channel subscriptions must be made again on the next connection. */
  transportLost(): void;
}

type Timer = ReturnType<typeof setTimeout>;

/** How the next attempt starts: at once after a fallback, at once (first try) when the server asked, or after a backoff. */
type Retry = 'fallback' | 'now' | 'backoff';

/**
 * One session's connection to the server, across as many transports as it takes.
 * Every callback and timer captures the transport id current when it was set up, and does nothing
 * once that id has moved on: a replaced transport, a late token or an old timer cannot act.
 */
export class Connection {
  private readonly credentials: Credentials;
  private readonly inbox: Inbox;
  private readonly policy: TransportPolicy;
  private current: State = State.Disconnected;
  private transport: Transport | null = null;
  /** Bumped by every connection attempt and every teardown; a callback holding an older id is stale. */
  private transportId = 0;
  private welcomed = false;
  private heartbeat = 0;
  private attempts = 0;
  private reconnectTimer: Timer | undefined;
  private connectTimer: Timer | undefined;
  private heartbeatTimer: Timer | undefined;
  private upgradeTimer: Timer | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly hooks: ConnectionHooks,
  ) {
    this.credentials = new Credentials(options.token);
    this.inbox = new Inbox({ sendAck: (seq) => this.send({ op: 'ack', seq }) });
    this.policy = new TransportPolicy(options.transports.length, options.upgradeAfter);
  }

  /** Name of the transport in use or being tried ('websocket', 'sse', 'long-poll'); null when there is none. */
  get transportName(): string | null {
    return this.transport?.name ?? null;
  }

  /** The current state. */
  get state(): State {
    return this.current;
  }

  /** The session held for resuming, if any. */
  get sessionId(): string | null {
    return this.credentials.pair?.session ?? null;
  }

  /** Highest seq processed in the held session. */
  get lastSeq(): number {
    return this.inbox.lastSeq;
  }

  /** `Session <id>:<secret>` for Herald's HTTP routes that act for this session; null before the first welcome. */
  get sessionAuthorization(): string | null {
    const pair = this.credentials.pair;
    return pair ? `Session ${pair.session}:${pair.secret}` : null;
  }

  /** Starts connecting (no-op while connecting or connected). */
  connect(): void {
    if (this.current === State.Connecting || this.current === State.Connected) return;
    this.attempts = 0;
    this.setState(State.Connecting, 'connect-called');
    void this.attempt();
  }

  /** Flushes the pending ack, drops the transport and keeps the session for a resume. */
  disconnect(): void {
    if (this.current === State.Disconnected || this.current === State.Closed) return;
    if (this.welcomed) this.inbox.flush();
    this.teardown(1000, 'disconnect');
    this.setState(State.Disconnected, 'disconnect-called');
  }

  /** Ends the session (telling the server when connected) and forgets it. */
  close(): void {
    if (this.welcomed) this.send({ op: 'close' });
    this.teardown(1000, 'close');
    this.credentials.pair = null;
    this.inbox.reset();
    this.setState(State.Closed, 'close-called');
  }

  private setState(to: State, reason: StateReason, code?: number): void {
    const from = this.current;
    if (from === to) return;
    if (!canTransition(from, to)) throw new Error(`HeraldClient: no transition from ${from} to ${to}`);
    this.current = to;
    const change: StateChange = { from, to, reason };
    if (code !== undefined) change.code = code;
    this.hooks.emit('state', change);
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
        this.hooks.emitError(error instanceof HeraldClientError ? error : new HeraldClientError('token_failed', String(error)));
        this.scheduleReconnect('backoff');
        return;
      }
      if (id !== this.transportId || this.current !== State.Connecting) return;
    }
    try {
      const transport = this.options.transports[this.policy.current]!(this.options.url);
      this.transport = transport;
      this.connectTimer = setTimeout(() => {
        if (id !== this.transportId) return;
        this.teardown(1000, 'connect timeout');
        this.hooks.emitError(new HeraldClientError('connect_timeout', `No welcome within ${this.options.connectTimeout} ms (${transport.name}).`));
        if (this.current === State.Connecting) this.scheduleReconnect(this.transportFailed());
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
        onAlive: () => {
          if (id === this.transportId) this.armHeartbeat();
        },
      });
    } catch (cause) {
      if (id !== this.transportId) return;
      this.teardown(1000, 'open failed');
      this.hooks.emitError(new HeraldClientError('connection_failed', 'Could not open a transport.', { cause }));
      if (this.current === State.Connecting) this.scheduleReconnect(this.transportFailed());
    }
  }

  /** The attempt failed below the protocol: the policy picks the next transport, and says whether to try it at once. */
  private transportFailed(): Retry {
    return this.policy.failed() === 'next' ? 'fallback' : 'backoff';
  }

  /**
   * Waits out the backoff, then tries again. A fallback to the next transport goes at once and does
   * not count as an attempt; so does the first try after a server asked for an immediate reconnect.
   */
  private scheduleReconnect(retry: Retry): void {
    let delay = 0;
    if (retry !== 'fallback') {
      delay = retry === 'now' && this.attempts === 0 ? 0 : backoffDelay(this.attempts, this.options.backoff);
      this.attempts++;
    }
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
    clearTimeout(this.upgradeTimer);
    this.reconnectTimer = this.connectTimer = this.heartbeatTimer = this.upgradeTimer = undefined;
    this.inbox.suspend();
    this.hooks.transportLost();
    const transport = this.transport;
    this.transport = null;
    transport?.close(code, reason);
  }

  /** The transport closed under us: the close code says whether and how to come back. */
  private closed(info: CloseInfo): void {
    const { code } = info;
    const welcomed = this.welcomed;
    const name = this.transport?.name ?? 'transport';
    this.transport = null;
    this.teardown(code, info.reason);
    if (code === CloseCode.TokenExpired) this.credentials.tokenExpired();
    const lost = sessionLost(code) || code === CloseCode.SessionEnded ? this.forgetSession() : null;
    const action = closeAction(code);
    this.setState(action === 'stop' ? State.Closed : State.Connecting, action === 'stop' ? 'server-closed' : 'transport-closed', code);
    if (lost !== null) this.hooks.emit('session', { kind: 'lost', id: lost });
    if (action === 'stop' || this.current !== State.Connecting) return;
    // Refusals the client answers by itself (new token, new session) are not errors.
    if (!welcomed && lost === null && code !== CloseCode.TokenExpired) {
      this.hooks.emitError(new HeraldClientError('connection_failed', `Connection closed before welcome (code ${code}, ${name}).`));
    }
    // Below 4000 nothing from Herald was heard: the transport itself may be what fails (a proxy refusing WebSocket).
    const retry: Retry = !welcomed && code < 4000 ? this.transportFailed() : action === 'reconnect-now' ? 'now' : 'backoff';
    if (this.current === State.Connecting) this.scheduleReconnect(retry);
  }

  /** Forgets the session and its position; returns its id, or null when there was none. */
  private forgetSession(): string | null {
    const id = this.credentials.pair?.session ?? null;
    this.credentials.pair = null;
    this.inbox.reset();
    return id;
  }

  private receive(text: string, id: number): void {
    // Any frame, even one we cannot read, proves the server is alive.
    this.armHeartbeat();
    const parsed = parseServerFrame(text);
    if (parsed.kind === 'unknown') return;
    if (parsed.kind === 'channel') return this.hooks.channelFrame(parsed.frame);
    if (parsed.kind === 'invalid') {
      this.hooks.emitError(new HeraldClientError('invalid_frame', `Ignored a server frame: ${parsed.reason}.`));
      return;
    }
    const frame = parsed.frame;
    switch (frame.op) {
      case 'welcome':
        return this.welcome(frame, id);
      case 'notification':
        return this.notification(frame, id);
      case 'ping':
        this.send({ op: 'pong' });
        return;
      case 'pong':
        return;
      case 'error':
        return this.hooks.emitError(new HeraldClientError(frame.code, frame.message));
      default: {
        const unreachable: never = frame;
        return unreachable;
      }
    }
  }

  private welcome(frame: WelcomeFrame, id: number): void {
    if (this.welcomed) {
      this.hooks.emitError(new HeraldClientError('invalid_frame', 'Ignored a second welcome.'));
      return;
    }
    this.welcomed = true;
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    const previous = this.credentials.pair?.session ?? null;
    const resumed = frame.resumed && previous === frame.session;
    // A resume the server answered with a new session instead: the old session is gone.
    const lost = !resumed && previous !== null ? previous : null;
    if (!resumed) this.inbox.reset();
    this.credentials.pair = { session: frame.session, secret: frame.secret };
    this.heartbeat = frame.heartbeat;
    this.attempts = 0;
    this.policy.welcomed();
    this.armUpgrade(id);
    this.armHeartbeat();
    this.inbox.connected(frame.acked);
    // Session events first, so a `state` listener seeing `connected` already knows which session it is.
    if (lost !== null) this.hooks.emit('session', { kind: 'lost', id: lost });
    if (id === this.transportId) this.hooks.emit('session', { kind: resumed ? 'resumed' : 'new', id: frame.session });
    if (id === this.transportId) this.setState(State.Connected, 'welcome');
  }

  private notification(frame: NotificationFrame, id: number): void {
    if (!this.welcomed) {
      this.hooks.emitError(new HeraldClientError('invalid_frame', 'Ignored a notification before welcome.'));
      return;
    }
    if (!this.inbox.accept(frame.seq)) return;
    this.hooks.deliver(frame.notification, { seq: frame.seq, session: this.sessionId ?? '' });
    // A handler may have disconnected meanwhile: the seq is processed, but there is no ack to send here.
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
      if (this.current === State.Connecting) this.scheduleReconnect('backoff');
    }, this.heartbeat * 2);
  }

  /** On a fallback transport: after the policy's delay, leave it (acks flushed, session kept) and try the best one again. */
  private armUpgrade(id: number): void {
    const delay = this.policy.upgradeDelay();
    if (delay === null) return;
    this.upgradeTimer = setTimeout(() => {
      if (id !== this.transportId || this.current !== State.Connected) return;
      this.inbox.flush();
      this.teardown(1000, 'transport upgrade');
      this.policy.upgrade();
      this.setState(State.Connecting, 'transport-upgrade');
      void this.attempt();
    }, delay);
  }

  /** Sends a frame on the current transport; false when there is none. */
  send(frame: ClientFrame): boolean {
    return this.transport?.send(frame) ?? false;
  }
}
