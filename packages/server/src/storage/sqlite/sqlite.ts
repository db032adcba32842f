// SqliteStorage: the embedded Storage backend (one file, WAL, group commit). Guarantees: see ../storage.ts.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { NotificationStatus } from '@herald/protocol';
import { HeraldError } from '../../errors.js';
import type { PushStore } from '../push-store.js';
import type {
  AppRecord,
  InboxEntry,
  NewSession,
  PublishInput,
  PublishOutcome,
  SessionEnd,
  SessionListing,
  SessionRecord,
  Storage,
} from '../storage.js';
import { notOpen, toStorageError } from './errors.js';
import { GroupCommit } from './group-commit.js';
import { publishOp } from './publish.js';
import { readPushCounts, SqlitePushStore } from './push.js';
import { preparePushStatements, type PushStatements } from './push-statements.js';
import { appFromRow, appToRow, newSessionToRow, sessionFromRow } from './rows.js';
import { migrate } from './schema.js';
import { prepareStatements, type Statements } from './statements.js';

export interface SqliteStorageOptions {
  /** Database file, created with its directory if missing; ':memory:' for a throwaway database. */
  path: string;
  /** FULL (default) fsyncs every commit, so a resolved write survives power loss; NORMAL only survives a process crash. */
  synchronous?: 'FULL' | 'NORMAL';
}

interface Connection {
  db: Database.Database;
  st: Statements;
  push: PushStatements;
  writer: GroupCommit;
}

/** How long a write waits for another process holding the database lock before failing, ms. */
const BUSY_TIMEOUT_MS = 5000;

/** Storage on one SQLite file. Writes go through group commit; reads run directly on the same connection. */
export class SqliteStorage implements Storage {
  readonly kind = 'sqlite';
  private readonly path: string;
  private readonly synchronous: 'FULL' | 'NORMAL';
  private connection: Connection | null = null;
  readonly push: PushStore = new SqlitePushStore({
    read: (fn) => this.read((_st, push) => fn(push)),
    write: (fn) => this.write((_st, push) => fn(push)),
  });

