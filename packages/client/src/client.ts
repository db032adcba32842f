// HeraldClient: the public API: options, connection control, notification handlers and events.
import { Channels } from './channels.js';
import { Connection } from './connection.js';
import { Emitter } from './emitter.js';
import type { Unsubscribe } from './emitter.js';
import { HeraldClientError } from './errors.js';
import { EVENT_NAMES } from './events.js';
import type { ClientEvents } from './events.js';
import { Jobs } from './jobs.js';
import { Listeners } from './listeners.js';
import type { NotificationFilter, NotificationHandler } from './listeners.js';
import { resolveOptions } from './options.js';
import type { HeraldClientOptions } from './options.js';
import type { State } from './state.js';

export type { ClientEvents, NotificationEvent, SessionEvent } from './events.js';

type EventListener = (payload: ClientEvents[keyof ClientEvents]) => void;

/**
 * A connection to a Herald server: one session, kept across reconnects, whose notifications reach
 * the application once each, in order, however often the connection drops.
 */
export class HeraldClient {
  private readonly events = new Emitter<ClientEvents>();
  private readonly listeners = new Listeners();
  private readonly connection: Connection;
  /** Jobs the backend runs for this session: `jobs.watch(id, {onProgress})`, `jobs.on('started', ...)`. */
  readonly jobs: Jobs;
  /** Channel subscriptions (public, private, presence): live events, subscribed again after every reconnect. */
  readonly channels: Channels;
  /** Set once the application calls connect/disconnect/close, so autoConnect does not overrule it. */
  private steered = false;

  /** Throws a HeraldClientError with code `invalid_options` when the options cannot work. */
  constructor(options: HeraldClientOptions) {
    const resolved = resolveOptions(options);
    this.connection = new Connection(resolved, {
      emit: (event, payload) => this.emit(event, payload),
      emitError: (error) => this.emitError(error),
      deliver: (notification, info) => {
        // Both run even if a handler disconnects meanwhile: the seq already counts as processed.
        this.listeners.dispatch(notification, info, (error) => this.handlerFailed(error));
        this.emit('notification', { ...info, notification });
      },
      channelFrame: (frame) => this.channels.receive(frame),
      transportLost: () => this.channels.disconnected(),
    });
    this.channels = new Channels({ send: (frame) => this.connection.send(frame), channelAuth: options.channelAuth, onError: (error) => this.handlerFailed(error) });
    this.jobs = new Jobs(this);
    if (resolved.autoConnect) {
      queueMicrotask(() => {
        if (!this.steered) this.connect();
      });
    }
  }

  /** The connection state. */
  get state(): State {
    return this.connection.state;
  }

  /** Id of the current session (or the last one, while it can be resumed); null before the first `welcome`. */
  get sessionId(): string | null {
    return this.connection.sessionId;
  }

  /** `Session <id>:<secret>`: proves this client's session on Herald's HTTP routes (Web Push registration). Null before the first `welcome`. */
  get sessionAuthorization(): string | null {
    return this.connection.sessionAuthorization;
  }

  /** The transport in use or being tried: 'websocket', 'sse' or 'long-poll' (or a custom transport's name); null when none. */
  get transport(): string | null {
    return this.connection.transportName;
  }

  /** Highest seq processed in the current session (0 if none): what a resume acknowledges. */
  get lastSeq(): number {
    return this.connection.lastSeq;
  }

  /** Connects, resuming the session if one is held. No-op while connecting or connected. */
  connect(): void {
    this.steered = true;
    this.connection.connect();
  }

  /** Closes the connection but keeps the session: `connect()` later resumes it and gets what was missed. */
  disconnect(): void {
    this.steered = true;
    this.connection.disconnect();
  }

  /**
   * Ends the session for good: tells the server (when connected) so it discards the inbox, and
   * forgets the session. A later `connect()` opens a new session.
   */
  close(): void {
    this.steered = true;
    this.connection.close();
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
