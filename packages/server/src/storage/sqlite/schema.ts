// The SQLite schema as an ordered list of migrations, applied by `migrate` and tracked in PRAGMA user_version.
import type { Database } from 'better-sqlite3';
import { HeraldError } from '../../errors.js';
import { PUSH_MIGRATION } from './push-schema.js';

/**
 * Migration N (1-based) brings the schema from version N-1 to N. Append only: a released migration
 * never changes, because databases in the field have already run it.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE apps (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    secret TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    settings TEXT NOT NULL
  ) STRICT;

  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    app_id TEXT NOT NULL REFERENCES apps(id),
    user_id TEXT,
    scope TEXT NOT NULL,
    meta TEXT NOT NULL,
    resume_hash TEXT NOT NULL,
    ttl_ms INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    node TEXT,
    transport TEXT,
    disconnected_at INTEGER,
    -- When the session expires if nobody connects: null while connected. Storing the deadline (not just
    -- disconnected_at) lets one index range find expired sessions whatever their ttl.
    idle_deadline INTEGER,
    acked_seq INTEGER NOT NULL DEFAULT 0,
    sent_seq INTEGER NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE INDEX sessions_app_user ON sessions(app_id, user_id);
  CREATE INDEX sessions_app_scope ON sessions(app_id, scope);
  CREATE INDEX sessions_app_created ON sessions(app_id, created_at, id);
  CREATE INDEX sessions_idle ON sessions(idle_deadline) WHERE idle_deadline IS NOT NULL;

  -- seq is the global sequence; AUTOINCREMENT so a seq is never reused, even after rows are deleted.
  CREATE TABLE notifications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id TEXT NOT NULL REFERENCES apps(id),
    id TEXT NOT NULL,
    json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    idempotency_key TEXT,
    request_hash TEXT,
    idempotency_until INTEGER,
    recipients INTEGER NOT NULL,
    -- Counters for inbox entries already removed (acknowledged, expired, dropped); delivered counts the
    -- removed entries that had been sent, live entries are counted at query time.
    delivered INTEGER NOT NULL DEFAULT 0,
    acknowledged INTEGER NOT NULL DEFAULT 0,
    expired INTEGER NOT NULL DEFAULT 0,
    dropped INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE UNIQUE INDEX notifications_app_id ON notifications(app_id, id);
  CREATE UNIQUE INDEX notifications_idempotency ON notifications(app_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
  CREATE INDEX notifications_idempotency_until ON notifications(idempotency_until)
    WHERE idempotency_key IS NOT NULL;

  -- One row per (recipient, notification); the JSON lives once in notifications.
  CREATE TABLE inbox (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL REFERENCES notifications(seq),
    expires_at INTEGER,
    PRIMARY KEY (session_id, seq)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX inbox_seq ON inbox(seq);
  CREATE INDEX inbox_expiry ON inbox(expires_at) WHERE expires_at IS NOT NULL;
  `,
  // 2: jobs (job-store.ts). No foreign keys: a job outlives its session, to be reported as orphaned.
  `
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    app_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    meta TEXT NOT NULL,
    state TEXT NOT NULL,
    -- JSON {percent, message?} of the latest progress, null before the first.
    progress TEXT,
    progress_notice TEXT,
    progress_held INTEGER NOT NULL DEFAULT 0,
    -- JSON of the JobOutcome once finished, null while running.
    outcome TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    finished_at INTEGER
  ) STRICT;
  CREATE INDEX jobs_running_session ON jobs(session_id) WHERE state = 'running';
  CREATE INDEX jobs_expiry ON jobs(expires_at);
  `,
  // 3: Web Push subscriptions and push counters (push-schema.ts).
  PUSH_MIGRATION,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to SCHEMA_VERSION, each migration in its own transaction. Refuses a newer schema. */
export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true });
  if (typeof current !== 'number') throw new Error('PRAGMA user_version did not return a number');
  if (current > SCHEMA_VERSION) {
    throw new HeraldError(
      'storage_unavailable',
      `SQLite schema version ${current} is newer than this server understands (${SCHEMA_VERSION}); upgrade Herald.`,
    );
  }
  for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
    const sql = MIGRATIONS[version - 1];
    if (sql === undefined) throw new Error(`missing migration ${version}`);
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
}
