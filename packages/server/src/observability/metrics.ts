// Prometheus metrics (prom-client) with one registry per server instance, and the hooks features report through.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryMetrics } from '../core/delivery.js';
import type { StorageTimer } from './storage-timing.js';
import { RateSeries } from './rates.js';

/** How often the event-loop lag probe samples, ms. */
const EVENT_LOOP_SAMPLE_MS = 100;

/** What became of one webhook request (reported by the webhook sender through `recordWebhook`). */
export type WebhookOutcome = 'delivered' | 'failed' | 'abandoned';
/** What became of one Web Push message (reported by the Web Push sender through `recordWebPush`). */
export type WebPushOutcome = 'sent' | 'failed' | 'gone';

/** One live client connection, as a connection source reports it for the connections gauge. */
export interface ConnectionInfo {
  transport: string;
  appId: string;
}

/** Where the gauges read their values at scrape time. */
export interface MetricSources {
  /** Live connections on this node; Delivery's are added by the server, other protocols add theirs. */
  connections: Array<() => Iterable<ConnectionInfo>>;
  /** Stored sessions and inbox depth per app, scanning at most `limit` sessions of at most `maxApps` apps. */
  inbox?: (limit: number, maxApps: number) => Promise<InboxStats[]>;
  /** Write transactions the storage committed since it opened (group commit: far fewer than writes). */
  commits?: () => number;
}

export interface InboxStats {
  appId: string;
  sessions: number;
  /** Sum of unacknowledged entries over the sessions scanned. */
  pending: number;
  /** Largest inbox among the sessions scanned. */
  maxPending: number;
}

/** Bounds the scrape cost of the inbox gauges. */
export const INBOX_SCAN = { sessionsPerApp: 1000, apps: 100 } as const;

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const STORAGE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

/**
 * Herald's metrics. Each server owns one (its own Registry, not prom-client's global one, so several
 * servers can run in one process). Core code reports through the `delivery` sink and the session and
 * publish observers the server wires; features report through the `record*` hooks.
 */
export class Metrics {
  readonly registry = new Registry();
  /** Per-second counts for the dashboard's live chart. */
  readonly rates = new RateSeries();
  readonly sources: MetricSources = { connections: [] };

  private readonly sessionsOpened: Counter<'app' | 'transport' | 'kind'>;
  private readonly sessionsDisconnected: Counter<'app'>;
  private readonly sessionsEnded: Counter<'app' | 'reason'>;
  private readonly accepted: Counter<'app'>;
  private readonly recipients: Counter<'app'>;
  private readonly deliveredTotal: Counter<'app'>;
  private readonly acknowledgedTotal: Counter<'app'>;
  private readonly expiredTotal: Counter;
  private readonly droppedTotal: Counter<'app'>;
  private readonly latencyHistogram: Histogram;
  private readonly webhooks: Counter<'app' | 'event' | 'outcome'>;
  private readonly webhookDuration: Histogram<'outcome'>;
  private readonly webPush: Counter<'app' | 'outcome'>;
  private readonly storageOps: Histogram<'op'>;
  private readonly storageErrors: Counter<'op'>;
  private readonly refused: Counter<'code'>;

