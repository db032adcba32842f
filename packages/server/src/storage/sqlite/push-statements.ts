// SQL statements of the Web Push tables, prepared once per connection, with the row shape they return.
import type { Database } from 'better-sqlite3';
import type { Stmt } from './statements.js';

export interface PushSubscriptionRow {
  app_id: string;
  id: string;
  endpoint: string;
  user_id: string;
  p256dh: string;
  auth: string;
  expiration_time: number | null;
  created_at: number;
}

export interface PushCountsRow {
  sent: number;
  failed: number;
  removed: number;
}

const COLUMNS = 'app_id, id, endpoint, user_id, p256dh, auth, expiration_time, created_at';

/** Prepares the push statements; user lists are bound as JSON arrays and expanded with json_each. */
export function preparePushStatements(db: Database) {
  const prepare = <P extends unknown[] = [], R = unknown>(sql: string): Stmt<P, R> => db.prepare<P, R>(sql);
  return {
    // The endpoint is the identity: registering it again replaces everything, id included.
    put: prepare<[PushSubscriptionRow]>(
      `INSERT INTO push_subscriptions (${COLUMNS})
       VALUES (@app_id, @id, @endpoint, @user_id, @p256dh, @auth, @expiration_time, @created_at)
       ON CONFLICT (app_id, endpoint) DO UPDATE SET id = excluded.id, user_id = excluded.user_id,
         p256dh = excluded.p256dh, auth = excluded.auth, expiration_time = excluded.expiration_time,
         created_at = excluded.created_at`,
    ),
    /** Removes the user's subscriptions beyond the newest `max`, never the one named `keep`. */
    trim: prepare<[{ app: string; user: string; keep: string; max: number }]>(
      `DELETE FROM push_subscriptions WHERE app_id = @app AND user_id = @user AND id <> @keep AND id NOT IN (
         SELECT id FROM push_subscriptions WHERE app_id = @app AND user_id = @user AND id <> @keep
         ORDER BY created_at DESC, id DESC LIMIT max(@max - 1, 0))`,
    ),
    listByUsers: prepare<[string, string], PushSubscriptionRow>(
      `SELECT ${COLUMNS} FROM push_subscriptions
       WHERE app_id = ? AND user_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id`,
    ),
    deleteOne: prepare<[string, string]>('DELETE FROM push_subscriptions WHERE app_id = ? AND id = ?'),
    deleteOwned: prepare<[string, string, string]>('DELETE FROM push_subscriptions WHERE app_id = ? AND id = ? AND user_id = ?'),
    deleteUser: prepare<[string, string]>('DELETE FROM push_subscriptions WHERE app_id = ? AND user_id = ?'),
    usersOnline: prepare<[string, string], { user_id: string }>(
      `SELECT DISTINCT user_id FROM sessions
       WHERE app_id = ? AND node IS NOT NULL AND user_id IN (SELECT value FROM json_each(?)) ORDER BY user_id`,
    ),
    count: prepare<[{ app: string; id: string; sent: number; failed: number; removed: number }]>(
      `INSERT INTO push_counts (app_id, notification_id, sent, failed, removed) VALUES (@app, @id, @sent, @failed, @removed)
       ON CONFLICT (app_id, notification_id) DO UPDATE SET sent = sent + excluded.sent,
         failed = failed + excluded.failed, removed = removed + excluded.removed`,
    ),
    counts: prepare<[string, string], PushCountsRow>(
      'SELECT sent, failed, removed FROM push_counts WHERE app_id = ? AND notification_id = ?',
    ),
  };
}

export type PushStatements = ReturnType<typeof preparePushStatements>;
