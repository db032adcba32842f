// One native-protocol connection: handshake, acknowledgements, pings and refusals, whatever the transport.
import { CloseCode, type ErrorFrame } from '@herald/protocol';
import { HeraldError, toHeraldError } from '../../errors.js';
import { HandshakeError, type Sessions } from '../../core/sessions.js';
import type { Delivery, LiveSession } from '../../core/delivery.js';
import type { Outlet } from '../../core/outlet.js';
import { parseClientFrame } from './codec.js';
import { NativeChannels } from './channels.js';
import type { ChannelHub } from '../../core/channels/index.js';

export interface NativeConnectionHooks {
  onError(err: unknown, context: string): void;
  onRefused(code: string, message: string): void;
  /** The channel hub; without it, channel frames are refused. */
  channels?: ChannelHub;
}

/** Frames received before the handshake completes that we are willing to queue. */
const MAX_EARLY_FRAMES = 64;

export class NativeConnection {
  private state: 'awaiting-hello' | 'opening' | 'open' | 'closed' = 'awaiting-hello';
  private live: LiveSession | null = null;
  private channels: NativeChannels | null = null;
  private early: string[] = [];
  /** Set on every frame received: the heartbeat sweep closes connections that stay silent. */
  alive = true;

  constructor(
    private readonly outlet: Outlet,
    private readonly sessions: Sessions,
    private readonly delivery: Delivery,
    private readonly hooks: NativeConnectionHooks,
  ) {}

  get sessionId(): string | null {
    return this.live?.sessionId ?? null;
  }

  receive(text: string): void {
    this.alive = true;
    if (this.state === 'closed') return;
    if (this.state === 'opening') {
      if (this.early.length >= MAX_EARLY_FRAMES) return this.refuse(new HeraldError('protocol_error', 'too many frames before welcome'), CloseCode.ProtocolError);
      this.early.push(text);
      return;
    }
    let frame;
    try {
      frame = parseClientFrame(text);
    } catch (err) {
      return this.reportError(toHeraldError(err));
    }
    if (this.state === 'awaiting-hello') {
      if (frame.op !== 'hello') return this.refuse(new HeraldError('handshake_required'), CloseCode.ProtocolError);
      this.state = 'opening';
      this.sessions.open(frame, this.outlet).then(
        (opened) => {
          if (this.state === 'closed') {
            // The socket went away while the session was being opened.
            void this.sessions.disconnected(opened.live).catch((err: unknown) => this.hooks.onError(err, 'disconnect'));
            return;
          }
          this.live = opened.live;
          this.state = 'open';
          const hub = this.hooks.channels;
          if (hub) {
            this.channels = new NativeChannels(opened.app, opened.record.id, opened.record.userId, this.outlet, hub, this.hooks.onRefused);
            this.channels.open();
          }
          const queued = this.early;
          this.early = [];
          for (const t of queued) this.receive(t);
        },
        (err: unknown) => {
          if (err instanceof HandshakeError) return this.refuse(err, err.closeCode);
          this.hooks.onError(err, 'handshake');
          this.refuse(toHeraldError(err), CloseCode.OverCapacity);
        },
      );
      return;
    }
    const live = this.live!;
    switch (frame.op) {
      case 'ack':
        if (frame.seq > live.cursor) return this.reportError(new HeraldError('protocol_error', `ack ${frame.seq} is beyond what was sent (${live.cursor})`));
        this.delivery.ack(live.sessionId, frame.seq);
        return;
      case 'ping':
        this.outlet.send('{"op":"pong"}');
        return;
      case 'pong':
        return;
      case 'close':
        this.state = 'closed';
        void this.sessions.end(live.sessionId, 'client').catch((err: unknown) => this.hooks.onError(err, 'end session'));
        return;
      case 'hello':
        return this.reportError(new HeraldError('protocol_error', 'already said hello'));
      case 'subscribe':
      case 'unsubscribe':
      case 'channel_event':
        if (!this.channels) return this.reportError(new HeraldError('unknown_op', 'channels are not enabled on this server'));
        return this.channels.receive(frame);
      default: {
        const unknown: never = frame;
        return this.reportError(new HeraldError('unknown_op', `unknown op ${JSON.stringify(unknown)}`));
      }
    }
  }

  /** The transport closed. */
  closed(): void {
    this.state = 'closed';
    const live = this.live;
    this.live = null;
    this.channels?.closed().catch((err: unknown) => this.hooks.onError(err, 'channels detach'));
    this.channels = null;
    if (live) void this.sessions.disconnected(live).catch((err: unknown) => this.hooks.onError(err, 'disconnect'));
  }

  private reportError(err: HeraldError): void {
    this.hooks.onRefused(err.code, err.message);
    const frame: ErrorFrame = { op: 'error', code: err.code, message: err.message };
    this.outlet.send(JSON.stringify(frame));
  }

  private refuse(err: HeraldError, closeCode: number): void {
    this.reportError(err);
    this.state = 'closed';
    this.outlet.close(closeCode, err.message.slice(0, 120));
  }
}
