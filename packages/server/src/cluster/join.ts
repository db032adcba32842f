// Joins this node to its cluster: the Redis bus, node lease and cluster-wide channels on Redis storage, the in-process bus otherwise.
import type { Logger } from 'pino';
import type { Delivery } from '../core/delivery.js';
import type { Publisher } from '../core/publish.js';
import type { Sessions } from '../core/sessions.js';
import type { ChannelFanout } from '../core/channels/fanout.js';
import type { ChannelState } from '../core/channels/state.js';
import { RedisStorage } from '../storage/redis/redis.js';
import type { Storage } from '../storage/storage.js';
import type { Bus } from './bus.js';
import { BusFanout } from './bus-fanout.js';
import { LeaseKeeper } from './leases.js';
import { LocalBus } from './local-bus.js';
import { ClusterMember } from './member.js';
import { RedisBus } from './redis-bus.js';

export interface ClusterDeps {
  node: string;
  storage: Storage;
  delivery: Delivery;
  sessions: Sessions;
  publisher: Publisher;
  leaseMs: number;
  now: () => number;
  logger: Logger;
}

/** This node's membership; `leave()` on shutdown, after connections closed and before storage closes. */
export interface Cluster {
  readonly bus: Bus['kind'];
  /** For the channel hub: Redis membership and the bus fan-out on Redis; none (the in-process defaults) otherwise. */
  readonly channels: { state?: ChannelState; fanout?: ChannelFanout };
  /** Run when other nodes had taken this node for dead and it registered again (the hub records its subscriptions again). */
  readonly leaseLost: Array<() => void>;
  leave(): Promise<void>;
}

export async function joinCluster(deps: ClusterDeps): Promise<Cluster> {
  const { node, storage, logger, leaseMs, now } = deps;
  const onError = (err: unknown, context: string) => logger.warn({ err, context }, 'cluster');
  const bus: Bus = storage instanceof RedisStorage ? new RedisBus(storage, { pingMs: Math.max(500, Math.floor(leaseMs / 3)), onError }) : new LocalBus();
  const fanout = bus.kind === 'redis' ? new BusFanout(bus) : null;
  const channelState = storage instanceof RedisStorage ? storage.channelState({ node, releaseMs: Math.max(250, Math.floor(leaseMs / 3)), onError }) : null;
  const member = new ClusterMember({ ...deps, bus, onError, ...(fanout ? { channels: fanout } : {}) });
  member.wire();
  await bus.start(member);
  const leaseLost: Array<() => void> = [];
  let lease: LeaseKeeper | null = null;
  if (storage instanceof RedisStorage) {
    lease = new LeaseKeeper(storage.nodes, {
      node,
      leaseMs,
      now,
      onError,
      onLost: () => {
        member.reconnectAll();
        for (const lost of leaseLost) lost();
      },
      onReaped: (nodes) => {
        logger.warn({ event: 'nodes_reaped', nodes }, 'nodes taken for dead; their sessions count as disconnected since their last heartbeat');
        // Their channel sockets go now rather than at the next periodic release.
        void channelState?.releaseRetired();
      },
    });
    try {
      await lease.start();
    } catch (err) {
      await bus.close();
      throw err;
    }
  }
  // Started after this node's lease: a lease this node name left at its previous run is retired by then.
  channelState?.start();
  return {
    bus: bus.kind,
    channels: channelState && fanout ? { state: channelState, fanout } : {},
    leaseLost,
    leave: async () => {
      try {
        await lease?.stop();
      } finally {
        await bus.close();
      }
    },
  };
}
