// Webhook signatures: `sha256=` + hex HMAC-SHA256 of the exact body bytes, keyed with the app secret.
import { hmacHex } from '../auth/secrets.js';

/** The `X-Herald-Signature` value for `body`. */
export function signWebhook(body: string, secret: string): string {
  return `sha256=${hmacHex(secret, body)}`;
}
