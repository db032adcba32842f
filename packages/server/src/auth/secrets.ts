// Secret helpers: constant-time comparison, generation and the one-way hash used to store secrets.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in time that depends on neither their content nor their lengths: both are
 * hashed first, so timingSafeEqual always sees two 32-byte digests (it throws on unequal lengths,
 * and an early length check would leak the secret's length).
 */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/** A new random secret of `bytes` random bytes, base64url-encoded (URL- and header-safe). Default 32 bytes. */
export function newSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 1024) throw new RangeError(`secret size must be 1-1024 bytes, got ${bytes}`);
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex of a secret: what storage keeps, so a leaked database does not leak resumable secrets. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
