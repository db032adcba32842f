// Webhook signatures: `sha256=` + hex HMAC-SHA256 of the exact body bytes, keyed with the app secret.
import { createHmac } from 'node:crypto';

/** The `X-Herald-Signature` value for `body`. */
export function signWebhook(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}
