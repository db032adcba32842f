// Web Push in the browser: service worker, permission, a subscription under Herald's VAPID key, registered with Herald for a user.
import { isErrorCode, type PushMessage } from '@herald/protocol';
import type { TokenSource } from './credentials.js';
import type { Unsubscribe } from './emitter.js';
import { HeraldClientError } from './errors.js';
import { parseBaseUrl } from './url.js';

/** Options of `createPush`. Give `client` or `token`: subscriptions belong to a user. */
export interface HeraldPushOptions {
  /** Base URL of the Herald server (the one given to the client). */
  url: string;
  /** The app id (the `app` claim of the connection tokens). */
  appId: string;
  /** Register for the user of this client's session; it must have connected once. */
  client?: { readonly sessionAuthorization: string | null };
  /** Or register for the user of this connection token. */
  token?: TokenSource;
  /**
   * Service worker script, on the page's origin. Default `/herald-sw.js`, which Herald serves; a page on
   * another origin hosts its own script containing `importScripts('https://<herald>/herald-sw.js')`.
   */
  serviceWorker?: string;
  /** Scope of the service worker registration; default the script's folder. */
  scope?: string;
  /** Replaces the global fetch. */
  fetch?: typeof fetch;
}

/** `Notification.permission`, or `unsupported` where the browser has no Web Push. */
export type PushPermission = NotificationPermission | 'unsupported';

/** A subscription registered with Herald. */
export interface PushRegistration {
  /** Herald's id of the subscription (the backend sees it in the user's subscription list). */
  id: string;
  endpoint: string;
}

