// Channel authorization and user sign-in signatures (Pusher's scheme): HMAC-SHA256 with the app secret, checked in constant time.
import type { JsonValue } from '@herald/protocol';
import { equalSignatures, hmacHex } from '../../auth/secrets.js';

/** The credentials a signature is checked against. */
export interface AppCredentials {
  id: string;
  key: string;
  secret: string;
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
