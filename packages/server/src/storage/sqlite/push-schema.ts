// SQLite schema of the Web Push tables (one migration in schema.ts's list).

/** Subscriptions per (app, endpoint), found by user; push counters per notification. */
export const PUSH_MIGRATION = `
  CREATE TABLE push_subscriptions (
    app_id TEXT NOT NULL REFERENCES apps(id),
    id TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    user_id TEXT NOT NULL,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    expiration_time INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, id)
  ) STRICT;
  CREATE UNIQUE INDEX push_subscriptions_endpoint ON push_subscriptions(app_id, endpoint);
  CREATE INDEX push_subscriptions_user ON push_subscriptions(app_id, user_id, created_at);

  -- Kept apart from notifications so a push outcome never rewrites the notification row.
  CREATE TABLE push_counts (
    app_id TEXT NOT NULL,
    notification_id TEXT NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    removed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, notification_id)
  ) STRICT, WITHOUT ROWID;
`;
