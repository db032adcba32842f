// The cluster bus: how nodes tell each other about commits and session moves. In-process (one node) or Redis pub/sub.
import type { BusMessage, ControlMessage, InboxMessage } from './messages.js';

/** What a node does with the bus. */
export interface BusHandlers {
  /** One message, in the order the bus delivers them (commit order for inbox messages). */
  message(message: BusMessage): void;
  /**
   * Messages may have been missed (the bus connection broke and came back): the node re-reads what it
   * serves. Called before the first message that follows the break.
   */
  gap(): void;
}

/**
 * Guarantees: inbox messages arrive in commit order; a message sent while the bus is down is not
 * delivered (and `send` rejects), and the next delivery is preceded by `gap()`.
 */
export interface Bus {
  readonly kind: 'local' | 'redis';
  /** Starts delivering to `handlers`; resolves once this node is subscribed. */
  start(handlers: BusHandlers): Promise<void>;
  /**
   * A publish committed on this node. The local bus delivers it at once (commits resolve in seq order in
   * one process); the Redis bus does nothing, the commit itself announced it in commit order.
   */
  committed(message: InboxMessage): void;
  /** Sends to every node, this one included. */
  send(message: ControlMessage): Promise<void>;
  close(): Promise<void>;
}