  constructor(options: SqliteStorageOptions) {
    const synchronous = options.synchronous ?? 'FULL';
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
      throw new Error(`SqliteStorage: synchronous must be 'FULL' or 'NORMAL', got ${JSON.stringify(synchronous)}`);
    }
    this.path = options.path;
    this.synchronous = synchronous;
  }

  /** Write transactions committed since init(): group commit keeps this far below the number of writes. */
  get commits(): number {
    return this.connection?.writer.commits ?? 0;
  }

  async init(): Promise<void> {
    if (this.connection !== null) return;
    let db: Database.Database | null = null;
    try {
      if (this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
      db = new Database(this.path);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${this.synchronous}`);
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('foreign_keys = ON');
      migrate(db);
      // One server owns the file: a session still marked connected belongs to a process that died
      // (SIGKILL, power loss). It counts as disconnected from now, so its ttl runs and it can expire.
      const now = Date.now();
      db.prepare('UPDATE sessions SET node = NULL, disconnected_at = ?, idle_deadline = ? + ttl_ms WHERE node IS NOT NULL').run(now, now);
      this.connection = { db, st: prepareStatements(db), push: preparePushStatements(db), writer: new GroupCommit(db) };
    } catch (err) {
      db?.close();
      if (err instanceof HeraldError) throw err;
      const detail = err instanceof Error ? err.message : String(err);
      throw new HeraldError('storage_unavailable', `Cannot open SQLite database ${this.path}: ${detail}`);
    }
  }

  async close(): Promise<void> {
    const connection = this.connection;
    if (connection === null) return;
    this.connection = null;
    connection.writer.close();
    connection.db.close();
  }

  ping(): Promise<void> {
    return this.read((st) => {
      st.ping.get();
    });
  }

  listApps(): Promise<AppRecord[]> {
    return this.read((st) => st.appList.all().map(appFromRow));
  }

  getApp(id: string): Promise<AppRecord | null> {
    return this.read((st) => nullable(st.appById.get(id), appFromRow));
  }

  getAppByKey(key: string): Promise<AppRecord | null> {
    return this.read((st) => nullable(st.appByKey.get(key), appFromRow));
  }

  putApp(app: AppRecord): Promise<void> {
    const row = appToRow(app);
    return this.write((st) => {
      st.appPut.run(row);
    });
  }

  createSession(session: NewSession): Promise<void> {
    const row = newSessionToRow(session);
    return this.write((st) => {
      st.sessionInsert.run(row);
    });
  }

  getSession(id: string): Promise<SessionRecord | null> {
    return this.read((st) => nullable(st.sessionById.get(id), sessionFromRow));
  }

  setConnection(sessionId: string, node: string | null, transport: string | null, at: number, expectedNode?: string): Promise<void> {
    return this.write((st) => {
      if (node !== null) st.sessionConnect.run(node, transport, sessionId);
      else st.sessionDisconnect.run({ id: sessionId, transport, at, expected: expectedNode ?? null });
    });
  }

  endSession(sessionId: string): Promise<SessionEnd | null> {
    return this.write((st) => {
      const row = st.sessionById.get(sessionId);
      if (row === undefined) return null;
      st.dropCount.run(row.sent_seq, sessionId);
      const dropped = st.dropDelete.run(sessionId).changes;
      st.sessionDelete.run(sessionId);
      return { session: sessionFromRow(row), dropped };
    });
  }

  expiredSessions(now: number, limit: number): Promise<string[]> {
    return this.read((st) => st.sessionsExpired.all(now, limit).map((row) => row.id));
  }

  listSessions(appId: string, offset: number, limit: number): Promise<SessionListing> {
    return this.read((st) => ({
      sessions: st.sessionsPage.all(appId, limit, offset).map(sessionFromRow),
      total: st.sessionsCount.get(appId)?.n ?? 0,
    }));
  }

  publish(input: PublishInput): Promise<PublishOutcome> {
    return this.write((st) => publishOp(st, input));
  }

  readInbox(sessionId: string, afterSeq: number, limit: number, now: number): Promise<InboxEntry[]> {
    return this.read((st) => st.inboxRead.all(sessionId, afterSeq, now, limit));
  }

  markSent(marks: ReadonlyArray<{ sessionId: string; seq: number }>): Promise<void> {
    if (marks.length === 0) return Promise.resolve();
    return this.write((st) => {
      for (const mark of marks) st.sessionMarkSent.run(mark.seq, mark.sessionId);
    });
  }

  ack(sessionId: string, seq: number, now: number): Promise<number> {
    return this.write((st) => {
      const row = st.sessionById.get(sessionId);
      if (row === undefined) return -1;
      // Nobody can have received a seq that was never handed out: clamp, so a bogus ack cannot
      // pre-acknowledge (and so hide) notifications published later.
      const position = Math.min(seq, st.lastSeq.get()?.seq ?? 0);
      if (position <= row.acked_seq) return row.acked_seq;
      st.ackCount.run(sessionId, position, now);
      st.ackExpired.run(sessionId, position, now);
      const removed = st.ackDelete.run(sessionId, position).changes;
      st.sessionAcked.run(position, removed, sessionId);
      return position;
    });
  }

  getStatus(appId: string, notificationId: string): Promise<NotificationStatus | null> {
    return this.read((st, pushSt) => {
      const row = st.statusRow.get(appId, notificationId);
      if (row === undefined) return null;
      const status: NotificationStatus = {
        id: row.id,
        recipients: row.recipients,
        delivered: row.delivered + (st.liveDelivered.get(row.seq)?.n ?? 0),
        acknowledged: row.acknowledged,
        expired: row.expired,
        dropped: row.dropped,
        createdAt: row.created_at,
      };
      if (row.expires_at !== null) status.expiresAt = row.expires_at;
      const push = readPushCounts(pushSt, appId, notificationId);
      if (push !== null) status.push = push;
      return status;
    });
  }

  sweep(now: number, statusRetentionMs: number): Promise<number> {
    return this.write((st) => {
      // Count on notifications and sessions before the rows that carry the information are deleted.
      st.expireCount.run(now);
      st.expirePending.run({ now });
      const removed = st.expireDelete.run(now).changes;
      st.forgetKeys.run(now);
      st.forgetNotifications.run({ before: now - statusRetentionMs, now });
      return removed;
    });
  }

  private open(): Connection {
    if (this.connection === null) throw notOpen();
    return this.connection;
  }

  /** Runs a read directly: better-sqlite3 is synchronous, so it never sees a half-done batch. */
  private read<T>(fn: (st: Statements, push: PushStatements) => T): Promise<T> {
    try {
      const { st, push } = this.open();
      return Promise.resolve(fn(st, push));
    } catch (err) {
      return Promise.reject(toStorageError(err));
    }
  }

  private write<T>(fn: (st: Statements, push: PushStatements) => T): Promise<T> {
    try {
      const { st, push, writer } = this.open();
      return writer.enqueue(() => fn(st, push));
    } catch (err) {
      return Promise.reject(toStorageError(err));
    }
  }
}

function nullable<R, T>(row: R | undefined, map: (row: R) => T): T | null {
  return row === undefined ? null : map(row);
}
