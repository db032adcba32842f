// Reading Redis replies into storage records: hashes to sessions and apps, script arrays to outcomes.
import type { JsonObject, NotificationStatus } from '@herald/protocol';
import { array, int, malformed, text } from './reply-shapes.js';
import type { AppRecord, InboxEntry, PublishOutcome, SessionRecord } from '../storage.js';

function strings(values: unknown[], what: string): string[] {
  return values.map((v) => text(v, what));
}

export function asNumber(reply: unknown, what: string): number {
  return int(reply, what);
}

// Written by JSON.stringify of a JsonObject / AppRecord, so parsing gives one back.
export function parseApp(json: string): AppRecord {
  return JSON.parse(json) as AppRecord;
}

/** A session hash (HGETALL) as a record; null for an empty hash (no such session). */
export function parseSession(id: string, h: Record<string, string>): SessionRecord | null {
  if (h['app'] === undefined) return null;
  return {
    id,
    appId: h['app'],
    userId: h['user'] ?? null,
    scope: text(h['scope'], 'session scope'),
    meta: JSON.parse(text(h['meta'], 'session meta')) as JsonObject,
    resumeHash: text(h['rh'], 'session rh'),
    ttlMs: int(h['ttl'], 'session ttl'),
    createdAt: int(h['created'], 'session created'),
    node: h['node'] ?? null,
    transport: h['tr'] ?? null,
    disconnectedAt: h['disc'] === undefined ? null : int(h['disc'], 'session disc'),
    ackedSeq: int(h['acked'], 'session acked'),
    sentSeq: int(h['sent'], 'session sent'),
    pending: int(h['pending'], 'session pending'),
  };
}

/** A flat [field, value, ...] list as a hash. */
export function pairsToHash(flat: unknown[]): Record<string, string> {
  const h: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) h[text(flat[i], 'hash field')] = text(flat[i + 1], 'hash value');
  return h;
}

export function parsePublish(reply: unknown): PublishOutcome {
  const r = array(reply, 'publish');
  const kind = text(r[0], 'publish kind');
  switch (kind) {
    case 'published':
      return { kind: 'published', seq: int(r[1], 'seq'), recipients: strings(r.slice(2), 'recipient') };
    case 'duplicate':
      return { kind: 'duplicate', id: text(r[1], 'id'), recipients: int(r[2], 'recipients'), sameRequest: r[3] === 1 };
    case 'unknown':
      return { kind: 'unknown_sessions', sessions: strings(r.slice(1), 'session') };
    case 'full':
      return { kind: 'inbox_full', sessions: strings(r.slice(1), 'session') };
    default:
      throw malformed('publish', reply);
  }
}

export function parseInbox(reply: unknown): InboxEntry[] {
  const r = array(reply, 'inbox');
  const entries: InboxEntry[] = [];
  for (let i = 0; i + 1 < r.length; i += 2) entries.push({ seq: int(r[i], 'seq'), json: text(r[i + 1], 'json') });
  return entries;
}

export function parseStatus(reply: unknown): NotificationStatus | null {
  if (reply === null) return null;
  const r = array(reply, 'status');
  const status: NotificationStatus = {
    id: text(r[0], 'id'),
    recipients: int(r[1], 'recipients'),
    delivered: int(r[2], 'delivered'),
    acknowledged: int(r[3], 'acknowledged'),
    expired: int(r[4], 'expired'),
    dropped: int(r[5], 'dropped'),
    createdAt: int(r[6], 'createdAt'),
  };
  if (r[7] !== null && r[7] !== undefined) status.expiresAt = int(r[7], 'expiresAt');
  return status;
}

export function parseStrings(reply: unknown, what: string): string[] {
  return strings(array(reply, what), what);
}

export function parsePair(reply: unknown, what: string): [number, number] {
  const r = array(reply, what);
  return [int(r[0], what), int(r[1], what)];
}

export function parseEnd(id: string, reply: unknown): { dropped: number; session: SessionRecord } | null {
  if (reply === null) return null;
  const r = array(reply, 'end session');
  const session = parseSession(id, pairsToHash(r.slice(1)));
  if (session === null) throw malformed('end session', reply);
  return { dropped: int(r[0], 'dropped'), session };
}
