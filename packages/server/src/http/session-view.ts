// The public view of a session, shared by the native API and the admin API: never its resume hash.
import type { AdminSession } from '@herald/protocol';
import type { Delivery } from '../core/delivery.js';
import type { SessionRecord } from '../storage/storage.js';

/** What a session looks like from outside; `connectedSince` is known only on the node serving it. */
export function sessionView(s: SessionRecord, delivery: Delivery): AdminSession {
  const live = delivery.get(s.id);
  return {
    id: s.id,
    user: s.userId,
    scope: s.scope,
    meta: s.meta,
    connected: s.node !== null,
    transport: s.transport,
    node: s.node,
    connectedSince: live ? live.since : null,
    disconnectedAt: s.disconnectedAt,
    createdAt: s.createdAt,
    pending: s.pending,
  };
}
