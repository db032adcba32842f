// The publish operation: idempotency, target resolution, inbox caps and the single notification write.
import type { PublishInput, PublishOutcome } from '../storage.js';
import type { CandidateRow, Statements } from './statements.js';

/**
 * Runs inside a group-commit savepoint, so the checks and the writes see one state and land together.
 * Refusals (duplicate, unknown sessions, full inbox) return before anything is written.
 */
export function publishOp(st: Statements, input: PublishInput): PublishOutcome {
  const { notification: n, target } = input;

  if (n.idempotencyKey !== null) {
    const prior = st.idempotencyFind.get(n.appId, n.idempotencyKey);
    if (prior !== undefined && prior.idempotency_until > n.createdAt) {
      return { kind: 'duplicate', id: prior.id, recipients: prior.recipients, sameRequest: prior.request_hash === n.requestHash };
    }
    // Past its window but not swept yet: the key is free again.
    if (prior !== undefined) st.idempotencyForget.run(n.appId, n.idempotencyKey);
  }

  const listed = target.sessions ?? [];
  if (listed.length > 0) {
    const unknown = st.unknownSessions.all({ app: n.appId, ids: JSON.stringify(listed) }).map((row) => row.id);
    if (unknown.length > 0) return { kind: 'unknown_sessions', sessions: unknown };
  }

  const recipients = candidates(st, input).filter((row) => row.id !== target.except);
  const full = recipients.filter((row) => row.pending >= input.maxInbox).map((row) => row.id);
  if (full.length > 0) return { kind: 'inbox_full', sessions: full };

  const ids = recipients.map((row) => row.id);
  const seq = Number(
    st.notificationInsert.run({
      app_id: n.appId,
      id: n.id,
      json: n.json,
      created_at: n.createdAt,
      expires_at: n.expiresAt,
      idempotency_key: n.idempotencyKey,
      request_hash: n.requestHash,
      idempotency_until: n.idempotencyKey === null ? null : n.createdAt + input.idempotencyTtlMs,
      recipients: ids.length,
    }).lastInsertRowid,
  );
  if (ids.length > 0) {
    const idsJson = JSON.stringify(ids);
    st.inboxFanOut.run({ ids: idsJson, seq, expires_at: n.expiresAt });
    st.pendingBump.run(idsJson);
  }
  return { kind: 'published', seq, recipients: ids };
}

/** Sessions of the app matching the target (before `except`), each once, ordered by id. */
function candidates(st: Statements, { notification, target }: PublishInput): CandidateRow[] {
  const app = notification.appId;
  if (target.all === true) return st.targetAll.all(app);
  const found: CandidateRow[][] = [];
  // Only the kinds named: an empty list would still cost a search.
  if (target.sessions?.length) found.push(st.targetSessions.all({ app, ids: JSON.stringify(target.sessions) }));
  if (target.users?.length) found.push(st.targetUsers.all({ app, ids: JSON.stringify(target.users) }));
  if (target.scopes?.length) found.push(st.targetScopes.all({ app, ids: JSON.stringify(target.scopes) }));
  if (found.length === 0) return [];
  if (found.length === 1) return found[0]!;
  // A session matched by several kinds counts once.
  const byId = new Map<string, CandidateRow>();
  for (const rows of found) for (const row of rows) byId.set(row.id, row);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
