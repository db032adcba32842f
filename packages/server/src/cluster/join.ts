// Joins this node to its cluster: the Redis bus and node lease on Redis storage, the in-process bus otherwise.
import type { Logger } from 'pino';
import type { Delivery } from '../core/delivery.js';
import type { Publisher } from '../core/publish.js';
import type { Sessions } from '../core/sessions.js';
import { RedisStorage } from '../storage/redis/redis.js';
import type { Storage } from '../storage/storage.js';
import type { Bus } from './bus.js';
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
  leave(): Promise<void>;
}

export async function joinCluster(deps: ClusterDeps): Promise<Cluster> {
  const { node, storage, logger, leaseMs, now } = deps;
  const onError = (err: unknown, context: string) => logger.warn({ err, context }, 'cluster');
  const bus: Bus = storage instanceof RedisStorage ? new RedisBus(storage, { pingMs: Math.max(500, Math.floor(leaseMs / 3)), onError }) : new LocalBus();
  const member = new ClusterMember({ ...deps, bus, onError });
  member.wire();
  await bus.start(member);
  let lease: LeaseKeeper | null = null;
  if (storage instanceof RedisStorage) {
    lease = new LeaseKeeper(storage.nodes, {
      node,
      leaseMs,
      now,
      onError,
      onLost: () => member.reconnectAll(),
      onReaped: (nodes) => logger.warn({ event: 'nodes_reaped', nodes }, 'nodes taken for dead; their sessions count as disconnected since their last heartbeat'),
    });
    try {
      await lease.start();
    } catch (err) {
      await bus.close();
      throw err;
    }
  }
  return {
    bus: bus.kind,
    leave: async () => {
      try {
        await lease?.stop();
      } finally {
        await bus.close();
      }
    },
  };
}
