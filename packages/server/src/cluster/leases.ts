// Keeps this node's lease in Redis alive, and retires the leases of nodes that stopped (their sessions then expire by ttl).
import type { RedisNodes } from '../storage/redis/nodes.js';

export interface LeaseOptions {
  node: string;
  /** A node silent this long is taken for dead. This node beats every third of it. */
  leaseMs: number;
  now: () => number;
  onError: (err: unknown, context: string) => void;
  /** Other nodes retired this node's lease (it was paused or cut off too long): its connections must come back. */
  onLost: () => void;
  /** Dead nodes whose leases this node retired. */
  onReaped?: (nodes: string[]) => void;
}

export class LeaseKeeper {
  private timer: NodeJS.Timeout | null = null;
  /** Since when this node's beats have kept succeeding; null after a failure. */
  private healthySince: number | null = null;
  private ticking = false;

  constructor(
    private readonly nodes: RedisNodes,
    private readonly options: LeaseOptions,
  ) {}

  /** Registers (retiring a lease an earlier process of this name left), releases what that lease held, starts beating. */
  async start(): Promise<void> {
    const previous = await this.nodes.register(this.options.node, this.options.now());
    if (previous !== null && this.options.now() - previous < this.options.leaseMs) {
      // Either this node restarted within its lease, or another running node has the same name (then
      // the two keep retiring each other's lease: give every node its own HERALD_NODE_ID).
      this.options.onError(new Error(`node name ${this.options.node} was alive ${this.options.now() - previous} ms ago; its earlier lease is retired`), 'lease');
    }
    this.healthySince = this.options.now();
    await this.nodes.releaseRetired();
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.options.leaseMs / 3)));
    this.timer.unref();
  }

  /** Stops beating and retires the lease now, so sessions still recorded here count as disconnected from now. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.nodes.leave(this.options.node, this.options.now());
    await this.nodes.releaseRetired();
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    const { node, leaseMs, now, onError } = this.options;
    try {
      if (!(await this.nodes.beat(node, now()))) {
        onError(new Error(`node ${node}: lease was retired by other nodes; registering again and reconnecting clients`), 'lease');
        await this.nodes.register(node, now());
        this.options.onLost();
      }
      this.healthySince ??= now();
      // Right after an outage every node's last beat looks old: reap only once this node has itself been
      // beating for a whole lease, which gives every live node time to beat again first.
      if (now() - this.healthySince >= leaseMs) {
        const dead = await this.nodes.reap(now(), leaseMs);
        if (dead.length > 0) this.options.onReaped?.(dead);
        await this.nodes.releaseRetired();
      }
    } catch (err) {
      this.healthySince = null;
      onError(err, 'lease');
    } finally {
      this.ticking = false;
    }
  }
}
