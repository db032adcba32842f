// Frames of Herald's native protocol (WebSocket text frames, one JSON object each). See docs/protocol.md.
import type { Notification } from './notification.js';
import type { ErrorCode } from './errors.js';
import type { JsonValue } from './json.js';

/** First frame from the client: a token to open a new session, or a session id and its secret to resume one. */
export interface HelloFrame {
  op: 'hello';
  token?: string;
  resume?: { session: string; secret: string };
  /** Highest seq the client has already processed: acknowledges it and everything before. */
  ack?: number;
}
export interface AckFrame { op: 'ack'; seq: number }
export interface PingFrame { op: 'ping' }
export interface PongFrame { op: 'pong' }
/** Ends the session for good (the inbox is discarded). */
export interface CloseSessionFrame { op: 'close' }

/**
 * Subscribes this connection to a channel (live fan-out, Pusher semantics). `auth` is required for
 * `private-` and `presence-` channels: `<app key>:<hex HMAC-SHA256(secret, socketId:channel[:channelData])>`,
 * exactly Pusher's channel authorization, so one application auth endpoint serves both protocols.
 */
export interface SubscribeFrame { op: 'subscribe'; channel: string; auth?: string; channelData?: string }
export interface UnsubscribeFrame { op: 'unsubscribe'; channel: string }
/** A client event (`client-` prefix) to the other subscribers of a private or presence channel. */
export interface ClientChannelEventFrame { op: 'channel_event'; channel: string; event: string; data?: JsonValue }

/** Channel frames a client sends. */
export type ChannelClientFrame = SubscribeFrame | UnsubscribeFrame | ClientChannelEventFrame;
export type ClientFrame = HelloFrame | AckFrame | PingFrame | PongFrame | CloseSessionFrame | ChannelClientFrame;
export type ClientOp = ClientFrame['op'];

export interface WelcomeFrame {
  op: 'welcome';
  session: string;
  /** Secret needed to resume this session; keep it like a password. */
  secret: string;
  resumed: boolean;
  user: string | null;
  scope: string;
  /** The server pings this often (ms); a client that hears nothing for twice as long should reconnect. */
  heartbeat: number;
  /** Acknowledgement position the server holds for the session. */
  acked: number;
}
export interface NotificationFrame { op: 'notification'; seq: number; notification: Notification }
export interface ErrorFrame { op: 'error'; code: ErrorCode; message: string }

/** Sent once after `welcome`: this connection's socket id, which channel authorization signatures cover. */
export interface SocketFrame { op: 'socket'; socketId: string }
/** A presence channel member: the user id and the `user_info` the application signed. */
export interface ChannelMember { id: string; info: JsonValue }
/** The subscription is active. `members` (presence channels only) includes this connection's own user. */
export interface SubscribedFrame { op: 'subscribed'; channel: string; members?: ChannelMember[] }
export interface SubscriptionErrorFrame { op: 'subscription_error'; channel: string; code: ErrorCode; message: string }
/**
 * An event on a subscribed channel. `data` is the publisher's string as published (Pusher API events,
 * client events); for a native publish addressed `to.channels` the event is the notification's `type`
 * and `data` the notification JSON. `userId` is set on client events in presence channels.
 */
export interface ChannelEventFrame { op: 'channel_event'; channel: string; event: string; data: string; userId?: string }
export interface MemberAddedFrame { op: 'member_added'; channel: string; member: ChannelMember }
export interface MemberRemovedFrame { op: 'member_removed'; channel: string; userId: string }
/** A cache channel had no cached event to replay after `subscribed`. */
export interface CacheMissFrame { op: 'cache_miss'; channel: string }

/** Channel frames the server sends. */
export type ChannelServerFrame =
  | SocketFrame
  | SubscribedFrame
  | SubscriptionErrorFrame
  | ChannelEventFrame
  | MemberAddedFrame
  | MemberRemovedFrame
  | CacheMissFrame;
/** Session frames the server sends (the delivery protocol). */
export type SessionServerFrame = WelcomeFrame | NotificationFrame | PingFrame | PongFrame | ErrorFrame;
export type ServerFrame = SessionServerFrame | ChannelServerFrame;
export type ServerOp = ServerFrame['op'];

/** Builds a notification frame from the notification's JSON, so one serialization serves every recipient. */
export function notificationFrame(seq: number, notificationJson: string): string {
  return `{"op":"notification","seq":${seq},"notification":${notificationJson}}`;
}
