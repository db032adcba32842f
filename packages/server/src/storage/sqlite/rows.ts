// Conversions between the storage records of storage.ts and the SQLite rows of statements.ts.
import type { JsonObject } from '@herald/protocol';
import type { AppRecord, NewSession, SessionRecord } from '../storage.js';
import type { AppRow, SessionRow } from './statements.js';

// The column was written by JSON.stringify of a JsonObject, so parsing gives one back.
function parseObject(json: string): JsonObject {
  return JSON.parse(json) as JsonObject;
}

export function appToRow(app: AppRecord): AppRow {
  return {
    id: app.id,
    key: app.key,
    secret: app.secret,
    name: app.name,
    created_at: app.createdAt,
    settings: JSON.stringify(app.settings),
  };
}

export function appFromRow(row: AppRow): AppRecord {
  return {
    id: row.id,
    key: row.key,
    secret: row.secret,
    name: row.name,
    createdAt: row.created_at,
    settings: parseObject(row.settings),
  };
}

export function newSessionToRow(session: NewSession) {
  return {
    id: session.id,
    app_id: session.appId,
    user_id: session.userId,
    scope: session.scope,
    meta: JSON.stringify(session.meta),
    resume_hash: session.resumeHash,
    ttl_ms: session.ttlMs,
    created_at: session.createdAt,
  };
}

export function sessionFromRow(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    appId: row.app_id,
    userId: row.user_id,
    scope: row.scope,
    meta: parseObject(row.meta),
    resumeHash: row.resume_hash,
    ttlMs: row.ttl_ms,
    createdAt: row.created_at,
    node: row.node,
    transport: row.transport,
    disconnectedAt: row.disconnected_at,
    ackedSeq: row.acked_seq,
    sentSeq: row.sent_seq,
    pending: row.pending,
  };
}
