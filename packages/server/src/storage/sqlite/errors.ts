// Maps SQLite driver failures to Herald's catalogue: a database that cannot be used is 'storage_unavailable'.
import { HeraldError } from '../../errors.js';

// Result codes (and their extended forms, e.g. SQLITE_IOERR_FSYNC) after which no write can be trusted
// to have happened; a constraint violation, by contrast, is the caller's mistake and keeps its own error.
const UNUSABLE = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_READONLY',
  'SQLITE_NOMEM',
  'SQLITE_PROTOCOL',
  'SQLITE_PERM',
  'SQLITE_AUTH',
];

function sqliteCode(err: unknown): string | null {
  if (!(err instanceof Error) || !('code' in err)) return null;
  return typeof err.code === 'string' && err.code.startsWith('SQLITE_') ? err.code : null;
}

/** True when `err` means the database cannot serve requests (I/O, lock, corruption, closed handle). */
export function isUnusable(err: unknown): boolean {
  const code = sqliteCode(err);
  if (code !== null) return UNUSABLE.some((prefix) => code === prefix || code.startsWith(`${prefix}_`));
  // better-sqlite3 throws a plain TypeError once the handle is closed.
  return err instanceof TypeError && /database connection is not open/i.test(err.message);
}

/** Converts a driver failure to HeraldError('storage_unavailable'); any other error passes through unchanged. */
export function toStorageError(err: unknown): unknown {
  if (err instanceof HeraldError || !isUnusable(err)) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new HeraldError('storage_unavailable', `SQLite storage unavailable: ${detail}`);
}

/** The error for a storage used before init() or after close(). */
export function notOpen(): HeraldError {
  return new HeraldError('storage_unavailable', 'SQLite storage is not open (call init() first, or it was closed).');
}
