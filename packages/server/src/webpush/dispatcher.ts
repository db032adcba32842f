// PushDispatcher: sends a published notification's `push` content to the addressed users' browsers, with retries.
import type { Notification, PushContent, Target } from '@herald/protocol';
import type { Published } from '../core/publish.js';
import type { Logger } from '../observability/log.js';
import type { PushCounts, PushSubscriptionRecord } from '../storage/push-store.js';
import type { Storage } from '../storage/storage.js';
import { emptyCounters, tally, type PushCounters, type PushEvent } from './events.js';
import { Limiter } from './limiter.js';
import { pushMessageJson, pushTtl, topicForTag } from './message.js';
import { retryDelay, verdict, type RetryPolicy } from './outcome.js';
import type { PushRequest, PushSender } from './sender.js';
import type { VapidKeyring } from './vapid.js';

export interface PushDispatcherOptions {
  retry: RetryPolicy;
  /** Push requests in flight at once, over all notifications. */
  concurrency: number;
  now: () => number;
  logger: Logger;
}

const ZERO: PushCounts = { sent: 0, failed: 0, removed: 0 };

/**
 * Pushes to users, not sessions: the users named in `to.users` and the users of the sessions named in
 * `to.sessions` (scopes, channels and `all` address sessions only). By default a user with a session
 * connected to any node gets no push (the live session shows the notification); `push.always` pushes
 * anyway. Work is in memory: pushes not finished when the process dies are lost (counted nowhere).
 */
