// Reads server frames from JSON text and checks their shape before the client trusts them.
import { isErrorCode } from '@herald/protocol';
import type { ChannelServerFrame, JsonValue, Notification, SessionServerFrame } from '@herald/protocol';
import { parseChannelFrame } from './channel-frames.js';

/** A parsed frame, a frame with an op this client does not know (ignored, for forward compatibility), or garbage. */
export type ParsedFrame =
  | { kind: 'frame'; frame: SessionServerFrame }
  | { kind: 'channel'; frame: ChannelServerFrame }
  | { kind: 'unknown'; op: string }
  | { kind: 'invalid'; reason: string };

type Fields = { [key: string]: unknown };

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function readNotification(value: unknown): Notification | null {
  if (!isObject(value)) return null;
  const { id, module, type, data, key, ts, exp } = value;
  if (typeof id !== 'string' || typeof module !== 'string' || typeof type !== 'string') return null;
  if (key !== undefined && typeof key !== 'string') return null;
  const notification: Notification = {
    id,
    module,
    type,
    // JSON.parse only produces JSON values, so whatever is here is one.
    data: (data ?? null) as JsonValue,
    ts: typeof ts === 'number' ? ts : 0,
  };
  if (key !== undefined) notification.key = key;
  if (typeof exp === 'number') notification.exp = exp;
  return notification;
}

/** Parses one frame of the native protocol. */
export function parseServerFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  if (!isObject(value) || typeof value.op !== 'string') return { kind: 'invalid', reason: 'no op' };
  const op = value.op;
  switch (op) {
    case 'welcome': {
      const { session, secret, resumed, user, scope, heartbeat, acked } = value;
      if (typeof session !== 'string' || session === '' || typeof secret !== 'string') {
        return { kind: 'invalid', reason: 'welcome without session and secret' };
      }
      if (typeof heartbeat !== 'number' || heartbeat < 0) return { kind: 'invalid', reason: 'welcome without heartbeat' };
      const ackedSeq = acked === undefined || acked === null ? 0 : acked;
      if (typeof ackedSeq !== 'number' || !Number.isSafeInteger(ackedSeq) || ackedSeq < 0) {
        return { kind: 'invalid', reason: 'welcome with a bad acked' };
      }
      return {
        kind: 'frame',
        frame: {
          op,
          session,
          secret,
          resumed: resumed === true,
          user: typeof user === 'string' ? user : null,
          scope: typeof scope === 'string' ? scope : '',
          heartbeat,
          acked: ackedSeq,
        },
      };
    }
    case 'notification': {
      if (!isSeq(value.seq)) return { kind: 'invalid', reason: 'notification without a positive integer seq' };
      const notification = readNotification(value.notification);
      if (!notification) return { kind: 'invalid', reason: 'notification without id, module and type' };
      return { kind: 'frame', frame: { op, seq: value.seq, notification } };
    }
    case 'ping':
    case 'pong':
      return { kind: 'frame', frame: { op } };
    case 'error': {
      const { code, message } = value;
      if (typeof code !== 'string') return { kind: 'invalid', reason: 'error without code' };
      const text = typeof message === 'string' ? message : '';
      // A code from a newer server is kept in the message rather than passed off as a known one.
      return isErrorCode(code)
        ? { kind: 'frame', frame: { op, code, message: text } }
        : { kind: 'frame', frame: { op, code: 'internal_error', message: `${code}: ${text}` } };
    }
    default:
      return parseChannelFrame(value) ?? { kind: 'unknown', op };
  }
}
