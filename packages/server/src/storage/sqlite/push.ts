// SqlitePushStore: the PushStore of the SQLite backend, on SqliteStorage's connection and group commit.
import type { PushCounts, PushStore, PushSubscriptionRecord } from '../push-store.js';
import type { PushStatements, PushSubscriptionRow } from './push-statements.js';

/** How the store reaches the connection: reads run directly, writes go through group commit. */
export interface PushAccess {
  read<T>(fn: (st: PushStatements) => T): Promise<T>;
  write<T>(fn: (st: PushStatements) => T): Promise<T>;
}

export class SqlitePushStore implements PushStore {
  constructor(private readonly db: PushAccess) {}

  putPushSubscription(sub: PushSubscriptionRecord, maxPerUser: number): Promise<number> {
    const row = toRow(sub);
    return this.db.write((st) => {
      st.put.run(row);
      return st.trim.run({ app: sub.appId, user: sub.userId, keep: sub.id, max: maxPerUser }).changes;
    });
  }

  listPushSubscriptions(appId: string, userIds: readonly string[]): Promise<PushSubscriptionRecord[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.db.read((st) => st.listByUsers.all(appId, JSON.stringify(userIds)).map(fromRow));
  }

  deletePushSubscription(appId: string, id: string, userId?: string): Promise<boolean> {
    return this.db.write((st) => (userId === undefined ? st.deleteOne.run(appId, id) : st.deleteOwned.run(appId, id, userId)).changes > 0);
  }

  deleteUserPushSubscriptions(appId: string, userId: string): Promise<number> {
    return this.db.write((st) => st.deleteUser.run(appId, userId).changes);
  }

  usersOnline(appId: string, userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.db.read((st) => st.usersOnline.all(appId, JSON.stringify(userIds)).map((row) => row.user_id));
  }

  countPush(appId: string, notificationId: string, add: PushCounts): Promise<void> {
    return this.db.write((st) => {
      st.count.run({ app: appId, id: notificationId, sent: add.sent, failed: add.failed, removed: add.removed });
    });
  }
}

/** The push counters of a notification, for getStatus; null when no push was counted. */
export function readPushCounts(st: PushStatements, appId: string, notificationId: string): PushCounts | null {
  const row = st.counts.get(appId, notificationId);
  return row === undefined ? null : { sent: row.sent, failed: row.failed, removed: row.removed };
}

function toRow(sub: PushSubscriptionRecord): PushSubscriptionRow {
  return {
    app_id: sub.appId,
    id: sub.id,
    endpoint: sub.endpoint,
    user_id: sub.userId,
    p256dh: sub.p256dh,
    auth: sub.auth,
    expiration_time: sub.expirationTime,
    created_at: sub.createdAt,
  };
}

function fromRow(row: PushSubscriptionRow): PushSubscriptionRecord {
  return {
    id: row.id,
    appId: row.app_id,
    userId: row.user_id,
    endpoint: row.endpoint,
    p256dh: row.p256dh,
    auth: row.auth,
    expirationTime: row.expiration_time,
    createdAt: row.created_at,
  };
}
