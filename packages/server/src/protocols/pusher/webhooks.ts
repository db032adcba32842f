// Pusher webhooks: lifecycle events batched per app and URL, signed with the app secret, retried with back-off.
import type { JsonObject } from '@herald/protocol';
import type { ChannelLifecycleEvent } from '../../core/channels/index.js';
import { hmacHex } from '../../auth/secrets.js';
import type { AppRecord } from '../../storage/storage.js';
import type { PusherSettings } from './settings.js';

export interface WebhookDeps {
  app: (appId: string) => Promise<AppRecord | null>;
  settings: (appId: string) => PusherSettings;
  now: () => number;
  /** A POST that failed for good (retries exhausted, or the queue was full). */
  onDropped: (url: string, events: number, reason: string) => void;
  onError: (err: unknown, context: string) => void;
}

/** Longest delay between two attempts. */
const MAX_BACKOFF_MS = 60_000;
/** One attempt gives up after this long. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Batches waiting for a retry, all apps together; beyond it new failures are dropped. */
const MAX_PENDING = 10_000;

/** The event as Pusher webhooks carry it (snake_case fields). */
export function webhookEvent(event: ChannelLifecycleEvent): JsonObject {
  switch (event.name) {
    case 'channel_occupied':
    case 'channel_vacated':
    case 'cache_miss':
      return { name: event.name, channel: event.channel };
    case 'member_added':
    case 'member_removed':
      return { name: event.name, channel: event.channel, user_id: event.userId };
    case 'client_event':
      return { name: event.name, channel: event.channel, event: event.event, data: event.data, socket_id: event.socketId, ...(event.userId !== undefined ? { user_id: event.userId } : {}) };
    default: {
      const unknown: never = event;
      throw new Error(`unknown lifecycle event ${JSON.stringify(unknown)}`);
    }
  }
}

interface Batch {
  appId: string;
  url: string;
  events: JsonObject[];
  timer: NodeJS.Timeout | null;
}

export class WebhookSender {
  private readonly batches = new Map<string, Batch>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly deps: WebhookDeps) {}

  /** Queues the event for every webhook of its app that wants it. */
  observe(event: ChannelLifecycleEvent): void {
    if (this.closed) return;
    const settings = this.deps.settings(event.appId);
    if (settings.webhooks.length === 0) return;
    let payload: JsonObject | null = null;
    for (const target of settings.webhooks) {
      if (!target.events.has(event.name)) continue;
      payload ??= webhookEvent(event);
      const key = `${event.appId}\n${target.url}`;
      let batch = this.batches.get(key);
      if (!batch) {
        batch = { appId: event.appId, url: target.url, events: [], timer: null };
        this.batches.set(key, batch);
        const b = batch;
        batch.timer = setTimeout(() => this.flush(key, b), settings.webhookBatchMs);
      }
      batch.events.push(payload);
    }
  }

  /** Sends what is batched now (one attempt each, no retries) and cancels pending retries. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
    for (const [key, batch] of this.batches) {
      if (batch.timer) clearTimeout(batch.timer);
      this.flush(key, batch);
    }
    // Shutdown waits a little for these last POSTs, not for a slow receiver.
    const grace = new Promise<void>((resolve) => setTimeout(resolve, 3000).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
  }

  private flush(key: string, batch: Batch): void {
    if (this.batches.get(key) === batch) this.batches.delete(key);
    const job = this.start(batch).catch((err: unknown) => this.deps.onError(err, 'webhook'));
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job));
  }

  private async start(batch: Batch): Promise<void> {
    const app = await this.deps.app(batch.appId);
    if (!app) return this.deps.onDropped(batch.url, batch.events.length, 'app no longer exists');
    const settings = this.deps.settings(batch.appId);
    // The body is serialized once; the signature covers exactly these bytes.
    const body = JSON.stringify({ time_ms: this.deps.now(), events: batch.events });
    const headers = { 'Content-Type': 'application/json', 'X-Pusher-Key': app.key, 'X-Pusher-Signature': hmacHex(app.secret, body) };
    const giveUpAt = this.deps.now() + settings.webhookRetryForMs;
    await this.attempt(batch, body, headers, settings.webhookRetryMs, giveUpAt);
  }

  private async attempt(batch: Batch, body: string, headers: Record<string, string>, delay: number, giveUpAt: number): Promise<void> {
    let failure: string;
    try {
      const res = await fetch(batch.url, { method: 'POST', body, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      failure = `HTTP ${res.status}`;
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    }
    if (this.closed) return this.deps.onDropped(batch.url, batch.events.length, `${failure}; server stopping`);
    if (this.deps.now() + delay > giveUpAt) return this.deps.onDropped(batch.url, batch.events.length, `${failure}; retries exhausted`);
    if (this.retries.size >= MAX_PENDING) return this.deps.onDropped(batch.url, batch.events.length, `${failure}; retry queue full`);
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      const job = this.attempt(batch, body, headers, Math.min(delay * 2, MAX_BACKOFF_MS), giveUpAt).catch((err: unknown) => this.deps.onError(err, 'webhook'));
      this.inFlight.add(job);
      void job.finally(() => this.inFlight.delete(job));
    }, delay);
    this.retries.add(timer);
  }
}
