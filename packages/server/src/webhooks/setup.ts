// Builds the webhook dispatcher from the configuration: targets from the app entries, secrets from storage, reports to the log.
import type { Config } from '../config/schema.js';
import type { Jobs } from '../core/jobs.js';
import type { Sessions } from '../core/sessions.js';
import type { Logger } from '../observability/log.js';
import type { Storage } from '../storage/storage.js';
import { WebhookDispatcher, type WebhookReport, type WebhookTarget } from './dispatcher.js';
import { jobExpired, jobOrphaned, sessionEnded } from './events.js';

/** Webhook targets by app id, from the app entries of the configuration. */
export function webhookTargets(apps: Config['apps']): Map<string, WebhookTarget> {
  const targets = new Map<string, WebhookTarget>();
  for (const app of apps) {
    if (app.webhooks) targets.set(app.id, { url: app.webhooks.url, events: app.webhooks.events ? new Set(app.webhooks.events) : null });
  }
  return targets;
}

/** Builds the dispatcher; `observe` also sees every report (metrics). */
export function createWebhooks(config: Config, storage: Storage, logger: Logger, now: () => number, observe?: (r: WebhookReport) => void): WebhookDispatcher {
  return new WebhookDispatcher(webhookTargets(config.apps), {
    batchMs: config.webhookBatchMs,
    retryMs: config.webhookRetryMs,
    attempts: config.webhookAttempts,
    timeoutMs: config.webhookTimeoutMs,
    now,
    secret: async (appId) => (await storage.getApp(appId))?.secret ?? null,
    report: (r) => {
      logReport(logger, r);
      observe?.(r);
    },
  });
}

function logReport(logger: Logger, r: WebhookReport): void {
  switch (r.kind) {
    case 'delivered':
      logger.debug({ event: 'webhook_delivered', app: r.appId, events: r.events, attempt: r.attempt, status: r.status }, 'webhook delivered');
      return;
    case 'retrying':
      logger.warn({ event: 'webhook_retry', app: r.appId, events: r.events, attempt: r.attempt, reason: r.reason, delayMs: r.delayMs }, 'webhook failed, retrying');
      return;
    case 'gave_up':
      logger.error({ event: 'webhook_gave_up', app: r.appId, events: r.events, attempts: r.attempts, reason: r.reason }, 'webhook events given up');
      return;
    case 'overflow':
      logger.error({ event: 'webhook_overflow', app: r.appId, dropped: r.dropped }, 'webhook queue full, oldest events dropped');
      return;
    default: {
      const unreachable: never = r;
      return unreachable;
    }
  }
}

/** Sends the core's lifecycle events to the apps' webhooks: sessions ending, jobs orphaned or expired. */
export function reportToWebhooks(webhooks: WebhookDispatcher, sessions: Sessions, jobs: Jobs, now: () => number): void {
  sessions.events.push({ ended: (s, reason, dropped) => webhooks.emit(s.appId, sessionEnded(s, reason, dropped, now())) });
  jobs.observers.push({
    orphaned: (job, reason) => webhooks.emit(job.appId, jobOrphaned(job, reason, now())),
    expired: (job) => webhooks.emit(job.appId, jobExpired(job, now())),
  });
}
