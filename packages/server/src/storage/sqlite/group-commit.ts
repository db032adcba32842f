// Group commit: queued write operations run together in one SQLite transaction, one savepoint each.
import type { Database, Statement } from 'better-sqlite3';
import { HeraldError } from '../../errors.js';
import { notOpen, toStorageError } from './errors.js';

interface QueuedWrite {
  /** Runs the operation inside the open transaction; throws when it fails. */
  run(): void;
  /** Settles the caller's promise once the batch has committed (or failed). */
  settle(error: unknown | null): void;
}

/** A batch is flushed at the latest on the next setImmediate, sooner when this many writes wait. */
export const DEFAULT_MAX_BATCH = 512;

/**
 * Runs writes in batches so that many concurrent writes share one commit (one fsync with
 * synchronous=FULL) instead of paying one each. Each write's promise settles only after the batch
 * transaction committed; a write that throws is rolled back to its own savepoint and rejected alone.
 */
export class GroupCommit {
  private queue: QueuedWrite[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private closed = false;
  private committed = 0;
  private readonly begin: Statement;
  private readonly commit: Statement;
  private readonly rollback: Statement;
  private readonly savepoint: Statement;
  private readonly release: Statement;
  private readonly rollbackTo: Statement;

  constructor(
    private readonly db: Database,
    private readonly maxBatch = DEFAULT_MAX_BATCH,
  ) {
    // IMMEDIATE takes the write lock up front, so a busy database fails at BEGIN, before any op ran.
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT op');
    this.release = db.prepare('RELEASE op');
    this.rollbackTo = db.prepare('ROLLBACK TO op');
  }

  /** Transactions committed so far: far fewer than writes when writes arrive together. */
  get commits(): number {
    return this.committed;
  }

  /** Queues `op`; resolves with its result after the transaction that ran it has committed. */
  enqueue<T>(op: () => T): Promise<T> {
    if (this.closed) return Promise.reject(notOpen());
    return new Promise<T>((resolve, reject) => {
      let result: T;
      this.queue.push({
        run: () => {
          result = op();
        },
        settle: (error) => (error === null ? resolve(result) : reject(error)),
      });
      if (this.queue.length >= this.maxBatch) this.flush();
      else this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Runs every queued write now, in one transaction. */
  flush(): void {
    if (this.scheduled !== null) clearImmediate(this.scheduled);
    this.scheduled = null;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;

    const failures = new Map<QueuedWrite, unknown>();
    try {
      this.begin.run();
      for (const write of batch) this.runOne(write, failures);
      this.commit.run();
      this.committed++;
    } catch (err) {
      // The transaction as a whole failed (BEGIN, COMMIT, or SQLite rolled everything back on an
      // I/O error): no write of this batch happened, so none may be reported as written.
      if (this.db.open && this.db.inTransaction) this.tryRollback();
      const mapped = toStorageError(err);
      const error = mapped instanceof HeraldError ? mapped : unavailable(err);
      for (const write of batch) write.settle(error);
      return;
    }
    for (const write of batch) write.settle(failures.has(write) ? toStorageError(failures.get(write)) : null);
  }

  /** Flushes what is queued, then refuses new writes. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private runOne(write: QueuedWrite, failures: Map<QueuedWrite, unknown>): void {
    this.savepoint.run();
    try {
      write.run();
    } catch (err) {
      // SQLite ends the whole transaction on some errors (SQLITE_FULL, SQLITE_IOERR, ...): then the
      // earlier writes of the batch are gone too, and the batch must fail as one.
      if (!this.db.inTransaction) throw err;
      this.rollbackTo.run();
      failures.set(write, err);
    }
    this.release.run();
  }

  private tryRollback(): void {
    try {
      this.rollback.run();
    } catch {
      // Already rolled back by SQLite, or the handle is gone: either way nothing was committed.
    }
  }
}

function unavailable(err: unknown): HeraldError {
  const detail = err instanceof Error ? err.message : String(err);
  return new HeraldError('storage_unavailable', `SQLite batch failed, nothing was written: ${detail}`);
}
