// ChannelFanout: carries channel traffic to the subscribers on every node. Its messages are one discriminated union.
import type { PresenceMember } from './authorize.js';

/** What crosses the fan-out seam (between nodes, on a cluster bus). Every node's hub handles each kind. */
export type FanoutMessage =
  /** An event for a channel's subscribers; `except` skips one socket (a socket id, or a native session id). */
  | { kind: 'event'; appId: string; channel: string; event: string; data: string; userId?: string; except?: string }
  /** A user's first socket joined a presence channel: tell the other subscribers. */
  | { kind: 'member_added'; appId: string; channel: string; member: PresenceMember; except: string }
  /** A user's last socket left a presence channel. */
  | { kind: 'member_removed'; appId: string; channel: string; userId: string }
  /** The backend asked to close every connection signed in as this user. */
  | { kind: 'terminate_user'; appId: string; userId: string };

export type FanoutHandler = (message: FanoutMessage) => void;

/**
 * Live fan-out of channel traffic. The in-process implementation serves one node; a bus (Redis
 * pub/sub) delivers to every node without any change to the protocols.
 *
 * Guarantees every implementation keeps:
 * - Every message published is handed to the handler of every running node, this one included,
 *   at most once (live fan-out: nothing is stored; a node that is down or disconnected misses it).
 * - Messages published by one node reach each node in the order that node published them, so the
 *   events of one publisher on one channel arrive in order, and a `member_added` precedes the
 *   `member_removed` of the same join.
 * - `publish` resolves once the message is on its way (in process: after the local handler ran);
 *   it rejects when the bus is unreachable, so the caller can report the failure.
 * - The handler never throws (the hub catches per subscriber).
 */
export interface ChannelFanout {
  publish(message: FanoutMessage): Promise<void>;
  /** Sets this node's one handler (the hub). */
  onMessage(handler: FanoutHandler): void;
  close(): Promise<void>;
}
