// The storage interface every backend implements (sqlite/, redis/), and the guarantees it must keep.
// One contract suite (contract.ts) checks them against every backend.
import type { JsonObject, NotificationStatus, Target } from '@herald/protocol';
import type { PushStore } from './push-store.js';

/** A tenant. The secret never leaves the server side. */
export interface AppRecord {
  id: string;
  key: string;
  secret: string;
  name: string;
  createdAt: number;
  /** Free-form per-app settings owned by other parts (VAPID keys, limits, webhooks). */
  settings: JsonObject;
}

export interface NewSession {
  id: string;
  appId: string;
  userId: string | null;
  scope: string;
  meta: JsonObject;
  /** SHA-256 hex of the resume secret: the secret itself is never stored. */
  resumeHash: string;
  /** How long the session survives without a connection, ms. */
  ttlMs: number;
  createdAt: number;
}

export interface SessionRecord extends NewSession {
  /** Node currently serving a connection of this session, or null when disconnected. */
  node: string | null;
  transport: string | null;
  /** When the last connection ended (null while connected, or if it never connected). */
  disconnectedAt: number | null;
  /** Cumulative acknowledgement position: every seq <= ackedSeq is acknowledged. */
  ackedSeq: number;
  /** Highest seq written to a connection of this session. */
  sentSeq: number;
  /** Inbox depth: entries stored and not yet acknowledged (expired ones may still count until swept). */
  pending: number;
}

/** One notification as stored: written once, referenced by every recipient inbox. */
export interface StoredNotification {
  appId: string;
  id: string;
  /** The client-facing JSON (protocol `Notification`), serialized once at publish. */
  json: string;
  createdAt: number;
  expiresAt: number | null;
  idempotencyKey: string | null;
  /** Hash of the publish request, to tell a retry from a conflicting reuse of the key. */
  requestHash: string | null;
}

export interface PublishInput {
  notification: StoredNotification;
  /** Resolved inside the same atomic step that stores the notification (sessions/users/scopes/all/except). */
  target: Target;
  /** Refuse the whole publish when any recipient already holds this many pending entries. */
  maxInbox: number;
  /** Idempotency keys are remembered this long, ms. */
  idempotencyTtlMs: number;
}

export type PublishOutcome =
  | { kind: 'published'; seq: number; recipients: string[] }
  | { kind: 'duplicate'; id: string; recipients: number; sameRequest: boolean }
  | { kind: 'inbox_full'; sessions: string[] }
  | { kind: 'unknown_sessions'; sessions: string[] };

export interface InboxEntry {
  seq: number;
  /** Notification JSON as stored. */
  json: string;
}

export interface SessionEnd {
  session: SessionRecord;
  /** Entries that were never acknowledged and are now dropped (counted on their notifications). */
  dropped: number;
}

export interface SessionListing {
  sessions: SessionRecord[];
  total: number;
}

/**
 * Guarantees every backend keeps:
 * - Durability: when a write's promise resolves, the write survives a crash of this process.
 *   Backends group concurrent writes into one commit; a promise resolves only after its commit.
 *   (Redis: a write survives a crash of Redis itself only with appendonly + appendfsync always; docs/cluster.md.)
 * - Atomicity of publish: the notification and all its inbox entries are stored together or not
 *   at all; recipients are the sessions that exist and match the target at that commit.
 * - Order: `seq` is one increasing sequence per storage (shared by every node on the same backend).
 *   For any inbox, entries become visible in increasing seq order, so a reader that has seen seq s
 *   will never later find an entry below s.
 * - A notification is stored once whatever the number of recipients.
 * - Acknowledgement is cumulative and idempotent; it never moves backwards.
 * - Failures reject the promise (with a HeraldError 'storage_unavailable' when the backend cannot be
 *   reached); nothing is reported as written that was not.
 */
export interface Storage {
  readonly kind: string;
  /** Web Push subscriptions and outcome counters (push-store.ts); `getStatus` reports the counters as `push`. */
  readonly push: PushStore;
  /** Creates schema, checks connectivity. Rejects with a clear error when the backend is unreachable. */
  init(): Promise<void>;
  /** Flushes pending commits and releases resources. */
  close(): Promise<void>;
  /** Resolves when the backend answers (readiness). */
  ping(): Promise<void>;

  listApps(): Promise<AppRecord[]>;
  getApp(id: string): Promise<AppRecord | null>;
  getAppByKey(key: string): Promise<AppRecord | null>;
  /** Inserts or replaces an app. */
  putApp(app: AppRecord): Promise<void>;

  createSession(session: NewSession): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;
  /**
   * Records that a node now serves the session (node non-null) or that its connection ended (node null, `at` =
   * disconnect time). With `expectedNode`, a disconnect is a compare-and-set: nothing changes unless that node
   * still serves the session, so a node whose old connection closes after the client resumed on another node
   * does not mark the session disconnected.
   */
  setConnection(sessionId: string, node: string | null, transport: string | null, at: number, expectedNode?: string): Promise<void>;
  /** Deletes the session and its inbox; null when it did not exist. */
  endSession(sessionId: string): Promise<SessionEnd | null>;
  /** Ids of sessions that have been disconnected for longer than their ttl at `now` (oldest first). */
  expiredSessions(now: number, limit: number): Promise<string[]>;
  listSessions(appId: string, offset: number, limit: number): Promise<SessionListing>;

  publish(input: PublishInput): Promise<PublishOutcome>;
  /** Entries with seq > afterSeq in increasing order, at most `limit`, skipping entries expired at `now`. */
  readInbox(sessionId: string, afterSeq: number, limit: number, now: number): Promise<InboxEntry[]>;
  /** Advances sentSeq (never backwards) for many sessions at once: counts first deliveries. */
  markSent(marks: ReadonlyArray<{ sessionId: string; seq: number }>): Promise<void>;
  /**
   * Cumulative acknowledgement; returns the session's acknowledgement position afterwards (-1 if no such session).
   * The position never passes the last seq handed out. Entries already expired at `now` are counted as expired, not acknowledged.
   */
  ack(sessionId: string, seq: number, now: number): Promise<number>;
  getStatus(appId: string, notificationId: string): Promise<NotificationStatus | null>;
  /**
   * Removes expired inbox entries (counted as expired on their notification) and forgotten idempotency keys.
   * Deletes notifications that no inbox holds any more once `statusRetentionMs` has passed since they expired
   * (or were created, without expiry) and their idempotency window is over: their status is then no longer
   * queryable. Seqs are never reused. Returns the inbox entries removed.
   */
  sweep(now: number, statusRetentionMs: number): Promise<number>;
}
