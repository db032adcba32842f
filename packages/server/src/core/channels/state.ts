// ChannelState: who is subscribed to which channel, presence members and the cache-channel memory, shared by every node.
import type { PresenceMember } from './authorize.js';

export interface JoinRequest {
  appId: string;
  channel: string;
  socketId: string;
  /** Presence channels only: the member this socket joins as. */
  member?: PresenceMember;
  /** Presence channels only: refuse a user who would make the distinct member count exceed this. */
  maxMembers?: number;
}

/** Presence members after a join, distinct by user id, the joining user included. */
export interface PresenceSnapshot {
  members: PresenceMember[];
}

export type JoinOutcome =
  | {
      kind: 'joined';
      /** This join took the channel from 0 to 1 subscriber anywhere in the cluster (channel_occupied). */
      occupied: boolean;
      /** Presence: this was the user's first socket in the channel (member_added). */
      memberAdded: boolean;
      /** Presence channels only. */
      presence: PresenceSnapshot | null;
    }
  | { kind: 'full'; limit: number };

export type LeaveOutcome =
  | {
      kind: 'left';
      /** This leave took the channel from 1 to 0 subscribers anywhere in the cluster (channel_vacated). */
      vacated: boolean;
      /** Presence: the user whose last socket this was (member_removed), else null. */
      memberRemoved: string | null;
    }
  | { kind: 'absent' };

export interface ChannelSummary {
  channel: string;
  /** Subscribed sockets, every node counted. */
  subscriptions: number;
  /** Presence channels: distinct users; null for other channels. */
  users: number | null;
}

/** A socket the state removed by itself (its node stopped without leaving), with the transitions that caused. */
export interface Departure {
  appId: string;
  channel: string;
  socketId: string;
  /** The channel has no subscriber left anywhere (channel_vacated). */
  vacated: boolean;
  /** Presence: the user whose last socket this was (member_removed), else null. */
  memberRemoved: string | null;
}

/** The last event published on a cache channel. */
export interface CachedEvent {
  event: string;
  data: string;
}

/**
 * Channel membership as the whole deployment sees it. The in-process implementation serves one node;
 * a shared one (Redis) makes membership cluster-wide without any change to the protocols.
 *
 * Guarantees every implementation keeps:
 * - `join` and `leave` are atomic per (app, channel): of concurrent calls, exactly one observes the
 *   0→1 transition (`occupied`) and exactly one the 1→0 transition (`vacated`); likewise exactly one
 *   `memberAdded` per user's first socket and one `memberRemoved` per user's last socket. Webhooks
 *   and member events rely on this to fire once per deployment.
 * - Presence is keyed by user id: a user with several sockets is one member, counted once.
 * - `maxMembers` is checked inside the same atomic step that adds the member; a socket of a user
 *   already present is never refused for it.
 * - `join` of a socket already in the channel changes nothing and reports no transition;
 *   `leave` of a socket not in it returns `absent`.
 * - Sockets are unique across nodes (socket ids are random); an implementation shared by several
 *   nodes must remove the sockets of a node that stopped without leaving, so counts do not grow
 *   forever, and hand each removal to exactly one node's `onDeparture` handler (which reports its
 *   member_removed and channel_vacated).
 * - When `announcesMembers` is true, `join`, `leave` and departures publish the `member_added` /
 *   `member_removed` fan-out messages themselves, inside the atomic step that made the transition, so
 *   every node receives member messages in transition order; the caller must not publish them again.
 * - The cache keeps only the latest event per channel and forgets it after its ttl.
 * - Failures reject the promise; the caller treats the subscription as failed.
 */
export interface ChannelState {
  /** See the guarantees: true when member messages are published by the state itself. */
  readonly announcesMembers: boolean;
  join(request: JoinRequest): Promise<JoinOutcome>;
  leave(appId: string, channel: string, socketId: string): Promise<LeaveOutcome>;
  /** Counts of one channel (zero subscriptions when unoccupied). */
  summary(appId: string, channel: string): Promise<ChannelSummary>;
  /** Occupied channels of the app whose names start with `prefix` ('' for all). */
  list(appId: string, prefix: string): Promise<ChannelSummary[]>;
  /** Presence members of a channel, distinct by user id. */
  members(appId: string, channel: string): Promise<PresenceMember[]>;
  setCache(appId: string, channel: string, event: CachedEvent, ttlMs: number): Promise<void>;
  /** The cached event and the ms it has left, or null. */
  getCache(appId: string, channel: string): Promise<{ event: CachedEvent; ttlMs: number } | null>;
  /** Sets this node's one handler of departures (the hub). An implementation that never removes sockets by itself never calls it. */
  onDeparture(handler: (departure: Departure) => void): void;
  close(): Promise<void>;
}
