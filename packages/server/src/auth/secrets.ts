// Secret helpers: constant-time comparison, HMAC signatures, generation and the one-way hash used to store secrets.
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in time that depends on neither their content nor their lengths: both are
 * hashed first, so timingSafeEqual always sees two 32-byte digests (it throws on unequal lengths,
 * and an early length check would leak the secret's length).
 */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/**
 * Compares a received signature with the one computed here, in constant time. Unlike `safeEqual`
 * it needs no hashing: the expected value's length is public (a hex digest, perhaps after a public
 * key), so an early length check leaks nothing.
 */
export function equalSignatures(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** SHA-256's block size, bytes: HMAC pads the key to it. */
const BLOCK = 64;

/**
 * Lowercase hex HMAC-SHA256 of `text` keyed with `secret` (RFC 2104: H(K^opad || H(K^ipad || text))),
 * as two one-shot digests. `createHmac` sets up an OpenSSL HMAC context per call (an algorithm
 * fetch, a key schedule, a JS object), which on the publish path (every signed API request, every
 * channel authorization) cost more than the hashing itself. Every HMAC Herald computes (Pusher
 * signatures, webhook signatures) goes through here. The tests compare it with `createHmac`.
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

/** A new random secret of `bytes` random bytes, base64url-encoded (URL- and header-safe). Default 32 bytes. */
export function newSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 1024) throw new RangeError(`secret size must be 1-1024 bytes, got ${bytes}`);
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex of a secret: what storage keeps, so a leaked database does not leak resumable secrets. */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

function sha256(s: string): Buffer {
  // The one-shot form: no Hash object per call (this runs on every signed request).
  return hash('sha256', s, 'buffer');
}
