// RedisPushStore: the PushStore of the Redis backend. Key layout in keys.ts; multi-key writes are Lua scripts.
import type { PushCounts, PushStore, PushSubscriptionRecord } from '../push-store.js';
import type { ScriptedRedis } from './scripts.js';

/** Push counters outlive their notification's status by far; they go with the key's expiry. */
const COUNTS_TTL_MS = 30 * 86_400_000;

export class RedisPushStore implements PushStore {
  constructor(
    private readonly run: <T>(op: (r: ScriptedRedis) => Promise<T>) => Promise<T>,
    private readonly prefix: string,
  ) {}

  putPushSubscription(sub: PushSubscriptionRecord, maxPerUser: number): Promise<number> {
    return this.run(async (r) => Number(await r.heraldPutPush(this.prefix, sub.appId, sub.id, sub.userId, JSON.stringify(sub), sub.createdAt, maxPerUser)));
  }

  listPushSubscriptions(appId: string, userIds: readonly string[]): Promise<PushSubscriptionRecord[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.run(async (r) => {
      const pipeline = r.pipeline();
      for (const user of new Set(userIds)) pipeline.zrange(`${this.prefix}psu:${appId}:${user}`, 0, -1);
      const ids = ((await pipeline.exec()) ?? []).flatMap(([err, value]) => {
        if (err) throw err;
        return value as string[];
      });
      if (ids.length === 0) return [];
      const records = await r.mget(ids.map((id) => `${this.prefix}ps:${appId}:${id}`));
      return records
        .filter((json): json is string => json !== null)
        .map((json) => JSON.parse(json) as PushSubscriptionRecord)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    });
  }

  deletePushSubscription(appId: string, id: string, userId?: string): Promise<boolean> {
    return this.run(async (r) => Number(await r.heraldDeletePush(this.prefix, appId, id, userId ?? '')) === 1);
  }

  deleteUserPushSubscriptions(appId: string, userId: string): Promise<number> {
    return this.run(async (r) => Number(await r.heraldDeleteUserPush(this.prefix, appId, userId)));
  }

  usersOnline(appId: string, userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.run(async (r) => (await r.heraldUsersOnline(this.prefix, appId, ...userIds)) as string[]);
  }

  countPush(appId: string, notificationId: string, add: PushCounts): Promise<void> {
    const key = countsKey(this.prefix, appId, notificationId);
    return this.run(async (r) => {
      await r.multi().hincrby(key, 'sent', add.sent).hincrby(key, 'failed', add.failed).hincrby(key, 'removed', add.removed).pexpire(key, COUNTS_TTL_MS).exec();
    });
  }
}

/** The push counters of a notification, for getStatus; null when none were counted. */
export async function readPushCounts(r: ScriptedRedis, prefix: string, appId: string, notificationId: string): Promise<PushCounts | null> {
  const h = await r.hgetall(countsKey(prefix, appId, notificationId));
  if (h['sent'] === undefined) return null;
  return { sent: Number(h['sent']), failed: Number(h['failed'] ?? 0), removed: Number(h['removed'] ?? 0) };
}

function countsKey(prefix: string, appId: string, notificationId: string): string {
  return `${prefix}pc:${appId}:${notificationId}`;
}
