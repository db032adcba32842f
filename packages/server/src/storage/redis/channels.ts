// RedisChannelState: channel membership, presence and the cache, shared by every node. Keys in keys.ts, scripts in lua/channels.ts.
import { HeraldError } from '../../errors.js';
import type { PresenceMember } from '../../core/channels/authorize.js';
import type { CachedEvent, ChannelState, ChannelSummary, Departure, JoinOutcome, JoinRequest, LeaveOutcome } from '../../core/channels/state.js';
import { parseJoin, parseLeave, parseList, parseMembers, parseRelease, parseSummary } from './channel-replies.js';
import type { ScriptedRedis } from './scripts.js';

export interface RedisChannelOptions {
  /** This node's name: its sockets are recorded under its lease, and removed when the lease is retired. */
  node: string;
  /** How often this node looks for sockets of retired leases, ms. */
  releaseMs: number;
  onError: (err: unknown, context: string) => void;
}

/** Sockets one release script call removes. */
const RELEASE_BATCH = 500;
/** Channels one list script call reads. */
const LIST_PAGE = 500;

/**
 * Membership lives in Redis, changed by one Lua script per join or leave, so every transition
 * (occupied, vacated, member added or removed) happens once in the whole cluster; the scripts publish
 * member messages on the bus inside the change (`announcesMembers`). Each socket is recorded under the
 * lease of the node that joined it; any node periodically removes the sockets of retired leases (a node
 * that died or left) and reports each removal to its own hub, which sends the webhooks. A leave that
 * failed because Redis was unavailable is retried at the same interval and reported the same way, so a
 * socket that closed during an outage does not stay a member.
 */
export class RedisChannelState implements ChannelState {
  readonly announcesMembers = true;
  private departed: ((departure: Departure) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private releasing = false;
  /** Set while releases fail, so an outage is logged once and not every interval. */
  private failing = false;
  /** Leaves refused while Redis was unavailable, by app, channel and socket; retried with the release. */
  private readonly unfinished = new Map<string, { appId: string; channel: string; socketId: string }>();

  constructor(
    private readonly run: <T>(op: (r: ScriptedRedis) => Promise<T>) => Promise<T>,
    private readonly prefix: string,
    private readonly options: RedisChannelOptions,
  ) {}

  /** Starts the periodic release of dead nodes' sockets. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.releaseRetired(), this.options.releaseMs);
    this.timer.unref();
  }

  join(request: JoinRequest): Promise<JoinOutcome> {
    const { member } = request;
    // Joining again supersedes an unfinished leave: retrying it now would remove this join.
    this.unfinished.delete(unfinishedKey(request.appId, request.channel, request.socketId));
    return this.run(async (r) =>
      parseJoin(
        await r.heraldChannelJoin(this.prefix, request.appId, request.channel, request.socketId, this.options.node, member ? '1' : '0',
          member?.userId ?? '', member ? JSON.stringify(member.info) : '', request.maxMembers ?? ''),
        request.maxMembers,
      ),
    );
  }

  async leave(appId: string, channel: string, socketId: string): Promise<LeaveOutcome> {
    const key = unfinishedKey(appId, channel, socketId);
    this.unfinished.delete(key);
    try {
      return await this.leaveNow(appId, channel, socketId);
    } catch (err) {
      if (err instanceof HeraldError && err.code === 'storage_unavailable') this.unfinished.set(key, { appId, channel, socketId });
      throw err;
    }
  }

  summary(appId: string, channel: string): Promise<ChannelSummary> {
    return this.run(async (r) => {
      const reply = await r.heraldChannelSummary(this.prefix, appId, channel);
      return parseSummary(channel, Array.isArray(reply) ? reply : [], 0);
    });
  }

  async list(appId: string, prefix: string): Promise<ChannelSummary[]> {
    // Channel names are ASCII, so "\xff" sorts after every name that starts with the prefix.
    const max = prefix === '' ? '+' : `[${prefix}\xff`;
    const out: ChannelSummary[] = [];
    let min = prefix === '' ? '-' : `[${prefix}`;
    for (;;) {
      const page = await this.run(async (r) => parseList(await r.heraldChannelList(this.prefix, appId, min, max, LIST_PAGE)));
      out.push(...page.filter((s) => s.subscriptions > 0));
      const last = page[page.length - 1];
      if (page.length < LIST_PAGE || !last) return out;
      min = `(${last.channel}`;
    }
  }

  members(appId: string, channel: string): Promise<PresenceMember[]> {
    return this.run(async (r) => parseMembers(await r.hgetall(`${this.prefix}ci:${appId}:${channel}`).then(flatten), 'members'));
  }

  setCache(appId: string, channel: string, event: CachedEvent, ttlMs: number): Promise<void> {
    return this.run(async (r) => {
      await r.set(this.cacheKey(appId, channel), JSON.stringify(event), 'PX', Math.max(1, Math.round(ttlMs)));
    });
  }

  getCache(appId: string, channel: string): Promise<{ event: CachedEvent; ttlMs: number } | null> {
    return this.run(async (r) => {
      const reply = await r.heraldChannelCacheGet(this.prefix, this.cacheKey(appId, channel));
      if (!Array.isArray(reply) || typeof reply[0] !== 'string') return null;
      const ttlMs = Number(reply[1]);
      // Written by setCache from a CachedEvent.
      return ttlMs > 0 ? { event: JSON.parse(reply[0]) as CachedEvent, ttlMs } : null;
    });
  }

  onDeparture(handler: (departure: Departure) => void): void {
    this.departed = handler;
  }

  /**
   * Removes the sockets of retired leases (each removal is made, and reported here, by one node only).
   * Returns how many were removed.
   */
  async releaseRetired(): Promise<number> {
    // Without a handler the departures could not be reported: leave them to a node that can.
    if (this.releasing || this.departed === null) return 0;
    this.releasing = true;
    let removed = 0;
    try {
      await this.retryLeaves();
      for (;;) {
        const { more, departures } = await this.run(async (r) => parseRelease(await r.heraldChannelRelease(this.prefix, RELEASE_BATCH)));
        removed += departures.length;
        for (const departure of departures) this.departed?.(departure);
        if (!more) break;
      }
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.options.onError(err, 'channel release');
      this.failing = true;
    } finally {
      this.releasing = false;
    }
    return removed;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.departed = null;
  }

  private leaveNow(appId: string, channel: string, socketId: string): Promise<LeaveOutcome> {
    return this.run(async (r) => parseLeave(await r.heraldChannelLeave(this.prefix, appId, channel, socketId)));
  }

  /** Runs the leaves that failed during an outage; the first that fails again stops the round. */
  private async retryLeaves(): Promise<void> {
    for (const [key, { appId, channel, socketId }] of [...this.unfinished]) {
      if (!this.unfinished.has(key)) continue;
      const outcome = await this.leaveNow(appId, channel, socketId);
      // A join of the same socket meanwhile superseded it; the leave ran before that join on the one connection.
      this.unfinished.delete(key);
      if (outcome.kind === 'left') this.departed?.({ appId, channel, socketId, vacated: outcome.vacated, memberRemoved: outcome.memberRemoved });
    }
  }

  private cacheKey(appId: string, channel: string): string {
    return `${this.prefix}cc:${appId}:${channel}`;
  }
}

function unfinishedKey(appId: string, channel: string, socketId: string): string {
  return `${appId}\n${channel}\n${socketId}`;
}

/** HGETALL as ioredis returns it (an object) back to flat field, value pairs. */
function flatten(hash: Record<string, string>): string[] {
  return Object.entries(hash).flat();
}
