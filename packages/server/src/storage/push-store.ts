// The Web Push part of storage: browser subscriptions per user, the "is this user online" check, and push
// outcome counters per notification. Every backend exposes one as `Storage.push`; push-contract.ts checks it.

/** A browser's push subscription (`PushSubscription.toJSON()`), registered for one user of one app. */
export interface PushSubscriptionRecord {
  /** Chosen by the caller from the endpoint (webpush/subscription.ts), so one endpoint always has one id. */
  id: string;
  appId: string;
  userId: string;
  /** Capability URL at the browser's push service: anyone holding it can push, so it is kept server-side. */
  endpoint: string;
  /** The browser's P-256 public key, base64url (65 bytes uncompressed). */
  p256dh: string;
  /** The browser's 16-byte authentication secret, base64url. */
  auth: string;
  /** When the push service will expire the subscription, ms since the epoch, if it said so. */
  expirationTime: number | null;
  /** When it was (last) registered, ms since the epoch. */
  createdAt: number;
}

/** What happened to the pushes of one notification: accepted by the push service, given up, or subscription removed (404/410). */
export interface PushCounts {
  sent: number;
  failed: number;
  removed: number;
}

/**
 * Guarantees every backend keeps (on top of storage.ts's durability and failure rules):
 * - Nothing crosses apps: every method reads and writes only the named app's data.
 * - A subscription is unique per (appId, endpoint). Putting an endpoint again replaces its record
 *   (user, keys, expiry, createdAt): a browser re-registered by whoever is signed in now.
 * - `putPushSubscription` leaves at most `maxPerUser` subscriptions to the user, removing that
 *   user's oldest (by createdAt) in the same atomic step; the one just put is never removed.
 * - `countPush` adds atomically: concurrent additions are never lost. Once it was called for a
 *   notification, `Storage.getStatus` of that notification carries `push` with the totals.
 */
export interface PushStore {
  /** Inserts or replaces the subscription of `sub.endpoint`; returns how many older subscriptions of the user were removed to keep `maxPerUser`. */
  putPushSubscription(sub: PushSubscriptionRecord, maxPerUser: number): Promise<number>;
  /** Subscriptions of any of `userIds`, oldest first. */
  listPushSubscriptions(appId: string, userIds: readonly string[]): Promise<PushSubscriptionRecord[]>;
  /** Deletes one subscription; with `userId`, only if it belongs to that user. False when nothing matched. */
  deletePushSubscription(appId: string, id: string, userId?: string): Promise<boolean>;
  /** Deletes every subscription of a user; returns how many. */
  deleteUserPushSubscriptions(appId: string, userId: string): Promise<number>;
  /** Those of `userIds` that have at least one session connected to some node (SessionRecord.node set). */
  usersOnline(appId: string, userIds: readonly string[]): Promise<string[]>;
  /** Adds to the push counters of a notification (creating them at zero). */
  countPush(appId: string, notificationId: string, add: PushCounts): Promise<void>;
}
