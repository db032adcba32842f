// Maps ioredis failures to Herald's catalogue: a Redis that cannot answer is 'storage_unavailable'.
import { ReplyError } from 'ioredis';
import { HeraldError } from '../../errors.js';

// Server replies meaning "Redis cannot serve this now" rather than "this command is wrong".
const UNAVAILABLE_REPLIES = ['LOADING', 'BUSY', 'MASTERDOWN', 'READONLY', 'OOM', 'MISCONF', 'CLUSTERDOWN', 'TRYAGAIN', 'NOREPLICAS'];

/** True when `err` means Redis could not be reached or cannot serve (connection, timeout, loading, out of memory). */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof ReplyError) {
    const message = err instanceof Error ? err.message : '';
    return UNAVAILABLE_REPLIES.some((prefix) => message.startsWith(prefix));
  }
  // Anything else ioredis rejects with is about the connection: closed, not writable, timed out, retries exhausted.
  return err instanceof Error;
}

/** Converts a driver failure to HeraldError('storage_unavailable'); a script's own refusal passes through. */
export function toStorageError(err: unknown): unknown {
  if (err instanceof HeraldError || !isUnavailable(err)) return err;
  const detail = err instanceof Error ? err.message : String(err);
  // A timed-out or cut command may still have run: say so, so a publisher retries with its idempotency key.
  const doubt = /timed out|closed|MaxRetries/i.test(detail) ? ' (the write may or may not have happened)' : '';
  return new HeraldError('storage_unavailable', `Redis storage unavailable: ${detail}${doubt}`);
}

/** The error for a storage used before init() or after close(). */
export function notOpen(): HeraldError {
  return new HeraldError('storage_unavailable', 'Redis storage is not open (call init() first, or it was closed).');
}

/** A URL safe to print: the password, if any, is masked. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}
