// RedisStorage: the Storage backend several nodes share (ioredis; every multi-key write is one Lua script). Guarantees: see ../storage.ts.
import type { Redis } from 'ioredis';
import type { NotificationStatus } from '@herald/protocol';
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
import { openConnection } from './connection.js';
import { notOpen, toStorageError } from './errors.js';
import { Keys } from './keys.js';
import { RedisNodes } from './nodes.js';
import { asNumber, parseApp, parseEnd, parseInbox, parsePair, parsePublish, parseSession, parseStatus } from './replies.js';
import { RedisPushStore, readPushCounts } from './push.js';
import { RedisChannelState, type RedisChannelOptions } from './channels.js';
import { defineScripts, type ScriptedRedis } from './scripts.js';

export interface RedisStorageOptions {
  /** redis:// or rediss:// URL. */
  url: string;
  /** Prefix of every key (and of the bus channel), so deployments can share one Redis. */
  prefix: string;
  /** Connect timeout at init, and how long a command may go unanswered before it fails, ms. Default 5000. */
  timeoutMs?: number;
  /** Connection problems while running (logs). */
  onError?: (err: Error) => void;
}

/** Sessions one markSent script call updates. */
const MARK_BATCH = 1000;

/** Items one sweep script call handles of each kind; sweep() repeats until less work remains. */
const SWEEP_BATCH = 500;

/**
 * Storage on one Redis (standalone or behind Sentinel; not Redis Cluster: the scripts touch keys they
 * cannot declare up front). Durability is Redis's: run it with appendonly yes and appendfsync always
 * for the full promise (docs/cluster.md).
 */
export class RedisStorage implements Storage {
  readonly kind = 'redis';
  readonly keys: Keys;
  /** Node leases, for the cluster (cluster/leases.ts). */
  readonly nodes: RedisNodes;
  readonly push: RedisPushStore;
  private client: ScriptedRedis | null = null;
  private readonly timeoutMs: number;

  constructor(private readonly options: RedisStorageOptions) {
    this.keys = new Keys(options.prefix);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.nodes = new RedisNodes(() => this.open(), options.prefix);
    this.push = new RedisPushStore((op) => this.run(op), options.prefix);
  }

  async init(): Promise<void> {
    if (this.client !== null) return;
    const connection = await openConnection(this.connectionOptions());
    this.client = defineScripts(connection);
  }

  async close(): Promise<void> {
    const client = this.client;
    if (client === null) return;
    this.client = null;
    try {
      // Commands issued this tick are still in the auto-pipeline: a PING joins them and answers after they did.
      await client.ping();
      // QUIT is answered after every command sent before it, so pending writes still commit.
      await client.quit();
    } catch {
      client.disconnect();
    }
  }

  ping(): Promise<void> {
    return this.run(async (r) => {
      await r.ping();
    });
  }

  /** A new connection with the same settings, for the bus subscriber; the caller closes it. */
  openSubscriber(): Promise<Redis> {
    return openConnection(this.connectionOptions(), { autoResubscribe: false, enableAutoPipelining: false });
  }

  /** Channel membership on this Redis as node `options.node` sees it (cluster/join.ts); call start() on it. */
  channelState(options: RedisChannelOptions): RedisChannelState {
    return new RedisChannelState((op) => this.run(op), this.prefix, options);
  }

  /** Publishes a message on the bus channel, outside any commit. */
  announce(message: string): Promise<void> {
    return this.run(async (r) => {
      await r.publish(this.keys.bus, message);
    });
  }

  listApps(): Promise<AppRecord[]> {
    return this.run(async (r) => {
      const apps = (await r.hvals(this.keys.apps)).map(parseApp);
      return apps.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    });
  }

  getApp(id: string): Promise<AppRecord | null> {
    return this.run(async (r) => {
      const json = await r.hget(this.keys.apps, id);
      return json === null ? null : parseApp(json);
    });
  }

  getAppByKey(key: string): Promise<AppRecord | null> {
    return this.run(async (r) => {
      const id = await r.hget(this.keys.appKeys, key);
      if (id === null) return null;
      const json = await r.hget(this.keys.apps, id);
      return json === null ? null : parseApp(json);
    });
  }

  putApp(app: AppRecord): Promise<void> {
    return this.run(async (r) => {
      await r.heraldPutApp(this.prefix, app.id, app.key, JSON.stringify(app));
    });
  }

  createSession(s: NewSession): Promise<void> {
    return this.run(async (r) => {
      await r.heraldCreateSession(this.prefix, s.id, s.appId, s.userId === null ? '0' : '1', s.userId ?? '', s.scope,
        JSON.stringify(s.meta), s.resumeHash, s.ttlMs, s.createdAt);
    });
  }

