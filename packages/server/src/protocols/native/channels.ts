// Channel subscriptions of one native connection: the hub's subscriber, speaking native frames.
import type { ChannelClientFrame, ChannelServerFrame, ErrorFrame } from '@herald/protocol';
import type { ChannelHub, ChannelSubscriber, SubscriberMessage } from '../../core/channels/index.js';
import type { AppCredentials } from '../../core/channels/authorize.js';
import { newSocketId } from '../../core/channels/socket-id.js';
import type { Outlet } from '../../core/outlet.js';

/** The last message encoded: the hub hands one message to every subscriber of a fan-out in a row, so a broadcast is serialized once. */
let lastMessage: SubscriberMessage | null = null;
let lastText = '';

/** The native frame for a hub message. */
export function channelFrame(message: SubscriberMessage): string {
  if (message === lastMessage) return lastText;
  let frame: ChannelServerFrame;
  switch (message.kind) {
    case 'subscribed':
      frame = { op: 'subscribed', channel: message.channel };
      if (message.members) frame.members = message.members.map((m) => ({ id: m.userId, info: m.info }));
      break;
    case 'refused':
      frame = { op: 'subscription_error', channel: message.channel, code: message.refusal.code, message: message.refusal.message };
      break;
    case 'event':
      frame = { op: 'channel_event', channel: message.channel, event: message.event, data: message.data };
      if (message.userId !== undefined) frame.userId = message.userId;
      break;
    case 'cache_miss':
      frame = { op: 'cache_miss', channel: message.channel };
      break;
    case 'member_added':
      frame = { op: 'member_added', channel: message.channel, member: { id: message.member.userId, info: message.member.info } };
      break;
    case 'member_removed':
      frame = { op: 'member_removed', channel: message.channel, userId: message.userId };
      break;
    default: {
      const unknown: never = message;
      throw new Error(`unknown subscriber message ${JSON.stringify(unknown)}`);
    }
  }
  const text = JSON.stringify(frame);
  lastMessage = message;
  lastText = text;
  return text;
}

export class NativeChannels implements ChannelSubscriber {
  readonly socketId = newSocketId();

  constructor(
    readonly app: AppCredentials,
    readonly sessionId: string,
    private readonly user: string | null,
    private readonly outlet: Outlet,
    private readonly hub: ChannelHub,
    private readonly onRefused: (code: string, message: string) => void,
  ) {}

  /** Registers with the hub and tells the client its socket id (what channel signatures cover). */
  open(): void {
    this.hub.attach(this);
    this.outlet.send(JSON.stringify({ op: 'socket', socketId: this.socketId }));
  }

  userId(): string | null {
    return this.user;
  }

  receive(frame: ChannelClientFrame): void {
    switch (frame.op) {
      case 'subscribe':
        void this.hub.subscribe(this, { channel: frame.channel, ...(frame.auth !== undefined ? { auth: frame.auth } : {}), ...(frame.channelData !== undefined ? { channelData: frame.channelData } : {}) });
        return;
      case 'unsubscribe':
        void this.hub.unsubscribe(this, frame.channel);
        return;
      case 'channel_event': {
        const refusal = this.hub.clientEvent(this, { channel: frame.channel, event: frame.event, data: JSON.stringify(frame.data ?? null) });
        if (!refusal) return;
        this.onRefused(refusal.code, refusal.message);
        const error: ErrorFrame = { op: 'error', code: refusal.code, message: refusal.message };
        this.outlet.send(JSON.stringify(error));
        return;
      }
      default: {
        const unknown: never = frame;
        throw new Error(`unknown channel frame ${JSON.stringify(unknown)}`);
      }
    }
  }

  send(message: SubscriberMessage): void {
    this.outlet.send(channelFrame(message));
  }

  /** Pusher's terminate_connections closes Pusher connections only; native sessions end through the native API. */
  terminate(): void {}

  closed(): Promise<void> {
    return this.hub.detach(this);
  }
}
