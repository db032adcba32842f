// Metrics from the features that report outcomes through their own events: webhooks and Web Push.
import type { WebhookReport } from '../webhooks/dispatcher.js';
import type { PushEvent } from '../webpush/events.js';
import type { Metrics } from './metrics.js';

/** Counts a webhook report: a delivered request, a failed attempt (retried), or events given up. */
export function observeWebhook(metrics: Metrics, r: WebhookReport): void {
  switch (r.kind) {
    case 'delivered':
      metrics.recordWebhook({ appId: r.appId, event: 'batch', outcome: 'delivered' });
      return;
    case 'retrying':
      metrics.recordWebhook({ appId: r.appId, event: 'batch', outcome: 'failed' });
      return;
    case 'gave_up':
    case 'overflow':
      metrics.recordWebhook({ appId: r.appId, event: 'batch', outcome: 'abandoned' });
      return;
    default: {
      const unknown: never = r;
      return unknown;
    }
  }
}

/** Counts the final outcome of each push; retries and skipped (online) users are not outcomes. */
export function observePush(metrics: Metrics, e: PushEvent): void {
  switch (e.kind) {
    case 'sent':
      metrics.recordWebPush({ appId: e.appId, outcome: 'sent' });
      return;
    case 'removed':
      metrics.recordWebPush({ appId: e.appId, outcome: 'gone' });
      return;
    case 'failed':
      metrics.recordWebPush({ appId: e.appId, outcome: 'failed' });
      return;
    case 'retried':
    case 'skipped':
      return;
    default: {
      const unknown: never = e;
      return unknown;
    }
  }
}
