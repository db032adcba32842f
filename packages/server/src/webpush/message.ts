// Builds the push message (protocol PushMessage) for one notification, within the Web Push size limit.
import { createHash } from 'node:crypto';
import { PUSH_MESSAGE_MAX_BYTES, type Notification, type PushContent, type PushMessage } from '@herald/protocol';

/**
 * The JSON text sent to every subscription of a notification. The notification's `data` rides along
 * when it fits; otherwise it is left out (the page can still fetch it by id). Null when even the
 * content alone is too large (validation keeps `push` small enough that this does not happen).
 */
export function pushMessageJson(content: PushContent, notification: Notification): string | null {
  const message: PushMessage = { title: content.title, notification: { id: notification.id, module: notification.module, type: notification.type } };
  if (content.body !== undefined) message.body = content.body;
  if (content.icon !== undefined) message.icon = content.icon;
  if (content.url !== undefined) message.url = content.url;
  if (content.tag !== undefined) message.tag = content.tag;
  const withData = JSON.stringify({ ...message, notification: { ...message.notification, data: notification.data } });
  if (Buffer.byteLength(withData) <= PUSH_MESSAGE_MAX_BYTES) return withData;
  const bare = JSON.stringify(message);
  return Buffer.byteLength(bare) <= PUSH_MESSAGE_MAX_BYTES ? bare : null;
}

/**
 * The RFC 8030 `Topic` for a tag: a push service replaces an undelivered message with a newer one of
 * the same topic, as the browser replaces a shown notification of the same tag. Topics are at most 32
 * base64url characters, so the tag is digested.
 */
export function topicForTag(tag: string | undefined): string | undefined {
  return tag === undefined || tag === '' ? undefined : createHash('sha256').update(tag).digest('base64url').slice(0, 32);
}

/** Longest TTL push services honour (4 weeks); they would lower a longer one anyway. */
const MAX_PUSH_TTL = 28 * 86_400;

/** Seconds the push service may hold the message: `push.ttl`, else what is left of the notification's own life. */
export function pushTtl(content: PushContent, notification: Notification, now: number): number {
  if (content.ttl !== undefined) return Math.min(content.ttl, MAX_PUSH_TTL);
  if (notification.exp === undefined) return MAX_PUSH_TTL;
  return Math.max(0, Math.min(MAX_PUSH_TTL, Math.floor((notification.exp - now) / 1000)));
}
