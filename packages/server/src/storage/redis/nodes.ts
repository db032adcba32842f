// Node leases in Redis: each node heartbeats; the sessions of a node that stops are released as of its last beat.
import { HeraldError } from '../../errors.js';
import { toStorageError } from './errors.js';
import { asNumber, parseStrings } from './replies.js';
import type { ScriptedRedis } from './scripts.js';

/** Sessions one release script call looks at. */
const RELEASE_BATCH = 500;

/**
 * A node holds a lease while it heartbeats. Sessions connected through it are recorded under its lease
 * epoch; when the lease is retired (the node left, was silent for longer than the lease, or started again
 * under the same name), those sessions count as disconnected since its last heartbeat, so they expire
 * after their ttl like any other, unless their client came back meanwhile.
 */
export class RedisNodes {
  constructor(
    private readonly client: () => ScriptedRedis,
    private readonly prefix: string,
  ) {}

  /** Starts this node's lease; retires a lease an earlier process of the same name left. Returns that lease's last beat. */
  register(node: string, now: number): Promise<number | null> {
    return this.run(async (r) => {
      const previous = await r.heraldRegisterNode(this.prefix, node, now);
      return previous === null ? null : asNumber(previous, 'register');
    });
  }

  /** Renews the lease; false when it was retired meanwhile (others took this node for dead). */
  beat(node: string, now: number): Promise<boolean> {
    return this.run(async (r) => asNumber(await r.heraldBeatNode(this.prefix, node, now), 'beat') === 1);
  }

  /** Retires this node's lease at once (graceful shutdown). */
  leave(node: string, now: number): Promise<void> {
    return this.run(async (r) => {
      await r.heraldLeaveNode(this.prefix, node, now);
    });
  }

  /** Retires the leases of nodes whose last beat is older than `leaseMs`; returns their names. */
  reap(now: number, leaseMs: number): Promise<string[]> {
    return this.run(async (r) => parseStrings(await r.heraldReapNodes(this.prefix, now, leaseMs, 100), 'reap'));
  }

  /** Releases the sessions of every retired lease (any node may run this; it resumes where an interrupted run stopped). Returns sessions looked at. */
  async releaseRetired(): Promise<number> {
    let total = 0;
    const fields = await this.run((r) => r.hkeys(`${this.prefix}rel`));
    for (const field of fields) {
      for (;;) {
        const n = await this.run(async (r) => asNumber(await r.heraldReleaseSessions(this.prefix, field, RELEASE_BATCH), 'release'));
        total += n;
        if (n === 0) break;
      }
    }
    return total;
  }

  private async run<T>(op: (r: ScriptedRedis) => Promise<T>): Promise<T> {
    try {
      return await op(this.client());
    } catch (err) {
      throw err instanceof HeraldError ? err : toStorageError(err);
    }
  }
}