export class PushDispatcher {
  /** Totals since start, for metrics. */
  readonly counters: PushCounters = emptyCounters();
  /** Observers of every outcome (metrics, tests). Exceptions they throw are logged and ignored. */
  readonly observers: Array<(event: PushEvent) => void> = [];
  private readonly limiter: Limiter;
  private readonly inflight = new Set<Promise<void>>();
  private readonly sleepers = new Set<() => void>();
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly keyring: VapidKeyring,
    private readonly sender: PushSender,
    private readonly options: PushDispatcherOptions,
  ) {
    this.limiter = new Limiter(options.concurrency);
  }

  /** The publisher observer: starts pushing in the background, never delays or fails the publish. */
  readonly observe = (published: Published): void => {
    const content = published.request.push;
    if (content === undefined || this.stopped) return;
    const work = this.dispatch(published.appId, published.request.to, published.notification, content).catch((err: unknown) =>
      this.options.logger.error({ err, app: published.appId, notification: published.notification.id }, 'web push failed'),
    );
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
  };

  /** Resolves when every push started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Stops taking work, cuts retry waits short (those pushes count as failed) and waits for requests in flight, at most `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    for (const wake of this.sleepers) wake();
    await Promise.race([this.idle(), new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    this.sender.close();
  }

  private async dispatch(appId: string, to: Target, notification: Notification, content: PushContent): Promise<void> {
    const users = await this.addressedUsers(appId, to);
    if (users.length === 0) return;
    let offline = users;
    if (!content.always) {
      const online = new Set(await this.storage.push.usersOnline(appId, users));
      if (online.size > 0) this.emit({ kind: 'skipped', appId, users: online.size });
      offline = users.filter((u) => !online.has(u));
    }
    const now = this.options.now();
    const listed = await this.storage.push.listPushSubscriptions(appId, offline);
    // The browser said when the push service drops these: past that, a push can only come back 404/410.
    const expired = listed.filter((s) => s.expirationTime !== null && s.expirationTime <= now);
    for (const s of expired) {
      await this.storage.push.deletePushSubscription(appId, s.id);
      this.emit({ kind: 'removed', appId, status: null });
    }
    // Counted even when nothing goes out, so the status shows that push was considered.
    await this.storage.push.countPush(appId, notification.id, { ...ZERO, removed: expired.length });
    const subscriptions = listed.filter((s) => !expired.includes(s));
    if (subscriptions.length === 0) return;
    const vapid = await this.keyring.forApp(appId);
    const payload = pushMessageJson(content, notification);
    if (vapid === null || payload === null) {
      this.options.logger.warn({ app: appId, notification: notification.id }, vapid === null ? 'web push: app vanished' : 'web push: message too large');
      for (let i = 0; i < subscriptions.length; i++) this.emit({ kind: 'failed', appId, status: null });
      await this.storage.push.countPush(appId, notification.id, { ...ZERO, failed: subscriptions.length });
      return;
    }
    const request = {
      payload,
      vapid,
      ttl: pushTtl(content, notification, now),
      urgency: content.urgency ?? 'normal',
      topic: topicForTag(content.tag),
    };
    await Promise.all(subscriptions.map((s) => this.deliver(s, notification.id, request)));
  }

  /** The users named in `to.users`, plus the users of the sessions named in `to.sessions` (except `to.except`). */
  private async addressedUsers(appId: string, to: Target): Promise<string[]> {
    const users = new Set(to.users ?? []);
    const listed = (to.sessions ?? []).filter((id) => id !== to.except);
    const sessions = await Promise.all(listed.map((id) => this.storage.getSession(id)));
    for (const s of sessions) if (s && s.appId === appId && s.userId !== null) users.add(s.userId);
    return [...users];
  }

  /** Sends to one subscription until it is sent, gone, refused for good, or out of retries. */
  private async deliver(sub: PushSubscriptionRecord, notificationId: string, base: Omit<PushRequest, 'endpoint' | 'p256dh' | 'auth'>): Promise<void> {
    const { appId } = sub;
    const request: PushRequest = { ...base, endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth };
    const origin = new URL(sub.endpoint).origin;
    for (let retry = 0; ; retry++) {
      if (this.stopped) return this.fail(sub, notificationId, null, origin, 'shutting down');
      const answer = await this.limiter.run(() => this.sender.send(request));
      const v = verdict(answer, this.options.now());
      switch (v.kind) {
        case 'sent':
          this.emit({ kind: 'sent', appId });
          return this.storage.push.countPush(appId, notificationId, { ...ZERO, sent: 1 });
        case 'gone':
          await this.storage.push.deletePushSubscription(appId, sub.id);
          this.options.logger.info({ event: 'push_subscription_removed', app: appId, user: sub.userId, subscription: sub.id, status: v.status }, 'push subscription removed');
          this.emit({ kind: 'removed', appId, status: v.status });
          return this.storage.push.countPush(appId, notificationId, { ...ZERO, removed: 1 });
        case 'failed':
          return this.fail(sub, notificationId, v.status, origin, answer.error);
        case 'retry': {
          const delay = this.stopped ? null : retryDelay(retry, v.retryAfterMs, this.options.retry);
          if (delay === null) return this.fail(sub, notificationId, v.status, origin, answer.error ?? 'out of retries');
          this.emit({ kind: 'retried', appId, status: v.status });
          await this.sleep(delay);
          break;
        }
        default: {
          const unreachable: never = v;
          throw new Error(`unknown verdict ${JSON.stringify(unreachable)}`);
        }
      }
    }
  }

  private async fail(sub: PushSubscriptionRecord, notificationId: string, status: number | null, origin: string, reason: string | undefined): Promise<void> {
    // The origin only: the full endpoint is a capability URL and stays out of logs.
    this.options.logger.warn({ event: 'push_failed', app: sub.appId, subscription: sub.id, pushService: origin, status, reason }, 'web push not delivered');
    this.emit({ kind: 'failed', appId: sub.appId, status });
    await this.storage.push.countPush(sub.appId, notificationId, { ...ZERO, failed: 1 });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private emit(event: PushEvent): void {
    tally(this.counters, event);
    for (const observe of this.observers) {
      try {
        observe(event);
      } catch (err) {
        this.options.logger.error({ err }, 'push event observer threw');
      }
    }
  }
}
