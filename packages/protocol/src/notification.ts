// The notification as publishers send it and clients receive it, and the targets it can address.
import type { JsonObject, JsonValue } from './json.js';

/** Who a notification is for. Any union of the fields; `except` removes one session (the sender). */
export interface Target {
  sessions?: string[];
  users?: string[];
  scopes?: string[];
  channels?: string[];
  all?: boolean;
  except?: string;
}

/** Content shown by the browser when the notification goes out as Web Push. */
export interface PushContent {
  title: string;
  body?: string;
  icon?: string;
  url?: string;
  tag?: string;
  ttl?: number;
  urgency?: 'very-low' | 'low' | 'normal' | 'high';
  /** Send to the user's devices even when the user has a live session. */
  always?: boolean;
}

/** Body of `POST /v1/apps/{appId}/notifications`. `ttl` is in seconds. */
export interface PublishRequest {
  to: Target;
  module: string;
  type: string;
  data?: JsonValue;
  key?: string;
  ttl?: number;
  idempotencyKey?: string;
  push?: PushContent;
}

/** Answer to a publish: the notification id and how many sessions it was addressed to. */
export interface PublishResult {
  id: string;
  recipients: number;
  /** True when an earlier publish with the same idempotency key is being returned. */
  duplicate?: boolean;
}

/** Body of `POST /v1/apps/{appId}/notifications/batch`. */
export interface BatchPublishRequest {
  notifications: PublishRequest[];
}

/** One item of a batch answer: a result, or the error that refused that item alone. */
export type BatchItemResult =
  | ({ ok: true } & PublishResult)
  | { ok: false; error: { code: string; message: string } };

/** The notification exactly as a client receives it. `seq` orders it within every inbox. */
export interface Notification {
  id: string;
  module: string;
  type: string;
  data: JsonValue;
  key?: string;
  /** Accepted at, ms since the epoch. */
  ts: number;
  /** Expires at, ms since the epoch, when a ttl was given. */
  exp?: number;
}

/** What became of a notification, from `GET /v1/apps/{appId}/notifications/{id}`. */
export interface NotificationStatus {
  id: string;
  recipients: number;
  /** Sessions the gateway has written it to at least once. */
  delivered: number;
  /** Sessions whose client acknowledged it. */
  acknowledged: number;
  /** Sessions for which it expired before being acknowledged. */
  expired: number;
  /** Sessions that ended before acknowledging it. */
  dropped: number;
  createdAt: number;
  expiresAt?: number;
  push?: { sent: number; failed: number; removed: number };
}

/** Claims of a connection token (a JWT signed HS256 with the app secret). */
export interface ConnectionTokenClaims {
  /** User id; absent for anonymous sessions. */
  sub?: string;
  /** The kind of client (`browser`, `designer`, ...). */
  scope?: string;
  meta?: JsonObject;
  /** The app id; the server refuses a token minted for another app. */
  app: string;
  exp: number;
  iat?: number;
}
