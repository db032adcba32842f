// Validation of Pusher HTTP API event bodies: names, channels, data size, socket_id, info.
import { HeraldError } from '../../errors.js';
import { isValidChannelName } from '../../core/channels/names.js';
import { isSocketId } from '../../core/channels/socket-id.js';

/** Pusher's limits on one API call. */
export const API_LIMITS = { channelsPerEvent: 100, eventsPerBatch: 10, eventNameLength: 200 } as const;

export type InfoAttribute = 'user_count' | 'subscription_count';

export interface ApiEvent {
  name: string;
  data: string;
  channels: string[];
  socketId?: string;
  info: InfoAttribute[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses `info=user_count,subscription_count`; unknown attributes are refused. */
export function parseInfo(raw: unknown, allowed: readonly string[], where: string): string[] {
  if (raw === undefined || raw === null || raw === '') return [];
  if (typeof raw !== 'string') throw new HeraldError('invalid_request', `${where} must be a comma-separated string`);
  const attributes = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const a of attributes) if (!allowed.includes(a)) throw new HeraldError('invalid_request', `${where}: unknown attribute ${JSON.stringify(a)} (allowed: ${allowed.join(', ')})`);
  return attributes;
}

/** Checks one event (`/events` body, or a `/batch_events` item with `single` true). */
export function parseEvent(raw: unknown, maxEventBytes: number, where: string, single: boolean): ApiEvent {
  if (!isObject(raw)) throw new HeraldError('invalid_request', `${where} must be a JSON object`);
  const { name, data, socket_id: socketId, info } = raw;
  if (typeof name !== 'string' || name === '' || name.length > API_LIMITS.eventNameLength) {
    throw new HeraldError('invalid_request', `${where}.name must be a string of 1-${API_LIMITS.eventNameLength} characters`);
  }
  if (typeof data !== 'string') throw new HeraldError('invalid_request', `${where}.data must be a string (JSON-encode objects first)`);
  if (Buffer.byteLength(data) > maxEventBytes) throw new HeraldError('payload_too_large', `${where}.data is larger than ${maxEventBytes} bytes`);
  let channels: unknown = raw['channels'];
  if (channels === undefined && typeof raw['channel'] === 'string') channels = [raw['channel']];
  if (single && raw['channels'] !== undefined) throw new HeraldError('invalid_request', `${where} takes one channel, not channels`);
  if (!Array.isArray(channels) || channels.length === 0 || channels.length > API_LIMITS.channelsPerEvent) {
    throw new HeraldError('invalid_request', `${where} needs channel, or channels: 1-${API_LIMITS.channelsPerEvent} names`);
  }
  for (const c of channels) {
    if (typeof c !== 'string' || !isValidChannelName(c)) throw new HeraldError('invalid_channel', `${where}: invalid channel name ${JSON.stringify(c)}`);
  }
  if (socketId !== undefined && socketId !== null && !isSocketId(socketId)) throw new HeraldError('invalid_request', `${where}.socket_id must look like 1234.5678`);
  const event: ApiEvent = { name, data, channels: [...new Set(channels as string[])], info: parseInfo(info, ['user_count', 'subscription_count'], `${where}.info`) as InfoAttribute[] };
  if (typeof socketId === 'string') event.socketId = socketId;
  return event;
}

/** Checks a `/batch_events` body: `{batch: [...]}` of 1-10 single-channel events. */
export function parseBatch(raw: unknown, maxEventBytes: number): ApiEvent[] {
  const batch = isObject(raw) ? raw['batch'] : undefined;
  if (!Array.isArray(batch) || batch.length === 0 || batch.length > API_LIMITS.eventsPerBatch) {
    throw new HeraldError('invalid_request', `batch must be an array of 1-${API_LIMITS.eventsPerBatch} events`);
  }
  return batch.map((item, i) => parseEvent(item, maxEventBytes, `batch[${i}]`, true));
}
