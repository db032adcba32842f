// Builders of webhook events from the records the core reports (sessions ending, jobs orphaned or expired).
import type { SessionEndReason, WebhookEvent } from '@herald/protocol';
import type { SessionRecord } from '../storage/storage.js';
import type { JobRecord } from '../storage/job-store.js';

export function sessionEnded(session: SessionRecord, reason: SessionEndReason, dropped: number, at: number): WebhookEvent {
  return { name: 'session.ended', time_ms: at, session: session.id, user: session.userId, scope: session.scope, reason, dropped };
}

export function jobOrphaned(job: JobRecord, reason: SessionEndReason | null, at: number): WebhookEvent {
  return { name: 'job.orphaned', time_ms: at, job: job.id, kind: job.kind, meta: job.meta, session: job.sessionId, reason };
}

export function jobExpired(job: JobRecord, at: number): WebhookEvent {
  return { name: 'job.expired', time_ms: at, job: job.id, kind: job.kind, meta: job.meta, session: job.sessionId };
}
