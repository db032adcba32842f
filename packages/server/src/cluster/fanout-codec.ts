// Reads a channel fan-out message that came over the bus: every field checked, anything else refused with null.
import type { JsonValue } from '@herald/protocol';
import type { FanoutMessage } from '../core/channels/fanout.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(raw: Record<string, unknown>, ...names: string[]): boolean {
  return names.every((name) => typeof raw[name] === 'string');
}

/** The fan-out message in `raw` (already parsed JSON), or null when it is not a well-formed one. */
export function decodeFanout(raw: unknown): FanoutMessage | null {
  if (!isRecord(raw) || !strings(raw, 'appId')) return null;
  const appId = raw['appId'] as string;
  const kind = raw['kind'] as FanoutMessage['kind'];
  switch (kind) {
    case 'event': {
      if (!strings(raw, 'channel', 'event', 'data')) return null;
      const { userId, except } = raw;
      if ((userId !== undefined && typeof userId !== 'string') || (except !== undefined && typeof except !== 'string')) return null;
      const message: FanoutMessage = { kind, appId, channel: raw['channel'] as string, event: raw['event'] as string, data: raw['data'] as string };
      if (userId !== undefined) message.userId = userId;
      if (except !== undefined) message.except = except;
      return message;
    }
    case 'member_added': {
      const member = raw['member'];
      if (!strings(raw, 'channel', 'except') || !isRecord(member) || typeof member['userId'] !== 'string' || !('info' in member)) return null;
      // The info was JSON when it was encoded, so it is a JSON value.
      const info = member['info'] as JsonValue;
      return { kind, appId, channel: raw['channel'] as string, member: { userId: member['userId'], info }, except: raw['except'] as string };
    }
    case 'member_removed':
      return strings(raw, 'channel', 'userId') ? { kind, appId, channel: raw['channel'] as string, userId: raw['userId'] as string } : null;
    case 'terminate_user':
      return strings(raw, 'userId') ? { kind, appId, userId: raw['userId'] as string } : null;
    default: {
      const unknown: never = kind;
      void unknown;
      return null;
    }
  }
}
