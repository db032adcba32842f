// Reads the server's channel frames (socket, subscribed, channel_event, members...) and checks their shape.
import { isErrorCode } from '@herald/protocol';
import type { ChannelMember, ChannelServerFrame, JsonValue } from '@herald/protocol';

export type ParsedChannelFrame = { kind: 'channel'; frame: ChannelServerFrame } | { kind: 'invalid'; reason: string };

type Fields = { [key: string]: unknown };

function member(value: unknown): ChannelMember | null {
  if (typeof value !== 'object' || value === null) return null;
  const { id, info } = value as Fields;
  // JSON.parse only produces JSON values.
  return typeof id === 'string' ? { id, info: (info ?? null) as JsonValue } : null;
}

/** Parses a frame whose op is a channel op; null for any other op. */
export function parseChannelFrame(value: Fields): ParsedChannelFrame | null {
  const op = value['op'];
  const channel = value['channel'];
  if (op === 'socket') {
    return typeof value['socketId'] === 'string' ? { kind: 'channel', frame: { op, socketId: value['socketId'] } } : { kind: 'invalid', reason: 'socket without socketId' };
  }
  if (op !== 'subscribed' && op !== 'subscription_error' && op !== 'channel_event' && op !== 'member_added' && op !== 'member_removed' && op !== 'cache_miss') return null;
  if (typeof channel !== 'string') return { kind: 'invalid', reason: `${op} without channel` };
  switch (op) {
    case 'subscribed': {
      if (value['members'] === undefined) return { kind: 'channel', frame: { op, channel } };
      const list = Array.isArray(value['members']) ? value['members'].map(member) : null;
      if (!list || list.some((m) => m === null)) return { kind: 'invalid', reason: 'subscribed with malformed members' };
      return { kind: 'channel', frame: { op, channel, members: list as ChannelMember[] } };
    }
    case 'subscription_error': {
      const code = value['code'];
      const message = typeof value['message'] === 'string' ? value['message'] : '';
      return { kind: 'channel', frame: { op, channel, code: isErrorCode(code) ? code : 'internal_error', message } };
    }
    case 'channel_event': {
      const { event, data, userId } = value;
      if (typeof event !== 'string' || typeof data !== 'string') return { kind: 'invalid', reason: 'channel_event without event and data strings' };
      return { kind: 'channel', frame: { op, channel, event, data, ...(typeof userId === 'string' ? { userId } : {}) } };
    }
    case 'member_added': {
      const m = member(value['member']);
      return m ? { kind: 'channel', frame: { op, channel, member: m } } : { kind: 'invalid', reason: 'member_added without member' };
    }
    case 'member_removed':
      return typeof value['userId'] === 'string' ? { kind: 'channel', frame: { op, channel, userId: value['userId'] } } : { kind: 'invalid', reason: 'member_removed without userId' };
    case 'cache_miss':
      return { kind: 'channel', frame: { op, channel } };
  }
}
