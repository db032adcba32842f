// Herald's native webhooks on the wire: the signed JSON body POSTed to an app's webhook URL. See docs/webhooks.md.
import type { JsonObject } from './json.js';

/** Header carrying `sha256=<hex HMAC-SHA256 of the exact body, keyed with the app secret>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-herald-signature';

/** Why a session ended: its client closed it, the backend ended it, or it stayed disconnected past its ttl. */
export type SessionEndReason = 'client' | 'backend' | 'expired';

/** One event of a webhook body. `time_ms`: when it happened, ms since the epoch. */
export type WebhookEvent =
  | {
      name: 'session.ended';
      time_ms: number;
      session: string;
      user: string | null;
      scope: string;
      reason: SessionEndReason;
      /** Notifications the session never acknowledged, dropped with it. */
      dropped: number;
    }
  | {
      name: 'job.orphaned';
      time_ms: number;
      job: string;
      kind: string;
      meta: JsonObject;
      session: string;
      /** How the session ended; null when it was already gone and the reason is not known. */
      reason: SessionEndReason | null;
    }
  | { name: 'job.expired'; time_ms: number; job: string; kind: string; meta: JsonObject; session: string };

export type WebhookEventName = WebhookEvent['name'];

/** Every event name, for validating an app's `events` filter. */
export const WEBHOOK_EVENT_NAMES: readonly WebhookEventName[] = ['session.ended', 'job.orphaned', 'job.expired'];

/** The JSON body of one webhook request: events in the order they happened. */
export interface WebhookPayload {
  time_ms: number;
  events: WebhookEvent[];
}
