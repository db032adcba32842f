// Every SQL statement of the SQLite backend, prepared once per connection, with the row shapes they return.
import type { Database } from 'better-sqlite3';

export interface AppRow {
  id: string;
  key: string;
  secret: string;
  name: string;
  created_at: number;
  settings: string;
}

export interface SessionRow {
  id: string;
  app_id: string;
  user_id: string | null;
  scope: string;
  meta: string;
  resume_hash: string;
  ttl_ms: number;
  created_at: number;
  node: string | null;
  transport: string | null;
  disconnected_at: number | null;
  acked_seq: number;
  sent_seq: number;
  pending: number;
}

export interface StatusRow {
  seq: number;
  id: string;
  recipients: number;
  delivered: number;
  acknowledged: number;
  expired: number;
  dropped: number;
  created_at: number;
  expires_at: number | null;
}

export interface PriorPublishRow {
  id: string;
  recipients: number;
  request_hash: string | null;
  idempotency_until: number;
}

export interface CandidateRow {
  id: string;
  pending: number;
}

interface Count {
  n: number;
}

const SESSION_COLUMNS = `id, app_id, user_id, scope, meta, resume_hash, ttl_ms, created_at, node, transport,
  disconnected_at, acked_seq, sent_seq, pending`;

/** The part of better-sqlite3's Statement used here; a local name keeps the declaration output nameable. */
export interface Stmt<P extends unknown[], R = unknown> {
  run(...params: P): { changes: number; lastInsertRowid: number | bigint };
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

/** Prepares every statement; lists are bound as JSON arrays and expanded with json_each. */
export function prepareStatements(db: Database) {
  const prepare = <P extends unknown[] = [], R = unknown>(sql: string): Stmt<P, R> => db.prepare<P, R>(sql);
  return {
    ping: prepare<[], Count>('SELECT 1 AS n'),
    /** Highest seq ever handed out (0 before the first publish); survives deletions. */
    lastSeq: prepare<[], { seq: number }>(`SELECT seq FROM sqlite_sequence WHERE name = 'notifications'`),

    appList: prepare<[], AppRow>('SELECT * FROM apps ORDER BY created_at, id'),
    appById: prepare<[string], AppRow>('SELECT * FROM apps WHERE id = ?'),
    appByKey: prepare<[string], AppRow>('SELECT * FROM apps WHERE key = ?'),
    // An upsert, not INSERT OR REPLACE: replacing would delete the row and orphan the app's sessions.
    appPut: prepare<[AppRow]>(
      `INSERT INTO apps (id, key, secret, name, created_at, settings)
       VALUES (@id, @key, @secret, @name, @created_at, @settings)
       ON CONFLICT (id) DO UPDATE SET key = excluded.key, secret = excluded.secret, name = excluded.name,
         created_at = excluded.created_at, settings = excluded.settings`,
    ),

    sessionInsert: prepare<[Omit<SessionRow, 'node' | 'transport' | 'disconnected_at' | 'acked_seq' | 'sent_seq' | 'pending'>]>(
      // A session that never connects expires like a disconnected one, counted from its creation.
      `INSERT INTO sessions (id, app_id, user_id, scope, meta, resume_hash, ttl_ms, created_at, idle_deadline)
       VALUES (@id, @app_id, @user_id, @scope, @meta, @resume_hash, @ttl_ms, @created_at, @created_at + @ttl_ms)`,
    ),
    sessionById: prepare<[string], SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`),
    sessionConnect: prepare<[string, string | null, string]>(
      'UPDATE sessions SET node = ?, transport = ?, disconnected_at = NULL, idle_deadline = NULL WHERE id = ?',
    ),
    sessionDisconnect: prepare<[{ id: string; transport: string | null; at: number; expected: string | null }]>(
      `UPDATE sessions SET node = NULL, transport = @transport, disconnected_at = @at, idle_deadline = @at + ttl_ms
       WHERE id = @id AND (@expected IS NULL OR node = @expected)`,
    ),
    sessionDelete: prepare<[string]>('DELETE FROM sessions WHERE id = ?'),
    sessionsExpired: prepare<[number, number], { id: string }>(
      'SELECT id FROM sessions WHERE idle_deadline < ? ORDER BY idle_deadline, id LIMIT ?',
    ),
    sessionsPage: prepare<[string, number, number], SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE app_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?`,
    ),
    sessionsCount: prepare<[string], Count>('SELECT count(*) AS n FROM sessions WHERE app_id = ?'),
    sessionMarkSent: prepare<[number, string]>('UPDATE sessions SET sent_seq = max(sent_seq, ?) WHERE id = ?'),
    sessionAcked: prepare<[number, number, string]>(
      'UPDATE sessions SET acked_seq = ?, pending = pending - ? WHERE id = ?',
    ),

    idempotencyFind: prepare<[string, string], PriorPublishRow>(
      `SELECT id, recipients, request_hash, idempotency_until FROM notifications
       WHERE app_id = ? AND idempotency_key = ?`,
    ),
    idempotencyForget: prepare<[string, string]>(
      'UPDATE notifications SET idempotency_key = NULL WHERE app_id = ? AND idempotency_key = ?',
    ),
    /** Listed ids that are not sessions of the app (another app's session is unknown here). */
    unknownSessions: prepare<[{ app: string; ids: string }], { id: string }>(
      `SELECT DISTINCT value AS id FROM json_each(@ids)
       WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = value AND s.app_id = @app) ORDER BY id`,
    ),
    targetAll: prepare<[string], CandidateRow>('SELECT id, pending FROM sessions WHERE app_id = ? ORDER BY id'),
    // One indexed select per target kind, run only for the kinds a publish names (publish.ts merges them).
    // `+app_id` keeps the planner on the primary key: by app_id it would scan every session of the app.
    targetSessions: prepare<[{ app: string; ids: string }], CandidateRow>(
      'SELECT id, pending FROM sessions WHERE id IN (SELECT value FROM json_each(@ids)) AND +app_id = @app ORDER BY id',
    ),
    targetUsers: prepare<[{ app: string; ids: string }], CandidateRow>(
      'SELECT id, pending FROM sessions WHERE app_id = @app AND user_id IN (SELECT value FROM json_each(@ids)) ORDER BY id',
    ),
    targetScopes: prepare<[{ app: string; ids: string }], CandidateRow>(
      'SELECT id, pending FROM sessions WHERE app_id = @app AND scope IN (SELECT value FROM json_each(@ids)) ORDER BY id',
    ),
    notificationInsert: prepare<[{
      app_id: string; id: string; json: string; created_at: number; expires_at: number | null;
      idempotency_key: string | null; request_hash: string | null; idempotency_until: number | null; recipients: number;
    }]>(
      `INSERT INTO notifications (app_id, id, json, created_at, expires_at, idempotency_key, request_hash,
         idempotency_until, recipients)
       VALUES (@app_id, @id, @json, @created_at, @expires_at, @idempotency_key, @request_hash,
         @idempotency_until, @recipients)`,
    ),
    inboxFanOut: prepare<[{ ids: string; seq: number; expires_at: number | null }]>(
      'INSERT INTO inbox (session_id, seq, expires_at) SELECT value, @seq, @expires_at FROM json_each(@ids)',
    ),
    pendingBump: prepare<[string]>(
      'UPDATE sessions SET pending = pending + 1 WHERE id IN (SELECT value FROM json_each(?))',
    ),

    inboxRead: prepare<[string, number, number, number], { seq: number; json: string }>(
      `SELECT i.seq, n.json FROM inbox i JOIN notifications n ON n.seq = i.seq
       WHERE i.session_id = ? AND i.seq > ? AND (i.expires_at IS NULL OR i.expires_at > ?)
       ORDER BY i.seq LIMIT ?`,
    ),
    // Acknowledged entries are deleted, so their notifications count them (as delivered too) first.
    ackCount: prepare<[string, number, number]>(
      `UPDATE notifications SET acknowledged = acknowledged + 1, delivered = delivered + 1
       WHERE seq IN (SELECT seq FROM inbox WHERE session_id = ? AND seq <= ? AND (expires_at IS NULL OR expires_at > ?))`,
    ),
    // Entries that expired before the acknowledgement passed them were never shown: they count as expired.
    ackExpired: prepare<[string, number, number]>(
      `UPDATE notifications SET expired = expired + 1
       WHERE seq IN (SELECT seq FROM inbox WHERE session_id = ? AND seq <= ? AND expires_at <= ?)`,
    ),
    ackDelete: prepare<[string, number]>('DELETE FROM inbox WHERE session_id = ? AND seq <= ?'),
    dropCount: prepare<[number, string]>(
      `UPDATE notifications SET dropped = dropped + 1, delivered = delivered + (seq <= ?)
       WHERE seq IN (SELECT seq FROM inbox WHERE session_id = ?)`,
    ),
    dropDelete: prepare<[string]>('DELETE FROM inbox WHERE session_id = ?'),

    expireCount: prepare<[number]>(
      `UPDATE notifications SET
         expired = expired + (SELECT count(*) FROM inbox i WHERE i.seq = notifications.seq),
         delivered = delivered + (SELECT count(*) FROM inbox i JOIN sessions s ON s.id = i.session_id
                                  WHERE i.seq = notifications.seq AND s.sent_seq >= i.seq)
       WHERE seq IN (SELECT seq FROM inbox WHERE expires_at <= ?)`,
    ),
    expirePending: prepare<[{ now: number }]>(
      `UPDATE sessions SET pending = pending -
         (SELECT count(*) FROM inbox i WHERE i.session_id = sessions.id AND i.expires_at <= @now)
       WHERE id IN (SELECT session_id FROM inbox WHERE expires_at <= @now)`,
    ),
    expireDelete: prepare<[number]>('DELETE FROM inbox WHERE expires_at <= ?'),
    forgetNotifications: prepare<[{ before: number; now: number }]>(
      `DELETE FROM notifications
       WHERE coalesce(expires_at, created_at) <= @before
         AND (idempotency_until IS NULL OR idempotency_until <= @now)
         AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.seq = notifications.seq)`,
    ),
    forgetKeys: prepare<[number]>(
      `UPDATE notifications SET idempotency_key = NULL
       WHERE idempotency_key IS NOT NULL AND idempotency_until <= ?`,
    ),

    statusRow: prepare<[string, string], StatusRow>(
      `SELECT seq, id, recipients, delivered, acknowledged, expired, dropped, created_at, expires_at
       FROM notifications WHERE app_id = ? AND id = ?`,
    ),
    /** Entries still in an inbox that were already written to their session. */
    liveDelivered: prepare<[number], Count>(
      `SELECT count(*) AS n FROM inbox i JOIN sessions s ON s.id = i.session_id
       WHERE i.seq = ? AND s.sent_seq >= i.seq`,
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