  getSession(id: string): Promise<SessionRecord | null> {
    return this.run(async (r) => parseSession(id, await r.hgetall(this.keys.session(id))));
  }

  setConnection(sessionId: string, node: string | null, transport: string | null, at: number, expectedNode?: string): Promise<void> {
    return this.run(async (r) => {
      await r.heraldSetConnection(this.prefix, sessionId, node ?? '', transport ?? '', at, expectedNode ?? '');
    });
  }

  endSession(sessionId: string): Promise<SessionEnd | null> {
    return this.run(async (r) => parseEnd(sessionId, await r.heraldEndSession(this.prefix, sessionId)));
  }

  expiredSessions(now: number, limit: number): Promise<string[]> {
    return this.run(async (r) => r.zrangebyscore(this.keys.idle, '-inf', `(${now}`, 'LIMIT', 0, limit));
  }

  listSessions(appId: string, offset: number, limit: number): Promise<SessionListing> {
    return this.run(async (r) => {
      const key = this.keys.appSessions(appId);
      const [ids, total] = await Promise.all([r.zrange(key, offset, offset + limit - 1), r.zcard(key)]);
      const hashes = await Promise.all(ids.map((id) => r.hgetall(this.keys.session(id))));
      // A session ended between the two reads is simply left out.
      const sessions = ids.map((id, i) => parseSession(id, hashes[i] ?? {})).filter((s): s is SessionRecord => s !== null);
      return { sessions, total };
    });
  }

  publish(input: PublishInput): Promise<PublishOutcome> {
    const { notification: n, target } = input;
    const lists = [target.sessions ?? [], target.users ?? [], target.scopes ?? []].flatMap((list) => [list.length, ...list]);
    return this.run(async (r) =>
      parsePublish(
        await r.heraldPublish(this.prefix, n.appId, n.id, n.json, n.createdAt, n.expiresAt ?? '', n.idempotencyKey ?? '',
          n.requestHash ?? '', input.idempotencyTtlMs, input.maxInbox, target.all === true ? '1' : '0', target.except ?? '', ...lists),
      ),
    );
  }

  readInbox(sessionId: string, afterSeq: number, limit: number, now: number): Promise<InboxEntry[]> {
    return this.run(async (r) => parseInbox(await r.heraldReadInbox(this.prefix, sessionId, afterSeq, limit, now)));
  }

  markSent(marks: ReadonlyArray<{ sessionId: string; seq: number }>): Promise<void> {
    if (marks.length === 0) return Promise.resolve();
    return this.run(async (r) => {
      // A fan-out can mark every session at once: chunks keep each call's argument list bounded.
      const calls: Array<Promise<unknown>> = [];
      for (let i = 0; i < marks.length; i += MARK_BATCH) {
        calls.push(r.heraldMarkSent(this.prefix, ...marks.slice(i, i + MARK_BATCH).flatMap((m) => [m.sessionId, m.seq])));
      }
      await Promise.all(calls);
    });
  }

  ack(sessionId: string, seq: number, now: number): Promise<number> {
    return this.run(async (r) => asNumber(await r.heraldAck(this.prefix, sessionId, seq, now), 'ack'));
  }

  getStatus(appId: string, notificationId: string): Promise<NotificationStatus | null> {
    return this.run(async (r) => {
      const status = parseStatus(await r.heraldStatus(this.prefix, appId, notificationId));
      const push = status && (await readPushCounts(r, this.prefix, appId, notificationId));
      if (status && push) status.push = push;
      return status;
    });
  }

  async sweep(now: number, statusRetentionMs: number): Promise<number> {
    let removed = 0;
    for (;;) {
      const [entries, work] = await this.run(async (r) =>
        parsePair(await r.heraldSweep(this.prefix, now, statusRetentionMs, SWEEP_BATCH), 'sweep'),
      );
      removed += entries;
      if (work < SWEEP_BATCH) return removed;
    }
  }

  private get prefix(): string {
    return this.options.prefix;
  }

  private connectionOptions() {
    return { url: this.options.url, timeoutMs: this.timeoutMs, ...(this.options.onError ? { onError: this.options.onError } : {}) };
  }

  private open(): ScriptedRedis {
    if (this.client === null) throw notOpen();
    return this.client;
  }

  /** Runs one operation on the open connection; every failure comes out through toStorageError. */
  private async run<T>(op: (r: ScriptedRedis) => Promise<T>): Promise<T> {
    try {
      return await op(this.open());
    } catch (err) {
      throw toStorageError(err);
    }
  }
}
