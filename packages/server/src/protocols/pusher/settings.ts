// Per-app Pusher settings: the `pusher` object of an app entry in the config file, checked at start-up, with defaults.
import type { JsonValue } from '@herald/protocol';
import { HeraldConfigError } from '../../config/errors.js';
import { DEFAULT_CHANNEL_POLICY, type ChannelPolicy } from '../../core/channels/index.js';

export const WEBHOOK_EVENTS = ['channel_occupied', 'channel_vacated', 'member_added', 'member_removed', 'client_event', 'cache_miss'] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookTarget {
  url: string;
  /** Event names sent to this URL. */
  events: ReadonlySet<WebhookEventName>;
}

export interface PusherSettings {
  /** Seconds of silence after which the client pings (sent in `connection_established`). */
  activityTimeout: number;
  /** Pusher connections per app on this node; beyond it, close 4004. */
  maxConnections: number;
  /** Channel events the HTTP API accepts per second (one per channel addressed); 0 means no limit. */
  maxBackendEventsPerSecond: number;
  /** Client events, presence and cache rules (applied to native channel subscribers too). */
  channels: ChannelPolicy;
  webhooks: WebhookTarget[];
  /** Events within this window go out in one POST. */
  webhookBatchMs: number;
  /** First retry delay of a failed webhook POST; doubles up to 60 s. */
  webhookRetryMs: number;
  /** A webhook POST that keeps failing is dropped after this long. */
  webhookRetryForMs: number;
}

type Spec = { doc: string; min: number; max: number };
const NUMBERS = {
  activityTimeout: { doc: 'seconds', min: 1, max: 3600 },
  maxConnections: { doc: 'connections', min: 1, max: 10_000_000 },
  maxBackendEventsPerSecond: { doc: 'events per second (0: no limit)', min: 0, max: 10_000_000 },
  maxClientEventsPerSecond: { doc: 'events per second (0: no limit)', min: 0, max: 1_000_000 },
  maxEventBytes: { doc: 'bytes', min: 64, max: 16 * 1024 * 1024 },
  maxPresenceMembers: { doc: 'members', min: 1, max: 1_000_000 },
  cacheTtl: { doc: 'seconds', min: 1, max: 86_400 },
  webhookBatchMs: { doc: 'ms', min: 0, max: 60_000 },
  webhookRetryMs: { doc: 'ms', min: 10, max: 600_000 },
  webhookRetryForMs: { doc: 'ms', min: 0, max: 86_400_000 },
} as const satisfies Record<string, Spec>;
type NumberKey = keyof typeof NUMBERS;
const KEYS = new Set<string>([...Object.keys(NUMBERS), 'clientEvents', 'webhooks']);

/** Defaults: client events on, webhooks off, Pusher's limits; `maxConnections` follows the server's `maxConnections`. */
export function defaultPusherSettings(maxConnections: number): PusherSettings {
  return {
    activityTimeout: 120,
    maxConnections,
    maxBackendEventsPerSecond: 0,
    channels: { ...DEFAULT_CHANNEL_POLICY },
    webhooks: [],
    webhookBatchMs: 50,
    webhookRetryMs: 1000,
    webhookRetryForMs: 300_000,
  };
}

/** Checks an app's `pusher` object (`where` names it in errors, e.g. `apps[0].pusher`). Unknown keys are errors. */
export function parsePusherSettings(raw: JsonValue | undefined, where: string, maxConnections: number): PusherSettings {
  const settings = defaultPusherSettings(maxConnections);
  if (raw === undefined) return settings;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new HeraldConfigError(`${where} must be an object`);
  for (const [key, value] of Object.entries(raw)) {
    if (!KEYS.has(key)) throw new HeraldConfigError(`${where}.${key} is not a known Pusher setting (known: ${[...KEYS].join(', ')})`);
    if (key === 'clientEvents') {
      if (typeof value !== 'boolean') throw new HeraldConfigError(`${where}.clientEvents must be true or false`);
      settings.channels.clientEvents = value;
    } else if (key === 'webhooks') {
      settings.webhooks = parseWebhooks(value, `${where}.webhooks`);
    } else {
      const spec: Spec = NUMBERS[key as NumberKey];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
        throw new HeraldConfigError(`${where}.${key} must be an integer from ${spec.min} to ${spec.max} (${spec.doc}), got ${JSON.stringify(value)}`);
      }
      apply(settings, key as NumberKey, value);
    }
  }
  return settings;
}

function apply(settings: PusherSettings, key: NumberKey, value: number): void {
  switch (key) {
    case 'maxClientEventsPerSecond':
    case 'maxEventBytes':
    case 'maxPresenceMembers':
      settings.channels[key] = value;
      return;
    case 'cacheTtl':
      settings.channels.cacheTtlSeconds = value;
      return;
    default:
      settings[key] = value;
  }
}

function parseWebhooks(raw: JsonValue, where: string): WebhookTarget[] {
  if (!Array.isArray(raw)) throw new HeraldConfigError(`${where} must be an array of {url, events?}`);
  return raw.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new HeraldConfigError(`${where}[${i}] must be an object {url, events?}`);
    for (const k of Object.keys(item)) if (k !== 'url' && k !== 'events') throw new HeraldConfigError(`${where}[${i}].${k} is not a webhook setting (url, events)`);
    const url = item['url'];
    if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/.test(url)) throw new HeraldConfigError(`${where}[${i}].url must be an http(s) URL`);
    const events = item['events'] ?? [...WEBHOOK_EVENTS];
    if (!Array.isArray(events) || events.some((e) => !(WEBHOOK_EVENTS as readonly JsonValue[]).includes(e))) {
      throw new HeraldConfigError(`${where}[${i}].events must list some of ${WEBHOOK_EVENTS.join(', ')}`);
    }
    return { url, events: new Set(events as WebhookEventName[]) };
  });
}
