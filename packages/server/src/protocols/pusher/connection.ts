// One Pusher protocol 7 connection: handshake, ping/pong, subscriptions, client events and user sign-in.
import type { ChannelHub, ChannelSubscriber, SubscriberMessage } from '../../core/channels/index.js';
import { newSocketId } from '../../core/channels/socket-id.js';
import { signinText, verifyAuthToken, type AppCredentials } from '../../core/channels/authorize.js';
import { PusherCode } from './codes.js';
import { PING, PONG, connectionEstablished, errorFrame, parseClientMessage, signinSuccess, encodeSubscriberMessage } from './codec.js';

/** The socket as the connection sees it. */
export interface PusherOutlet {
  /** A text frame. The same string sent to many sockets in a row is framed once. */
  send(frame: string): void;
  close(code: number, reason: string): void;
}

export interface PusherConnectionHooks {
  onError(err: unknown, context: string): void;
  onRefused(code: string, message: string): void;
}

export class PusherConnection implements ChannelSubscriber {
  readonly socketId = newSocketId();
  /** When a frame last arrived (ms), and when the server's unanswered ping went out (0: none pending). */
  lastSeen: number;
  pingSentAt = 0;
  private signedIn: string | null = null;
  private closed = false;

  constructor(
    readonly app: AppCredentials,
    private readonly outlet: PusherOutlet,
    private readonly hub: ChannelHub,
    private readonly hooks: PusherConnectionHooks,
    readonly activityTimeout: number,
    private readonly now: () => number,
  ) {
    this.lastSeen = now();
  }

  /** Sends `connection_established`: the client may subscribe from now on. */
  open(): void {
    this.hub.attach(this);
    this.outlet.send(connectionEstablished(this.socketId, this.activityTimeout));
  }

  userId(): string | null {
    return this.signedIn;
  }

  receive(text: string): void {
    if (this.closed) return;
    this.lastSeen = this.now();
    this.pingSentAt = 0;
    const message = parseClientMessage(text);
    switch (message.kind) {
      case 'ping':
        this.outlet.send(PONG);
        return;
      case 'pong':
      case 'ignored':
        return;
      case 'subscribe': {
        const request = { channel: message.channel, ...(message.auth !== undefined ? { auth: message.auth } : {}), ...(message.channelData !== undefined ? { channelData: message.channelData } : {}) };
        void this.hub.subscribe(this, request);
        return;
      }
      case 'unsubscribe':
        void this.hub.unsubscribe(this, message.channel);
        return;
      case 'signin':
        this.signin(message.auth, message.userData);
        return;
      case 'client_event': {
        const refusal = this.hub.clientEvent(this, { channel: message.channel, event: message.event, data: message.data });
        if (refusal) this.error(PusherCode.ClientEventRejected, `Client event rejected: ${refusal.message}`, refusal.code);
        return;
      }
      case 'invalid':
        this.error(PusherCode.Reconnect, `Invalid message format: ${message.reason}`, 'protocol_error');
        return;
      default: {
        const unknown: never = message;
        this.hooks.onError(new Error(`unhandled message ${JSON.stringify(unknown)}`), 'pusher message');
      }
    }
  }

  send(message: SubscriberMessage): void {
    if (!this.closed) this.outlet.send(encodeSubscriberMessage(message));
  }

  /** Sends the server's ping (the client has been silent for activity_timeout). */
  ping(): void {
    this.pingSentAt = this.now();
    this.outlet.send(PING);
  }

  terminate(): void {
    this.refuse(PusherCode.Unauthorized, 'You got disconnected by the app.', 'terminated');
  }

  /** Sends `pusher:error` and closes with the same code. */
  refuse(code: number, message: string, reason: string): void {
    if (this.closed) return;
    this.error(code, message, reason);
    this.closed = true;
    this.outlet.close(code, message.slice(0, 120));
  }

  /** The socket closed: leave every channel. */
  closedBySocket(): void {
    this.closed = true;
    this.hub.detach(this).catch((err: unknown) => this.hooks.onError(err, 'pusher detach'));
  }

  private signin(auth: string, userData: string): void {
    let id: unknown;
    try {
      id = (JSON.parse(userData) as { id?: unknown } | null)?.id;
    } catch {
      id = undefined;
    }
    if (!verifyAuthToken(this.app, auth, signinText(this.socketId, userData))) {
      return this.refuse(PusherCode.Unauthorized, 'Invalid signature for pusher:signin', 'signin_unauthorized');
    }
    if (typeof id !== 'string' || id === '') return this.refuse(PusherCode.Unauthorized, 'user_data.id must be a non-empty string', 'signin_invalid');
    if (this.signedIn !== null && this.signedIn !== id) return this.refuse(PusherCode.Unauthorized, 'Already signed in as another user', 'signin_conflict');
    this.signedIn = id;
    this.outlet.send(signinSuccess(userData));
  }

  private error(code: number, message: string, reason: string): void {
    this.hooks.onRefused(reason, message);
    this.outlet.send(errorFrame(code, message));
  }
}
