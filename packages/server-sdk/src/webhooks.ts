// Verifying Herald's native webhooks: `X-Herald-Signature: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookPayload } from '@herald/protocol';
import { isRecord } from './errors.js';

/**
 * True when `signature` (the `X-Herald-Signature` header) was made with `secret` over exactly these
 * bytes. Pass the raw body as received: re-serialized JSON will not match. Compares in constant time.
 */
export function verifyWebhook(body: string | Uint8Array, signature: string | string[] | null | undefined, secret: string): boolean {
  if (typeof signature !== 'string' || !signature.startsWith('sha256=') || !secret) return false;
  const given = Buffer.from(signature.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', secret).update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The verified payload `{time_ms, events}`, or null when the signature is wrong or the body is not a webhook payload. */
export function readWebhook(body: string | Uint8Array, signature: string | string[] | null | undefined, secret: string): WebhookPayload | null {
  if (!verifyWebhook(body, signature, secret)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch {
    return null;
  }
  if (!isRecord(parsed) || typeof parsed['time_ms'] !== 'number' || !Array.isArray(parsed['events'])) return null;
  if (!parsed['events'].every((e) => isRecord(e) && typeof e['name'] === 'string')) return null;
  return parsed as unknown as WebhookPayload;
}
