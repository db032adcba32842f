// This node as a cluster member: bus messages become local deliveries and closes; local events become bus messages.
import { CloseCode, notificationFrame } from '@herald/protocol';
import type { Delivery } from '../core/delivery.js';
import type { Publisher } from '../core/publish.js';
import type { Sessions } from '../core/sessions.js';
import type { Storage } from '../storage/storage.js';
import type { FanoutMessage } from '../core/channels/fanout.js';
import type { Bus, BusHandlers } from './bus.js';
import type { BusMessage } from './messages.js';

export interface MemberDeps {
  node: string;
  bus: Bus;
  storage: Storage;
  delivery: Delivery;
  sessions: Sessions;
  publisher: Publisher;
  /** Receives the channel traffic heard on the bus (the bus fan-out), when channels are cluster-wide. */
  channels?: { receive(message: FanoutMessage): void };
  onError: (err: unknown, context: string) => void;
}

export class ClusterMember implements BusHandlers {
  constructor(private readonly deps: MemberDeps) {}

  /** Routes committed publishes through the bus and announces resumes and ends. Call once, before start. */
  wire(): void {
    const { bus, publisher, sessions, node, onError } = this.deps;
    publisher.announce = (recipients, seq, json, acceptedAt) => bus.committed({ kind: 'inbox', seq, recipients, json, acceptedAt });
    sessions.events.push({
      opened: (record, resumed) => {
        if (!resumed) return;
        bus.send({ kind: 'takeover', session: record.id, node }).catch((err: unknown) => onError(err, 'announce takeover'));
      },
      ended: (record, reason) => {
        bus.send({ kind: 'ended', session: record.id, reason }).catch((err: unknown) => onError(err, 'announce end'));
      },
    });
  }

  message(message: BusMessage): void {
    switch (message.kind) {
      case 'inbox':
        // Safe because inbox messages arrive in commit order; recipients not connected here are skipped.
        this.deps.delivery.dispatch(message.recipients, message.seq, notificationFrame(message.seq, message.json), message.acceptedAt);
        return;
      case 'takeover':
        if (message.node !== this.deps.node) void this.takenOver(message.session);
        return;
      case 'ended':
        this.closeLocal(message.session, CloseCode.SessionEnded, `session ended (${message.reason})`);
        return;
      case 'channel':
        this.deps.channels?.receive(message.message);
        return;
      default: {
        const unknown: never = message;
        this.deps.onError(new Error(`unhandled bus message ${JSON.stringify(unknown)}`), 'bus');
      }
    }
  }

  /** Messages may have been lost: every live connection here reads its inbox again from its cursor. */
  gap(): void {
    for (const live of this.deps.delivery.sessions()) this.deps.delivery.wake(live.sessionId);
  }

  /** Closes every connection of this node so its clients come back (this node's lease was taken for dead). */
  reconnectAll(): void {
    for (const live of [...this.deps.delivery.sessions()]) this.closeLocal(live.sessionId, CloseCode.ServerShutdown, 'node lease lost, reconnect');
  }

  /**
   * Another node says it now serves the session. Storage has the last word: a takeover that lost the race
   * (this node connected the session after it) leaves this connection alone.
   */
  private async takenOver(sessionId: string): Promise<void> {
    const live = this.deps.delivery.get(sessionId);
    if (!live) return;
    try {
      const record = await this.deps.storage.getSession(sessionId);
      if (this.deps.delivery.get(sessionId) !== live) return;
      if (record !== null && record.node === this.deps.node) return;
    } catch (err) {
      // Without storage the connection cannot be served anyway; closing lets the client find a working node.
      this.deps.onError(err, 'takeover check');
    }
    this.closeLocal(sessionId, CloseCode.SessionTakenOver, 'session resumed on another node');
  }

  private closeLocal(sessionId: string, code: number, reason: string): void {
    const live = this.deps.delivery.get(sessionId);
    if (!live) return;
    // Detached first: the transport's close then releases the connection without marking the session disconnected.
    this.deps.delivery.detach(live);
    live.outlet.close(code, reason);
  }
}
