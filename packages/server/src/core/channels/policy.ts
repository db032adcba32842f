// Per-app channel rules the hub applies to every protocol's subscribers (set from the app's `pusher` settings).

export interface ChannelPolicy {
  /** Clients may send `client-` events on private and presence channels. */
  clientEvents: boolean;
  /** Client events one connection may send per second; 0 means no limit. */
  maxClientEventsPerSecond: number;
  /** Largest client event `data`, bytes. */
  maxEventBytes: number;
  /** Distinct users one presence channel may hold. */
  maxPresenceMembers: number;
  /** How long a cache channel remembers its last event, seconds. */
  cacheTtlSeconds: number;
}

/** Pusher's documented limits: 10 client events/s, 10 KB events, 100 presence members; cache up to 30 minutes. */
export const DEFAULT_CHANNEL_POLICY: Readonly<ChannelPolicy> = Object.freeze({
  clientEvents: true,
  maxClientEventsPerSecond: 10,
  maxEventBytes: 10 * 1024,
  maxPresenceMembers: 100,
  cacheTtlSeconds: 1800,
});
