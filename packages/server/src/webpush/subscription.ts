// Reading a browser's PushSubscription JSON: checks every field, derives the subscription id, applies the endpoint host allow-list.
import { createHash, createPublicKey } from 'node:crypto';
import { HeraldConfigError } from '../config/errors.js';
import { HeraldError } from '../errors.js';

/** A checked `PushSubscription.toJSON()`. */
export interface ParsedSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
  expirationTime: number | null;
}

/** Longest endpoint accepted; real ones are a few hundred characters. */
const MAX_ENDPOINT_LENGTH = 2048;

/**
 * The subscription id: a digest of the endpoint, so registering the same browser twice gives the same id
 * and the id reveals nothing of the endpoint (a capability URL).
 */
export function subscriptionId(endpoint: string): string {
  return createHash('sha256').update(endpoint).digest('base64url').slice(0, 22);
}

/**
 * Host patterns of push services Herald may send to: `host`, `*.domain` (any subdomain), or `*` (any
 * host). The list keeps a client from making the server POST to arbitrary (internal) URLs.
 */
export function parseHostPatterns(list: string): string[] {
  const patterns = list.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean);
  for (const p of patterns) {
    if (!/^(\*|(\*\.)?[a-z0-9.:[\]-]+)$/.test(p)) throw new HeraldConfigError(`pushEndpointHosts: bad host pattern ${JSON.stringify(p)} (use host, *.domain or *)`);
  }
  return patterns;
}

export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  const h = host.toLowerCase();
  return patterns.some((p) => p === '*' || p === h || (p.startsWith('*.') && h.endsWith(p.slice(1))));
}

function base64url(value: unknown, field: string, bytes: number): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+={0,2}$/.test(value)) {
    throw new HeraldError('invalid_request', `${field} must be a base64url string`);
  }
  const decoded = Buffer.from(value, 'base64url');
  if (decoded.length !== bytes) throw new HeraldError('invalid_request', `${field} must decode to ${bytes} bytes`);
  return decoded;
}

/** True when `point` is an uncompressed point on P-256 (a browser key web-push can encrypt to). */
function isP256Point(point: Buffer): boolean {
  if (point[0] !== 4) return false;
  try {
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
}

/** Checks a subscription sent by a browser. Refuses with invalid_request, or push_endpoint_not_allowed for a host off the list. */
export function parseSubscription(raw: unknown, allowedHosts: readonly string[]): ParsedSubscription {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new HeraldError('invalid_request', 'send the PushSubscription as JSON: {endpoint, expirationTime, keys: {p256dh, auth}}');
  const { endpoint, keys, expirationTime } = raw as Record<string, unknown>;
  if (typeof endpoint !== 'string' || endpoint.length > MAX_ENDPOINT_LENGTH) {
    throw new HeraldError('invalid_request', `endpoint must be a URL of at most ${MAX_ENDPOINT_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new HeraldError('invalid_request', 'endpoint is not a URL');
  }
  if (url.protocol !== 'https:' || url.username || url.password) throw new HeraldError('invalid_request', 'endpoint must be an https: URL without credentials');
  if (!hostAllowed(url.hostname, allowedHosts)) {
    throw new HeraldError('push_endpoint_not_allowed', `push service ${url.hostname} is not in pushEndpointHosts`);
  }
  if (typeof keys !== 'object' || keys === null) throw new HeraldError('invalid_request', 'keys must be an object {p256dh, auth}');
  const { p256dh, auth } = keys as Record<string, unknown>;
  if (!isP256Point(base64url(p256dh, 'keys.p256dh', 65))) throw new HeraldError('invalid_request', 'keys.p256dh is not a P-256 public key');
  base64url(auth, 'keys.auth', 16);
  if (expirationTime !== undefined && expirationTime !== null && !(typeof expirationTime === 'number' && Number.isFinite(expirationTime) && expirationTime >= 0)) {
    throw new HeraldError('invalid_request', 'expirationTime must be null or ms since the epoch');
  }
  // The endpoint is kept exactly as the browser gave it: it is the subscription's identity.
  return { endpoint, p256dh: p256dh as string, auth: auth as string, expirationTime: typeof expirationTime === 'number' ? Math.floor(expirationTime) : null };
}
