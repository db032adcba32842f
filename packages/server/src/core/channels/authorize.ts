// Channel authorization and user sign-in signatures (Pusher's scheme): HMAC-SHA256 with the app secret, checked in constant time.
import { hash } from 'node:crypto';
import type { JsonValue } from '@herald/protocol';
import { equalSignatures } from '../../auth/secrets.js';

/** The credentials a signature is checked against. */
export interface AppCredentials {
  id: string;
  key: string;
  secret: string;
}

/** SHA-256's block size, bytes: HMAC pads the key to it. */
const BLOCK = 64;

/**
 * Lowercase hex HMAC-SHA256 of `text` keyed with `secret` (RFC 2104: H(K^opad || H(K^ipad || text))),
 * as two one-shot digests. `createHmac` sets up an OpenSSL HMAC context per call (an algorithm
 * fetch, a key schedule, a JS object), which on the publish path (every signed API request, every
 * channel authorization) cost more than the hashing itself. The tests compare it with `createHmac`.
 */
export function hmacHex(secret: string, text: string): string {
  let key = Buffer.from(secret, 'utf8');
  if (key.length > BLOCK) key = hash('sha256', key, 'buffer');
  const length = Buffer.byteLength(text, 'utf8');
  const inner = Buffer.allocUnsafe(BLOCK + length);
  const outer = Buffer.allocUnsafe(BLOCK + 32);
  for (let i = 0; i < BLOCK; i++) {
    const k = i < key.length ? key[i]! : 0;
    inner[i] = k ^ 0x36;
    outer[i] = k ^ 0x5c;
  }
  inner.write(text, BLOCK, length, 'utf8');
  hash('sha256', inner, 'buffer').copy(outer, BLOCK);
  return hash('sha256', outer, 'hex');
}

/** The string a channel authorization signs: the exact `channelData` bytes received, never re-serialized. */
export function channelAuthText(socketId: string, channel: string, channelData?: string): string {
  return channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`;
}

/** The string a user sign-in signs (two colons each side of `user`). */
export function signinText(socketId: string, userData: string): string {
  return `${socketId}::user::${userData}`;
}

/** A token as clients send it: `<app key>:<hex signature>`. */
export function authToken(app: AppCredentials, text: string): string {
  return `${app.key}:${hmacHex(app.secret, text)}`;
}

/** Checks a `<key>:<hex>` token over `text`: both the key and the signature must match (compared in constant time). */
export function verifyAuthToken(app: AppCredentials, token: unknown, text: string): boolean {
  if (typeof token !== 'string' || token.length > 512) return false;
  return equalSignatures(token, authToken(app, text));
}

/** A presence member as the application signed it. */
export interface PresenceMember {
  userId: string;
  info: JsonValue;
}

export const MAX_USER_ID = 128;
export const MAX_USER_INFO_BYTES = 1024;

export type ChannelDataResult = { ok: true; member: PresenceMember } | { ok: false; tooLarge: boolean; message: string };

/** Reads presence `channel_data`: `{"user_id": string|number, "user_info"?: any}`, id at most 128 characters, info at most 1 KB. */
export function parseChannelData(channelData: string): ChannelDataResult {
  let raw: unknown;
  try {
    raw = JSON.parse(channelData);
  } catch {
    return { ok: false, tooLarge: false, message: 'channel_data is not JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, tooLarge: false, message: 'channel_data must be a JSON object' };
  const rec = raw as Record<string, JsonValue>;
  const id = rec['user_id'];
  const userId = typeof id === 'number' && Number.isFinite(id) ? String(id) : id;
  if (typeof userId !== 'string' || userId === '') return { ok: false, tooLarge: false, message: 'channel_data.user_id must be a non-empty string or number' };
  if (userId.length > MAX_USER_ID) return { ok: false, tooLarge: true, message: `channel_data.user_id is longer than ${MAX_USER_ID} characters` };
  const info = rec['user_info'] ?? null;
  if (Buffer.byteLength(JSON.stringify(info)) > MAX_USER_INFO_BYTES) {
    return { ok: false, tooLarge: true, message: `channel_data.user_info is larger than ${MAX_USER_INFO_BYTES} bytes` };
  }
  return { ok: true, member: { userId, info } };
}
