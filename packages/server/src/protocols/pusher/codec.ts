// Pusher protocol 7 messages: parsing what clients send (data as object or string) and encoding what the server sends.
import type { PresenceMember, SubscriberMessage, SubscribeRefusal } from '../../core/channels/index.js';

/** A client message, as a discriminated union; anything else is `invalid` with the reason. */
export type PusherClientMessage =
  | { kind: 'ping' }
  | { kind: 'pong' }
  | { kind: 'subscribe'; channel: string; auth?: string; channelData?: string }
  | { kind: 'unsubscribe'; channel: string }
  | { kind: 'signin'; auth: string; userData: string }
  | { kind: 'client_event'; channel: string; event: string; data: string }
  /** A `pusher:` event this server does not act on (forward compatibility). */
  | { kind: 'ignored'; event: string }
  | { kind: 'invalid'; reason: string };

type Fields = Record<string, unknown>;

function isObject(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `data` arrives as an object from pusher-js and as a JSON string from some other clients: accept both. */
function dataObject(data: unknown): Fields | null {
  if (isObject(data)) return data;
  if (typeof data !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(data);
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** Parses one text frame from a client. */
export function parseClientMessage(text: string): PusherClientMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'the message is not JSON' };
  }
  if (!isObject(raw) || typeof raw['event'] !== 'string') return { kind: 'invalid', reason: 'the message must be an object with an event name' };
  const event = raw['event'];
  switch (event) {
    case 'pusher:ping':
      return { kind: 'ping' };
    case 'pusher:pong':
      return { kind: 'pong' };
    case 'pusher:subscribe': {
      const data = dataObject(raw['data']);
      const channel = data?.['channel'];
      if (!data || typeof channel !== 'string') return { kind: 'invalid', reason: 'pusher:subscribe needs data.channel' };
      const message: PusherClientMessage = { kind: 'subscribe', channel };
      if (typeof data['auth'] === 'string') message.auth = data['auth'];
      if (typeof data['channel_data'] === 'string') message.channelData = data['channel_data'];
      return message;
    }
    case 'pusher:unsubscribe': {
      const channel = dataObject(raw['data'])?.['channel'];
      return typeof channel === 'string' ? { kind: 'unsubscribe', channel } : { kind: 'invalid', reason: 'pusher:unsubscribe needs data.channel' };
    }
    case 'pusher:signin': {
      const data = dataObject(raw['data']);
      if (!data || typeof data['auth'] !== 'string' || typeof data['user_data'] !== 'string') {
        return { kind: 'invalid', reason: 'pusher:signin needs data.auth and data.user_data strings' };
      }
      return { kind: 'signin', auth: data['auth'], userData: data['user_data'] };
    }
    default:
      break;
  }
  if (event.startsWith('pusher:') || event.startsWith('pusher_internal:')) return { kind: 'ignored', event };
  const channel = raw['channel'];
  if (typeof channel !== 'string') return { kind: 'invalid', reason: `event ${JSON.stringify(event.slice(0, 64))} needs a channel` };
  const data = raw['data'];
  return { kind: 'client_event', channel, event, data: typeof data === 'string' ? data : JSON.stringify(data ?? null) };
}

/** `pusher:connection_established`, with `data` double-encoded as protocol 7 requires. */
export function connectionEstablished(socketId: string, activityTimeout: number): string {
  return JSON.stringify({ event: 'pusher:connection_established', data: JSON.stringify({ socket_id: socketId, activity_timeout: activityTimeout }) });
}

/** `pusher:error` carries an object `data` (as Pusher sends it). */
export function errorFrame(code: number | null, message: string): string {
  return JSON.stringify({ event: 'pusher:error', data: { code, message } });
}

export const PING = '{"event":"pusher:ping","data":{}}';
export const PONG = '{"event":"pusher:pong","data":{}}';

export function signinSuccess(userData: string): string {
  return JSON.stringify({ event: 'pusher:signin_success', data: { user_data: userData } });
}

/** Pusher-style `type` and `status` for each refusal, as pusher-js applications read them from `pusher:subscription_error`. */
function refusalData(refusal: SubscribeRefusal): { type: string; error: string; status: number; code: string } {
  const base = { error: refusal.message, code: refusal.code };
  switch (refusal.code) {
    case 'channel_unauthorized':
      return { type: 'AuthError', status: 401, ...base };
    case 'channel_full':
      return { type: 'LimitReached', status: 4100, ...base };
    case 'payload_too_large':
      return { type: 'LimitReached', status: 4301, ...base };
    case 'invalid_channel':
    case 'invalid_request':
      return { type: 'InvalidRequest', status: 400, ...base };
    case 'internal_error':
      return { type: 'ServerError', status: 500, ...base };
    default: {
      const unknown: never = refusal.code;
      return { type: 'Error', status: 500, ...base, code: String(unknown) };
    }
  }
}

function presenceData(members: PresenceMember[]): string {
  const hash: Record<string, PresenceMember['info']> = {};
  for (const m of members) hash[m.userId] = m.info;
  return JSON.stringify({ presence: { ids: members.map((m) => m.userId), hash, count: members.length } });
}

/**
 * The last message encoded and its text. The hub hands one message object to every subscriber of a
 * fan-out in a row, so remembering one is enough to serialize a broadcast once; it costs one
 * comparison per recipient and, unlike a WeakMap, nothing per message.
 */
let lastMessage: SubscriberMessage | null = null;
let lastText = '';

/** Encodes a hub message as the Pusher frame (system `data` as JSON strings, channel events with the publisher's string). */
export function encodeSubscriberMessage(message: SubscriberMessage): string {
  if (message === lastMessage) return lastText;
  let text: string;
  switch (message.kind) {
    case 'subscribed':
      text = JSON.stringify({ event: 'pusher_internal:subscription_succeeded', channel: message.channel, data: message.members ? presenceData(message.members) : '{}' });
      break;
    case 'refused':
      text = JSON.stringify({ event: 'pusher:subscription_error', channel: message.channel, data: JSON.stringify(refusalData(message.refusal)) });
      break;
    case 'event':
      text = JSON.stringify({ event: message.event, channel: message.channel, data: message.data, ...(message.userId !== undefined ? { user_id: message.userId } : {}) });
      break;
    case 'cache_miss':
      text = JSON.stringify({ event: 'pusher:cache_miss', channel: message.channel });
      break;
    case 'member_added':
      text = JSON.stringify({ event: 'pusher_internal:member_added', channel: message.channel, data: JSON.stringify({ user_id: message.member.userId, user_info: message.member.info }) });
      break;
    case 'member_removed':
      text = JSON.stringify({ event: 'pusher_internal:member_removed', channel: message.channel, data: JSON.stringify({ user_id: message.userId }) });
      break;
    default: {
      const unknown: never = message;
      throw new Error(`unknown subscriber message ${JSON.stringify(unknown)}`);
    }
  }
  lastMessage = message;
  lastText = text;
  return text;
}
