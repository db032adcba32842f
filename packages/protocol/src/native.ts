// Frames of Herald's native protocol (WebSocket text frames, one JSON object each). See docs/protocol.md.
import type { Notification } from './notification.js';
import type { ErrorCode } from './errors.js';

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

export type ClientFrame = HelloFrame | AckFrame | PingFrame | PongFrame | CloseSessionFrame;
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

export type ServerFrame = WelcomeFrame | NotificationFrame | PingFrame | PongFrame | ErrorFrame;
export type ServerOp = ServerFrame['op'];

/** Builds a notification frame from the notification's JSON, so one serialization serves every recipient. */
export function notificationFrame(seq: number, notificationJson: string): string {
  return `{"op":"notification","seq":${seq},"notification":${notificationJson}}`;
}
