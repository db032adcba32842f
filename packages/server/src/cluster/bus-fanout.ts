// ChannelFanout over the cluster bus: channel traffic reaches the hub of every node, in the order each node sent it.
import type { ChannelFanout, FanoutHandler, FanoutMessage } from '../core/channels/fanout.js';
import type { Bus } from './bus.js';

/**
 * Each node sends on its one Redis command connection, in call order, and hears the bus on its one
 * subscriber connection, so messages of one sender arrive in the order it sent them. Nothing is kept for
 * a node that is disconnected from the bus (live fan-out).
 */
export class BusFanout implements ChannelFanout {
  private handler: FanoutHandler | null = null;

  constructor(private readonly bus: Bus) {}

  publish(message: FanoutMessage): Promise<void> {
    return this.bus.send({ kind: 'channel', message });
  }

  onMessage(handler: FanoutHandler): void {
    this.handler = handler;
  }

  /** A channel message heard on the bus (ClusterMember hands it over). */
  receive(message: FanoutMessage): void {
    this.handler?.(message);
  }

  async close(): Promise<void> {
    this.handler = null;
  }
}
