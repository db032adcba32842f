// WebhookDispatcher: per-app queues of webhook events, sent in short batches, signed, retried with backoff, bounded.
//
// One request in flight per app, so an app receives its events in the order they happened. While a
// request is being retried, new events wait in the queue (bounded: the oldest are dropped beyond it,
// and reported). Queues live in memory: events not yet delivered when the process dies are lost.
import type { WebhookEvent, WebhookEventName, WebhookPayload } from '@herald/protocol';
import { retryDelay } from './backoff.js';
import { postWebhook, type PostResult } from './post.js';
import { signWebhook } from './sign.js';

/** Where one app's webhooks go; `events` null means every event. */
export interface WebhookTarget {
  url: string;
  events: ReadonlySet<WebhookEventName> | null;
}

/** What happened to a request or to queued events, for logs and metrics. */
export type WebhookReport =
  | { kind: 'delivered'; appId: string; events: number; attempt: number; status: number }
  | { kind: 'retrying'; appId: string; events: number; attempt: number; reason: string; delayMs: number }
  | { kind: 'gave_up'; appId: string; events: number; attempts: number; reason: string }
  | { kind: 'overflow'; appId: string; dropped: number };

export interface WebhookDispatcherOptions {
  /** How long events of one app are collected before a request, ms. */
  batchMs: number;
  /** Delay before the first retry, ms; doubled after each failure. */
  retryMs: number;
  /** Attempts per request (>= 1). */
  attempts: number;
  timeoutMs: number;
  /** Events per request. */
  maxBatch?: number;
  /** Events waiting per app; beyond this the oldest are dropped (and reported). */
  maxQueued?: number;
  now: () => number;
  /** The app's current secret (it may have been rotated since start); null when the app is gone. */
  secret: (appId: string) => Promise<string | null>;
  report: (report: WebhookReport) => void;
  fetch?: typeof fetch;
}

interface AppQueue {
  events: WebhookEvent[];
  timer: ReturnType<typeof setTimeout> | undefined;
  running: Promise<void> | null;
}

export class WebhookDispatcher {
  private readonly queues = new Map<string, AppQueue>();
  private readonly maxBatch: number;
  private readonly maxQueued: number;
  private closing = false;
  /** Wakes every backoff sleep at once (on close). */
  private wake: Array<() => void> = [];

  constructor(
    private readonly targets: ReadonlyMap<string, WebhookTarget>,
    private readonly options: WebhookDispatcherOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 100;
    this.maxQueued = options.maxQueued ?? 10_000;
  }

  /** True when the app has a webhook that takes events named `name`. */
  wants(appId: string, name: WebhookEventName): boolean {
    const target = this.targets.get(appId);
    return target !== undefined && (target.events === null || target.events.has(name));
  }

  /** Queues an event for the app's webhook (if it has one that takes it); it goes out within `batchMs`. */
  emit(appId: string, event: WebhookEvent): void {
    if (this.closing || !this.wants(appId, event.name)) return;
    let queue = this.queues.get(appId);
    if (!queue) {
      queue = { events: [], timer: undefined, running: null };
      this.queues.set(appId, queue);
    }
    queue.events.push(event);
    const excess = queue.events.length - this.maxQueued;
    if (excess > 0) {
      queue.events.splice(0, excess);
      this.options.report({ kind: 'overflow', appId, dropped: excess });
    }
    if (queue.running === null && queue.timer === undefined) {
      const q = queue;
      q.timer = setTimeout(() => this.start(appId, q), this.options.batchMs);
    }
  }

  /** Stops retrying: whatever is queued gets one last attempt, bounded by `timeoutMs`; the rest is reported as given up. */
  async close(): Promise<void> {
    this.closing = true;
    for (const wake of this.wake) wake();
    this.wake = [];
    for (const [appId, queue] of this.queues) {
      if (queue.timer !== undefined) this.start(appId, queue);
    }
    await Promise.all([...this.queues.values()].map((q) => q.running));
  }

  private start(appId: string, queue: AppQueue): void {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    queue.running = this.drain(appId, queue).finally(() => {
      queue.running = null;
      // Events that arrived during the last request wait for their own batch window.
      if (queue.events.length > 0 && !this.closing) queue.timer = setTimeout(() => this.start(appId, queue), this.options.batchMs);
    });
  }

  private async drain(appId: string, queue: AppQueue): Promise<void> {
    const target = this.targets.get(appId);
    while (target && queue.events.length > 0) {
      const batch = queue.events.splice(0, this.maxBatch);
      await this.deliver(appId, target, batch);
      if (this.closing) break;
    }
    if (this.closing && queue.events.length > 0) {
      this.options.report({ kind: 'gave_up', appId, events: queue.events.length, attempts: 0, reason: 'server shutting down' });
      queue.events = [];
    }
  }

  /** Sends one batch until it succeeds or runs out of attempts; the body (and so its signature) is the same on every attempt. */
  private async deliver(appId: string, target: WebhookTarget, events: WebhookEvent[]): Promise<void> {
    const payload: WebhookPayload = { time_ms: this.options.now(), events };
    const body = JSON.stringify(payload);
    for (let attempt = 1; ; attempt++) {
      let result: PostResult;
      try {
        const secret = await this.options.secret(appId);
        if (secret === null) {
          this.options.report({ kind: 'gave_up', appId, events: events.length, attempts: attempt - 1, reason: 'the app no longer exists' });
          return;
        }
        const signature = signWebhook(body, secret);
        result = await postWebhook({ url: target.url, appId, body, signature, timeoutMs: this.options.timeoutMs }, this.options.fetch);
      } catch (err) {
        result = { ok: false, status: null, reason: `cannot sign: ${err instanceof Error ? err.message : String(err)}` };
      }
      if (result.ok) {
        this.options.report({ kind: 'delivered', appId, events: events.length, attempt, status: result.status });
        return;
      }
      if (attempt >= this.options.attempts || this.closing) {
        this.options.report({ kind: 'gave_up', appId, events: events.length, attempts: attempt, reason: result.reason });
        return;
      }
      const delayMs = retryDelay(attempt, this.options.retryMs);
      this.options.report({ kind: 'retrying', appId, events: events.length, attempt, reason: result.reason, delayMs });
      await this.sleep(delayMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = this.wake.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake.push(done);
    });
  }
}
