// Parsing an app's `webhooks` key from the config file: a URL and an optional list of event names.
import { WEBHOOK_EVENT_NAMES, type WebhookEventName } from '@herald/protocol';
import type { AppWebhookConfig } from '../config/schema.js';
import { HeraldConfigError } from '../config/errors.js';

const KEYS = new Set(['url', 'events']);

/** Checks `{url, events?}`; throws HeraldConfigError naming the setting (`where`) otherwise. */
export function parseWebhookConfig(raw: unknown, where: string): AppWebhookConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new HeraldConfigError(`${where} must be an object {url, events?}`);
  const rec = raw as Record<string, unknown>;
  for (const k of Object.keys(rec)) {
    if (!KEYS.has(k)) throw new HeraldConfigError(`${where}.${k} is not a known webhook setting`);
  }
  const url = rec['url'];
  if (typeof url !== 'string' || !isHttpUrl(url)) throw new HeraldConfigError(`${where}.url must be an http or https URL, got ${JSON.stringify(url)}`);
  const events = rec['events'];
  if (events === undefined) return { url };
  if (!Array.isArray(events) || events.length === 0) {
    throw new HeraldConfigError(`${where}.events must be a non-empty array of ${WEBHOOK_EVENT_NAMES.join(', ')}`);
  }
  for (const e of events) {
    if (!(WEBHOOK_EVENT_NAMES as readonly unknown[]).includes(e)) {
      throw new HeraldConfigError(`${where}.events: unknown event ${JSON.stringify(e)} (known: ${WEBHOOK_EVENT_NAMES.join(', ')})`);
    }
  }
  return { url, events: [...new Set(events as WebhookEventName[])] };
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
