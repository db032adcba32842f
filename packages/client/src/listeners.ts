// The notification listener registry: catch-all, module/type-filtered and keyed handlers.
import type { Notification } from '@herald/protocol';
import type { Unsubscribe } from './emitter.js';

/** What a handler learns besides the notification itself. */
export interface DeliveryInfo {
  /** Position of the notification in the session's inbox (increasing, with gaps). */
  seq: number;
  /** The session it was delivered to. */
  session: string;
}

/**
 * Receives each notification once, in inbox order. It may return a promise: the client does not
 * wait for it (delivery and acknowledgement go on), but a rejection is reported like a throw.
 */
export type NotificationHandler = (notification: Notification, info: DeliveryInfo) => void | Promise<void>;

/** Narrows a handler to notifications of one module and/or type. An empty filter matches everything. */
export interface NotificationFilter {
  module?: string;
  type?: string;
}

interface Entry {
  handler: NotificationHandler;
  filter?: NotificationFilter | undefined;
  /** Set for handlers added with `register`: they can be disabled by key. */
  key?: string | undefined;
}

function hasFields(filter: NotificationFilter | undefined): filter is NotificationFilter {
  return filter !== undefined && (filter.module !== undefined || filter.type !== undefined);
}

/** True when `notification` passes `filter` (every field given must be equal). */
export function matchesFilter(notification: Notification, filter: NotificationFilter): boolean {
  return (filter.module === undefined || filter.module === notification.module)
    && (filter.type === undefined || filter.type === notification.type);
}

/**
 * Holds the application's handlers and decides which of them see a notification.
 * Disabling works per key and is remembered for the key, so a handler registered later under a
 * disabled key starts disabled. `disableAll`/`enableAll` act on keyed handlers only; catch-all and
 * filtered handlers added with `on` are removed with their unsubscribe function or `off`.
 */
export class Listeners {
  private entries: Entry[] = [];
  private readonly disabledKeys = new Set<string>();
  /** Keys enabled one by one after `disableAll`. */
  private readonly enabledKeys = new Set<string>();
  private allDisabled = false;

  /** Adds `handler` for every notification, or for those matching `filter`. */
  on(handler: NotificationHandler): Unsubscribe;
  on(filter: NotificationFilter, handler: NotificationHandler): Unsubscribe;
  on(filterOrHandler: NotificationFilter | NotificationHandler, maybeHandler?: NotificationHandler): Unsubscribe {
    if (typeof filterOrHandler === 'function') return this.add({ handler: filterOrHandler });
    if (typeof maybeHandler !== 'function') throw new TypeError('on(filter, handler): handler must be a function');
    return this.add({ handler: maybeHandler, filter: { ...filterOrHandler } });
  }

  /**
   * Adds `handler` under `key`: it receives notifications whose `key` equals `key`, and also those
   * matching `filter` when one is given. Several handlers may share a key.
   */
  register(key: string, handler: NotificationHandler, filter?: NotificationFilter): Unsubscribe {
    if (typeof key !== 'string' || key === '') throw new TypeError('register(key, handler): key must be a non-empty string');
    if (typeof handler !== 'function') throw new TypeError('register(key, handler): handler must be a function');
    return this.add({ handler, key, filter: hasFields(filter) ? { ...filter } : undefined });
  }

  /** Removes every registration of `handler`, or every handler registered under the key `handlerOrKey`. */
  off(handlerOrKey: NotificationHandler | string): void {
    this.entries = typeof handlerOrKey === 'string'
      ? this.entries.filter((e) => e.key !== handlerOrKey)
      : this.entries.filter((e) => e.handler !== handlerOrKey);
  }

  /** Stops delivering to the handlers registered under `key` until `enable(key)` or `enableAll()`. */
  disable(key: string): void {
    this.disabledKeys.add(key);
    this.enabledKeys.delete(key);
  }

  /** Resumes delivering to the handlers registered under `key`. */
  enable(key: string): void {
    this.disabledKeys.delete(key);
    if (this.allDisabled) this.enabledKeys.add(key);
  }

  /** Disables every key, present and future, until `enableAll()` (or `enable(key)` for one key). */
  disableAll(): void {
    this.allDisabled = true;
    this.enabledKeys.clear();
  }

  /** Enables every key, including those disabled one by one. */
  enableAll(): void {
    this.allDisabled = false;
    this.enabledKeys.clear();
    this.disabledKeys.clear();
  }

  /** True when handlers under `key` are currently skipped. */
  isDisabled(key: string): boolean {
    return this.allDisabled ? !this.enabledKeys.has(key) : this.disabledKeys.has(key);
  }

  /** Number of handlers currently registered (enabled or not). */
  get size(): number {
    return this.entries.length;
  }

  /**
   * Calls, in registration order, every enabled handler that wants `notification`, each at most once.
   * A handler that throws or rejects is reported to `onError`; the others still run.
   * Returns how many handlers were called.
   */
  dispatch(notification: Notification, info: DeliveryInfo, onError: (error: unknown) => void): number {
    let called = 0;
    // A snapshot, so handlers may add or remove handlers while being called.
    for (const entry of [...this.entries]) {
      if (!this.entries.includes(entry) || !this.wants(entry, notification)) continue;
      called++;
      try {
        const result = entry.handler(notification, info);
        if (isThenable(result)) result.then(undefined, onError);
      } catch (error) {
        onError(error);
      }
    }
    return called;
  }

  private wants(entry: Entry, notification: Notification): boolean {
    if (entry.key === undefined) return entry.filter === undefined || matchesFilter(notification, entry.filter);
    if (this.isDisabled(entry.key)) return false;
    if (notification.key === entry.key) return true;
    return entry.filter !== undefined && matchesFilter(notification, entry.filter);
  }

  private add(entry: Entry): Unsubscribe {
    this.entries.push(entry);
    return () => {
      this.entries = this.entries.filter((e) => e !== entry);
    };
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
