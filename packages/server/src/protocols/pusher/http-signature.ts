// Pusher HTTP API request signatures: HMAC-SHA256 over method, path and sorted query (with body_md5), within 600 s.
import { hash } from 'node:crypto';
import { equalSignatures, hmacHex } from '../../auth/secrets.js';
import type { AppCredentials } from '../../core/channels/authorize.js';

/** Requests signed further than this from the server's clock are refused (Pusher's window). */
export const TIMESTAMP_WINDOW_S = 600;

export interface SignedRequest {
  method: string;
  /** The path exactly as received (no query). */
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  body: Buffer;
}

export type SignatureCheck = { ok: true; params: Map<string, string> } | { ok: false; reason: string };

/** Query parameters with lowercased keys; values decoded (`+` kept, or read as a space when `plusIsSpace`). */
export function parseQuery(query: string, plusIsSpace = false): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    params.set(decode(rawKey, plusIsSpace).toLowerCase(), decode(rawValue, plusIsSpace));
  }
  return params;
}

function decode(s: string, plusIsSpace: boolean): string {
  const text = plusIsSpace ? s.replace(/\+/g, ' ') : s;
  // Most values (keys, hex digests, timestamps) have no escapes: skip the decoder for them.
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The string Pusher signs: `METHOD\npath\nk=v&...` (keys sorted, values unescaped, auth_signature left out). */
export function stringToSign(method: string, path: string, params: Map<string, string>): string {
  // Sorted as they come, comparing UTF-16 code units as Pusher's libraries do: a request has a
  // handful of parameters, and Array#sort would allocate its work space on every API call.
  const keys: string[] = [];
  for (const key of params.keys()) {
    if (key === 'auth_signature') continue;
    let i = keys.length;
    keys.push(key);
    for (; i > 0 && keys[i - 1]! > key; i--) keys[i] = keys[i - 1]!;
    keys[i] = key;
  }
  let query = '';
  for (const key of keys) query += `${query === '' ? '' : '&'}${key}=${params.get(key)}`;
  return `${method.toUpperCase()}\n${path}\n${query}`;
}

/** Checks a request's signature, key, version, body_md5 and timestamp. `nowS` is the server's clock in seconds. */
export function verifyRequest(app: AppCredentials, request: SignedRequest, nowS: number): SignatureCheck {
  const params = parseQuery(request.query);
  const signature = params.get('auth_signature');
  if (!signature) return { ok: false, reason: 'auth_signature is missing' };
  if (params.get('auth_key') !== app.key) return { ok: false, reason: 'auth_key does not belong to this app' };
  if (params.get('auth_version') !== '1.0') return { ok: false, reason: 'auth_version must be 1.0' };
  const md5 = request.body.length > 0 ? hash('md5', request.body, 'hex') : null;
  if (md5 !== null && params.get('body_md5') !== undefined && params.get('body_md5') !== md5) return { ok: false, reason: 'body_md5 does not match the body' };

  // What was signed: the path and query as received, or the readings other clients sign (the path
  // percent-decoded, a form-encoded query whose '+' means a space).
  const paths = [request.path];
  const decodedPath = decode(request.path, false);
  if (decodedPath !== request.path) paths.push(decodedPath);
  const queries = [params];
  if (request.query.includes('+')) queries.push(parseQuery(request.query, true));
  let matched: Map<string, string> | null = null;
  for (const candidate of queries) {
    // The MD5 is always recomputed from the bytes received, so an unsigned body change fails the signature.
    if (md5 !== null) candidate.set('body_md5', md5);
    for (const path of paths) {
      if (matched === null && equalSignatures(signature, hmacHex(app.secret, stringToSign(request.method, path, candidate)))) matched = candidate;
    }
  }
  if (!matched) return { ok: false, reason: 'Invalid signature: expected HMAC SHA256 hex digest of METHOD\\nPATH\\nSORTED_QUERY (with body_md5) keyed with the app secret' };
  const timestamp = Number(matched.get('auth_timestamp'));
  if (!Number.isInteger(timestamp)) return { ok: false, reason: 'auth_timestamp must be Unix seconds' };
  if (Math.abs(nowS - timestamp) >= TIMESTAMP_WINDOW_S) {
    return { ok: false, reason: `Timestamp expired: auth_timestamp ${timestamp} is more than ${TIMESTAMP_WINDOW_S} s from the server time ${Math.floor(nowS)}` };
  }
  return { ok: true, params: matched };
}
