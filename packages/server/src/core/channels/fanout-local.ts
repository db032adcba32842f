// In-process ChannelFanout: publishing hands the message straight to this node's hub.
import type { ChannelFanout, FanoutHandler, FanoutMessage } from './fanout.js';

export class LocalFanout implements ChannelFanout {
  private handler: FanoutHandler | null = null;

  async publish(message: FanoutMessage): Promise<void> {
    // Synchronous hand-over keeps publish order and means a resolved publish was delivered locally.
    this.handler?.(message);
  }

  onMessage(handler: FanoutHandler): void {
    this.handler = handler;
  }

  async close(): Promise<void> {
    this.handler = null;
  }
}
