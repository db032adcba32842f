// Wire types of the admin API (/admin/api/...), shared by the server and the dashboard. Documented in docs/admin.md.
import type { JsonObject, JsonValue } from './json.js';

/** An app as the dashboard shows it (never its secret). */
export interface AdminApp {
  id: string;
  key: string;
  name: string;
  createdAt: number;
  /** Live connections of the app on the node that answered. */
  connections: number;
  /** VAPID keys are configured, so Web Push can be sent. */
  webPush: boolean;
}

/** `GET /admin/api/overview`. */
export interface AdminOverview {
  node: string;
  storage: string;
  startedAt: number;
  now: number;
  apps: AdminApp[];
}

/** A session as the native API (`GET /v1/apps/{app}/sessions/{id}`) and the dashboard show it. `connectedSince` is known only on the node serving it. */
export interface AdminSession {
  id: string;
  user: string | null;
  scope: string;
  meta: JsonObject;
  connected: boolean;
  transport: string | null;
  node: string | null;
  connectedSince: number | null;
  disconnectedAt: number | null;
  createdAt: number;
  /** Inbox depth: entries not yet acknowledged. */
  pending: number;
}

/** `GET /admin/api/apps/{app}/sessions`: the newest sessions first. */
export interface AdminSessionList {
  total: number;
  sessions: AdminSession[];
}

export interface AdminPresenceMember {
  id: string;
  info: JsonValue;
}

/** A channel with subscribers; `presence` lists members for presence channels, null otherwise. */
export interface AdminChannel {
  name: string;
  subscribers: number;
  presence: AdminPresenceMember[] | null;
}

/** `GET /admin/api/apps/{app}/channels`. `available` is false when no channel protocol is enabled. */
export interface AdminChannelList {
  available: boolean;
  channels: AdminChannel[];
}

/** One second of message flow on the node that answered. */
export interface AdminRatePoint {
  t: number;
  accepted: number;
  delivered: number;
  acknowledged: number;
}

/** `GET /admin/api/stats?seconds=60`. */
export interface AdminStats {
  node: string;
  now: number;
  connections: number;
  series: AdminRatePoint[];
}
