// Checks on the shape of Redis replies: a reply other than the script promises is a bug, not an outage.
import { HeraldError } from '../../errors.js';

export function malformed(what: string, reply: unknown): HeraldError {
  return new HeraldError('internal_error', `Redis: unexpected ${what} reply ${JSON.stringify(reply)?.slice(0, 200)}`);
}

export function array(reply: unknown, what: string): unknown[] {
  if (!Array.isArray(reply)) throw malformed(what, reply);
  return reply;
}

export function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw malformed(what, value);
  return value;
}

export function int(value: unknown, what: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw malformed(what, value);
  return n;
}