/** Web Push for one app: ask, subscribe, register with Herald, unsubscribe. */
export class HeraldPush {
  private readonly appUrl: string;
  private readonly scriptUrl: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: HeraldPushOptions) {
    if (!options.appId) throw new HeraldClientError('invalid_options', 'push: appId is required');
    if (!options.client && options.token === undefined) throw new HeraldClientError('invalid_options', 'push: give a client or a token');
    const base = parseBaseUrl(options.url);
    this.appUrl = `${base.origin}${base.pathname.replace(/\/+$/, '')}/v1/apps/${encodeURIComponent(options.appId)}`;
    this.scriptUrl = options.serviceWorker ?? '/herald-sw.js';
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** True where service workers, the Push API and notifications all exist (a secure context is needed). */
  supported(): boolean {
    return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof PushManager !== 'undefined' && typeof Notification !== 'undefined';
  }

  permission(): PushPermission {
    return this.supported() ? Notification.permission : 'unsupported';
  }

  /**
   * Registers the service worker, asks for permission if not yet asked (call it from a click: browsers
   * require a user gesture), subscribes with the app's VAPID key and registers the subscription with
   * Herald. Idempotent: an existing subscription under the same key is reused.
   */
  async subscribe(): Promise<PushRegistration> {
    if (!this.supported()) throw new HeraldClientError('push_unsupported', 'This browser has no Web Push (or the page is not a secure context).');
    const registration = await this.registration(true);
    if (Notification.permission === 'default') await Notification.requestPermission();
    if (Notification.permission !== 'granted') throw new HeraldClientError('push_denied', 'Notifications are not permitted for this site.');
    const { publicKey } = (await this.call('GET', '/push/key')) as { publicKey: string };
    const key = fromBase64url(publicKey);
    let subscription = await registration.pushManager.getSubscription();
    if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
      // Bound to another key (rotated): browsers refuse a second subscribe until this one is gone.
      await subscription.unsubscribe();
      subscription = null;
    }
    if (!subscription) {
      try {
        subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      } catch (cause) {
        // The browser's push service refused or could not be reached (offline, blocked, unsupported key).
        const reason = cause instanceof Error ? cause.message : String(cause);
        throw new HeraldClientError('push_failed', `The browser could not subscribe: ${reason}`, { cause });
      }
    }
    const answer = (await this.call('POST', '/push/subscriptions', subscription.toJSON(), await this.authorization())) as { id: string };
    return { id: answer.id, endpoint: subscription.endpoint };
  }

  /** Unregisters from Herald and unsubscribes the browser. False when there was no subscription. */
  async unsubscribe(): Promise<boolean> {
    const subscription = await this.subscription();
    if (!subscription) return false;
    try {
      await this.call('DELETE', '/push/subscriptions', { endpoint: subscription.endpoint }, await this.authorization());
    } catch (error) {
      // Already gone at Herald is fine; anything else is reported after the browser side is done.
      if (!(error instanceof HeraldClientError && error.code === 'push_subscription_not_found')) {
        await subscription.unsubscribe();
        throw error;
      }
    }
    return subscription.unsubscribe();
  }

  /** The browser's current subscription, if any. */
  async subscription(): Promise<PushSubscription | null> {
    if (!this.supported()) return null;
    const registration = await this.registration(false);
    return registration ? registration.pushManager.getSubscription() : null;
  }

  /** Calls `handler` with each push message the Herald service worker receives while this page is open. */
  onMessage(handler: (message: PushMessage) => void): Unsubscribe {
    if (!this.supported()) return () => {};
    const listener = (event: MessageEvent) => {
      const data: unknown = event.data;
      if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'herald:push') handler((data as { message: PushMessage }).message);
    };
    navigator.serviceWorker.addEventListener('message', listener);
    return () => navigator.serviceWorker.removeEventListener('message', listener);
  }

  /** The service worker registration (created when `create`), once it has an active worker. */
  private async registration(create: true): Promise<ServiceWorkerRegistration>;
  private async registration(create: false): Promise<ServiceWorkerRegistration | undefined>;
  private async registration(create: boolean): Promise<ServiceWorkerRegistration | undefined> {
    const script = new URL(this.scriptUrl, location.href);
    const scope = this.options.scope ?? new URL('./', script).href;
    let registration = await navigator.serviceWorker.getRegistration(scope);
    if (!registration && create) registration = await navigator.serviceWorker.register(script.href, this.options.scope ? { scope } : undefined);
    if (registration) await activated(registration);
    return registration;
  }

  private async authorization(): Promise<string> {
    const session = this.options.client?.sessionAuthorization;
    if (session) return session;
    const source = this.options.token;
    if (source === undefined) throw new HeraldClientError('push_failed', 'The client has no session yet: subscribe after it connected.');
    let token: unknown;
    try {
      token = typeof source === 'function' ? await source() : source;
    } catch (cause) {
      throw new HeraldClientError('token_failed', 'The token function failed.', { cause });
    }
    if (typeof token !== 'string' || token === '') throw new HeraldClientError('token_failed', 'The token function did not return a non-empty string.');
    return `Token ${token}`;
  }

  private async call(method: string, path: string, body?: unknown, authorization?: string): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (authorization) headers['authorization'] = authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetch(`${this.appUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (cause) {
      throw new HeraldClientError('push_failed', `Herald could not be reached (${method} ${path}).`, { cause });
    }
    const text = await response.text();
    const json: unknown = text ? safeParse(text) : null;
    if (response.ok) return json;
    const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = isErrorCode(error?.code) ? error.code : 'push_failed';
    throw new HeraldClientError(code, typeof error?.message === 'string' ? error.message : `Herald answered ${response.status}.`);
  }
}

/** Creates the Web Push helper for one app. */
export function createPush(options: HeraldPushOptions): HeraldPush {
  return new HeraldPush(options);
}

/** Resolves once the registration has an active worker (pushManager.subscribe needs one). */
function activated(registration: ServiceWorkerRegistration): Promise<void> {
  if (registration.active) return Promise.resolve();
  const worker = registration.installing ?? registration.waiting;
  if (!worker) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (worker.state === 'activated') resolve();
      else if (worker.state === 'redundant') reject(new HeraldClientError('push_failed', 'The service worker failed to install.'));
    };
    worker.addEventListener('statechange', check);
    check();
  });
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function fromBase64url(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (value.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function sameKey(current: ArrayBuffer | null, key: Uint8Array): boolean {
  if (current === null) return false;
  const bytes = new Uint8Array(current);
  return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
}