  constructor() {
    const registers = [this.registry];
    // The event-loop lag probe is a libuv timer: at prom-client's default 10 ms it wakes an idle
    // node 100 times a second. Every 100 ms still catches any stall that matters to delivery.
    collectDefaultMetrics({ register: this.registry, prefix: 'herald_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    const sources = this.sources;

    new Gauge({
      name: 'herald_connections',
      help: 'Live client connections on this node, by transport and app.',
      labelNames: ['transport', 'app'] as const,
      registers,
      collect() {
        this.reset();
        const counts = new Map<string, { transport: string; app: string; n: number }>();
        for (const source of sources.connections) {
          for (const c of source()) {
            const key = `${c.transport}\u0000${c.appId}`;
            const entry = counts.get(key) ?? { transport: c.transport, app: c.appId, n: 0 };
            entry.n++;
            counts.set(key, entry);
          }
        }
        for (const { transport, app, n } of counts.values()) this.set({ transport, app }, n);
      },
    });

    // The three storage gauges are collected concurrently within one scrape: they share the scan in flight.
    let scan: Promise<InboxStats[]> | null = null;
    const inboxStats = (): Promise<InboxStats[]> => {
      const inbox = sources.inbox;
      if (!inbox) return Promise.resolve([]);
      scan ??= inbox(INBOX_SCAN.sessionsPerApp, INBOX_SCAN.apps)
        .catch((): InboxStats[] => [])
        .finally(() => {
          scan = null;
        });
      return scan;
    };
    const storageGauge = (name: string, help: string, pick: (s: InboxStats) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['app'] as const,
        registers,
        async collect() {
          this.reset();
          for (const s of await inboxStats()) this.set({ app: s.appId }, pick(s));
        },
      });
    storageGauge('herald_sessions', 'Stored sessions (connected or within their time-to-live), by app.', (s) => s.sessions);
    storageGauge('herald_inbox_pending', `Unacknowledged inbox entries, by app (over at most ${INBOX_SCAN.sessionsPerApp} sessions per app).`, (s) => s.pending);
    storageGauge('herald_inbox_pending_max', `Deepest session inbox, by app (over at most ${INBOX_SCAN.sessionsPerApp} sessions per app).`, (s) => s.maxPending);

    this.sessionsOpened = new Counter({ name: 'herald_sessions_opened_total', help: 'Connections that opened (kind=new) or resumed (kind=resumed) a session.', labelNames: ['app', 'transport', 'kind'] as const, registers });
    this.sessionsDisconnected = new Counter({ name: 'herald_sessions_disconnected_total', help: 'Session connections that ended (the session lives on for its ttl).', labelNames: ['app'] as const, registers });
    this.sessionsEnded = new Counter({ name: 'herald_sessions_ended_total', help: 'Sessions ended, by reason (client, backend, expired).', labelNames: ['app', 'reason'] as const, registers });
    this.accepted = new Counter({ name: 'herald_notifications_accepted_total', help: 'Notifications accepted (stored durably, or fanned out to channels).', labelNames: ['app'] as const, registers });
    this.recipients = new Counter({ name: 'herald_notification_recipients_total', help: 'Inbox entries created: accepted notifications times the sessions they were addressed to.', labelNames: ['app'] as const, registers });
    this.deliveredTotal = new Counter({ name: 'herald_notifications_delivered_total', help: 'Notifications written to client connections (a redelivery after reconnect counts again).', labelNames: ['app'] as const, registers });
    this.acknowledgedTotal = new Counter({ name: 'herald_notifications_acknowledged_total', help: 'Notifications acknowledged by clients on the connection that received them.', labelNames: ['app'] as const, registers });
    this.expiredTotal = new Counter({ name: 'herald_notifications_expired_total', help: 'Inbox entries removed because their notification expired before acknowledgement.', registers });
    this.droppedTotal = new Counter({ name: 'herald_notifications_dropped_total', help: 'Unacknowledged inbox entries dropped because their session ended.', labelNames: ['app'] as const, registers });
    this.latencyHistogram = new Histogram({ name: 'herald_delivery_latency_seconds', help: 'Publish accepted to written to live connections on this node, one observation per notification dispatched live.', buckets: LATENCY_BUCKETS, registers });
    this.webhooks = new Counter({ name: 'herald_webhooks_total', help: 'Webhook requests by app, event and outcome (delivered, failed, abandoned).', labelNames: ['app', 'event', 'outcome'] as const, registers });
    this.webhookDuration = new Histogram({ name: 'herald_webhook_duration_seconds', help: 'Webhook request duration.', labelNames: ['outcome'] as const, buckets: LATENCY_BUCKETS, registers });
    this.webPush = new Counter({ name: 'herald_webpush_total', help: 'Web Push messages by app and outcome (sent, failed, gone: subscription removed).', labelNames: ['app', 'outcome'] as const, registers });
    this.storageOps = new Histogram({ name: 'herald_storage_operation_seconds', help: 'Storage operation latency, by operation (includes group-commit wait).', labelNames: ['op'] as const, buckets: STORAGE_BUCKETS, registers });
    this.storageErrors = new Counter({ name: 'herald_storage_errors_total', help: 'Storage operations that failed, by operation.', labelNames: ['op'] as const, registers });
    new Counter({
      name: 'herald_storage_commits_total',
      help: 'Write transactions committed by the storage; with group commit, many writes share one (and its fsync).',
      registers,
      collect() {
        const commits = sources.commits?.();
        this.reset();
        if (commits !== undefined && commits > 0) this.inc(commits);
      },
    });
    this.refused = new Counter({ name: 'herald_refused_total', help: 'Refused requests and frames, by error code.', labelNames: ['code'] as const, registers });
  }

  /** The sink Delivery reports to (see DeliveryMetrics in core/delivery.ts). */
  readonly delivery: DeliveryMetrics = {
    delivered: (appId, count) => {
      this.deliveredTotal.inc({ app: appId }, count);
      this.rates.add('delivered', count);
    },
    latency: (ms) => this.latencyHistogram.observe(Math.max(0, ms) / 1000),
    acknowledged: (appId, count) => {
      this.acknowledgedTotal.inc({ app: appId }, count);
      this.rates.add('acknowledged', count);
    },
  };

  /** The timer the storage wrapper reports to (see timeStorage). */
  readonly storage: StorageTimer = {
    operation: (op, seconds, failed) => {
      this.storageOps.observe({ op }, seconds);
      if (failed) this.storageErrors.inc({ op });
    },
  };

  sessionOpened(appId: string, transport: string, resumed: boolean): void {
    this.sessionsOpened.inc({ app: appId, transport, kind: resumed ? 'resumed' : 'new' });
  }

  sessionDisconnected(appId: string): void {
    this.sessionsDisconnected.inc({ app: appId });
  }

  sessionEnded(appId: string, reason: string, dropped: number): void {
    this.sessionsEnded.inc({ app: appId, reason });
    if (dropped > 0) this.droppedTotal.inc({ app: appId }, dropped);
  }

  notificationAccepted(appId: string, recipients: number): void {
    this.accepted.inc({ app: appId });
    if (recipients > 0) this.recipients.inc({ app: appId }, recipients);
    this.rates.add('accepted', 1);
  }

  /** Inbox entries removed by the expiry sweep. */
  expired(count: number): void {
    if (count > 0) this.expiredTotal.inc(count);
  }

  /** A request or frame was refused with error `code`. */
  recordRefusal(code: string): void {
    this.refused.inc({ code });
  }

  /** Hook for the webhook sender: one call per webhook request attempt. */
  recordWebhook(report: { appId: string; event: string; outcome: WebhookOutcome; durationMs?: number }): void {
    this.webhooks.inc({ app: report.appId, event: report.event, outcome: report.outcome });
    if (report.durationMs !== undefined) this.webhookDuration.observe({ outcome: report.outcome }, report.durationMs / 1000);
  }

  /** Hook for the Web Push sender: one call per push message sent to one subscription. */
  recordWebPush(report: { appId: string; outcome: WebPushOutcome }): void {
    this.webPush.inc({ app: report.appId, outcome: report.outcome });
  }

  /** The exposition text for `GET /metrics`. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
