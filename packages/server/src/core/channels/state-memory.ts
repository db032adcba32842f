// In-process ChannelState: membership of one node, in maps. Atomic because each call runs within one event-loop turn.
import type { PresenceMember } from './authorize.js';
import type { CachedEvent, ChannelState, ChannelSummary, JoinOutcome, JoinRequest, LeaveOutcome } from './state.js';

interface Channel {
  sockets: Map<string, string | null>;
  /** Presence: user id -> member info and how many sockets hold it. */
  users: Map<string, { info: PresenceMember['info']; sockets: number }>;
  presence: boolean;
}

export class MemoryChannelState implements ChannelState {
  /** The hub publishes member messages; one process has nothing to order across nodes. */
  readonly announcesMembers = false;
  private readonly channels = new Map<string, Channel>();
  private readonly cache = new Map<string, { event: CachedEvent; expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async join(request: JoinRequest): Promise<JoinOutcome> {
    const key = keyOf(request.appId, request.channel);
    let channel = this.channels.get(key);
    const member = request.member;
    if (channel?.sockets.has(request.socketId)) {
      return { kind: 'joined', occupied: false, memberAdded: false, presence: channel.presence ? snapshot(channel) : null };
    }
    if (member && request.maxMembers !== undefined) {
      const users = channel?.users.size ?? 0;
      if (!channel?.users.has(member.userId) && users >= request.maxMembers) return { kind: 'full', limit: request.maxMembers };
    }
    const occupied = !channel;
    if (!channel) {
      channel = { sockets: new Map(), users: new Map(), presence: member !== undefined };
      this.channels.set(key, channel);
    }
    channel.sockets.set(request.socketId, member?.userId ?? null);
    let memberAdded = false;
    if (member) {
      const held = channel.users.get(member.userId);
      if (held) held.sockets++;
      else {
        channel.users.set(member.userId, { info: member.info, sockets: 1 });
        memberAdded = true;
      }
    }
    return { kind: 'joined', occupied, memberAdded, presence: channel.presence ? snapshot(channel) : null };
  }

  async leave(appId: string, name: string, socketId: string): Promise<LeaveOutcome> {
    const key = keyOf(appId, name);
    const channel = this.channels.get(key);
    if (!channel || !channel.sockets.has(socketId)) return { kind: 'absent' };
    const userId = channel.sockets.get(socketId) ?? null;
    channel.sockets.delete(socketId);
    let memberRemoved: string | null = null;
    if (userId !== null) {
      const held = channel.users.get(userId);
      if (held && --held.sockets <= 0) {
        channel.users.delete(userId);
        memberRemoved = userId;
      }
    }
    const vacated = channel.sockets.size === 0;
    if (vacated) this.channels.delete(key);
    return { kind: 'left', vacated, memberRemoved };
  }

  async summary(appId: string, name: string): Promise<ChannelSummary> {
    const channel = this.channels.get(keyOf(appId, name));
    return summarize(name, channel);
  }

  async list(appId: string, prefix: string): Promise<ChannelSummary[]> {
    const head = `${appId}\n${prefix}`;
    const out: ChannelSummary[] = [];
    for (const [key, channel] of this.channels) {
      if (key.startsWith(head)) out.push(summarize(key.slice(appId.length + 1), channel));
    }
    return out;
  }

  async members(appId: string, name: string): Promise<PresenceMember[]> {
    const channel = this.channels.get(keyOf(appId, name));
    return channel ? snapshot(channel).members : [];
  }

  async setCache(appId: string, name: string, event: CachedEvent, ttlMs: number): Promise<void> {
    this.cache.set(keyOf(appId, name), { event, expires: this.now() + ttlMs });
    if (this.cache.size % 1024 === 0) this.sweepCache();
  }

  async getCache(appId: string, name: string): Promise<{ event: CachedEvent; ttlMs: number } | null> {
    const key = keyOf(appId, name);
    const hit = this.cache.get(key);
    if (!hit) return null;
    const left = hit.expires - this.now();
    if (left <= 0) {
      this.cache.delete(key);
      return null;
    }
    return { event: hit.event, ttlMs: left };
  }

  onDeparture(): void {
    // Every socket of one process leaves through leave(): there is no node that could die on its own.
  }

  async close(): Promise<void> {
    this.channels.clear();
    this.cache.clear();
  }

  /** Drops expired cache entries now and then, so channels published once are not kept forever. */
  private sweepCache(): void {
    const now = this.now();
    for (const [key, hit] of this.cache) if (hit.expires <= now) this.cache.delete(key);
  }
}

function keyOf(appId: string, channel: string): string {
  return `${appId}\n${channel}`;
}

function snapshot(channel: Channel): { members: PresenceMember[] } {
  return { members: [...channel.users].map(([userId, held]) => ({ userId, info: held.info })) };
}

function summarize(name: string, channel: Channel | undefined): ChannelSummary {
  if (!channel) return { channel: name, subscriptions: 0, users: null };
  return { channel: name, subscriptions: channel.sockets.size, users: channel.presence ? channel.users.size : null };
}
