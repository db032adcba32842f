// Secret helpers: constant-time comparison, generation and the one-way hash used to store secrets.
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
