// Reading the channel scripts' replies (lua/channels.ts) into ChannelState outcomes.
import type { JsonValue } from '@herald/protocol';
import { array, int, text } from './reply-shapes.js';
import type { PresenceMember } from '../../core/channels/authorize.js';
import type { ChannelSummary, Departure, JoinOutcome, LeaveOutcome } from '../../core/channels/state.js';

/** Members from flat user, info JSON pairs (HGETALL of the channel's info hash). */
export function parseMembers(flat: unknown[], what: string): PresenceMember[] {
  const members: PresenceMember[] = [];
  // The info was stored by JSON.stringify of a JsonValue.
  for (let i = 0; i + 1 < flat.length; i += 2) members.push({ userId: text(flat[i], what), info: JSON.parse(text(flat[i + 1], what)) as JsonValue });
  return members;
}

export function parseJoin(reply: unknown, limit: number | undefined): JoinOutcome {
  const r = array(reply, 'join');
  if (int(r[0], 'join') === 0) return { kind: 'full', limit: limit ?? 0 };
  const presence = int(r[3], 'join') === 1 ? { members: parseMembers(r.slice(4), 'join') } : null;
  return { kind: 'joined', occupied: int(r[1], 'join') === 1, memberAdded: int(r[2], 'join') === 1, presence };
}

export function parseLeave(reply: unknown): LeaveOutcome {
  const r = array(reply, 'leave');
  if (r.length === 0) return { kind: 'absent' };
  return { kind: 'left', vacated: int(r[0], 'leave') === 1, memberRemoved: int(r[1], 'leave') === 1 ? text(r[2], 'leave') : null };
}

/** One channel's counts from {subscriptions, presence, users} starting at `at`. */
export function parseSummary(channel: string, r: unknown[], at: number): ChannelSummary {
  const subscriptions = int(r[at], 'summary');
  const presence = subscriptions > 0 && int(r[at + 1], 'summary') === 1;
  return { channel, subscriptions, users: presence ? int(r[at + 2], 'summary') : null };
}

export function parseList(reply: unknown): ChannelSummary[] {
  const r = array(reply, 'list');
  const out: ChannelSummary[] = [];
  for (let i = 0; i + 3 < r.length; i += 4) out.push(parseSummary(text(r[i], 'list'), r, i + 1));
  return out;
}

/** The release script's {more, app, channel, socket, vacated, removed, user, …}. */
export function parseRelease(reply: unknown): { more: boolean; departures: Departure[] } {
  const r = array(reply, 'release');
  const departures: Departure[] = [];
  for (let i = 1; i + 5 < r.length; i += 6) {
    departures.push({
      appId: text(r[i], 'release'),
      channel: text(r[i + 1], 'release'),
      socketId: text(r[i + 2], 'release'),
      vacated: int(r[i + 3], 'release') === 1,
      memberRemoved: int(r[i + 4], 'release') === 1 ? text(r[i + 5], 'release') : null,
    });
  }
  return { more: int(r[0], 'release') === 1, departures };
}
