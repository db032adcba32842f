// The in-process bus of a single node: every message goes straight back to this node.
import type { Bus, BusHandlers } from './bus.js';
import type { ControlMessage, InboxMessage } from './messages.js';

export class LocalBus implements Bus {
  readonly kind = 'local' as const;
  private handlers: BusHandlers | null = null;

  async start(handlers: BusHandlers): Promise<void> {
    this.handlers = handlers;
  }

  committed(message: InboxMessage): void {
    this.handlers?.message(message);
  }

  async send(message: ControlMessage): Promise<void> {
    this.handlers?.message(message);
  }

  async close(): Promise<void> {
    this.handlers = null;
  }
}
