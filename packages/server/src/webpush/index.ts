// Web Push wiring: keys for every app, the publish observer, the HTTP routes and browser assets. Called by server.ts.
import type { Config } from '../config/schema.js';
import { HeraldConfigError } from '../config/errors.js';
import type { Publisher } from '../core/publish.js';
import type { Router } from '../http/router.js';
import type { Logger } from '../observability/log.js';
import type { AppRecord, Storage } from '../storage/storage.js';
import { registerAssetRoutes } from './assets.js';
import { PushDispatcher } from './dispatcher.js';
import { registerPushRoutes } from './routes.js';
import { webPushSender } from './sender.js';
import { parseHostPatterns } from './subscription.js';
import { VapidKeyring } from './vapid.js';

export type { PushCounters, PushEvent } from './events.js';
export type { VapidKeys } from './vapid.js';
export { PushDispatcher } from './dispatcher.js';
export { VapidKeyring } from './vapid.js';

export interface WebPushDeps {
  storage: Storage;
  publisher: Publisher;
  router: Router;
  config: Config;
  /** Apps known at start: each gets its VAPID keys now (later apps get theirs on first use). */
  apps: AppRecord[];
  logger: Logger;
  now: () => number;
}

export interface WebPush {
  keyring: VapidKeyring;
  /** Counters (`dispatcher.counters`) and outcome observers (`dispatcher.observers`) for metrics. */
  dispatcher: PushDispatcher;
  /** Stops pushing: retries waiting are given up, requests in flight get at most `timeoutMs`. */
  stop(timeoutMs: number): Promise<void>;
}

/** A push service that does not answer in this long is treated as no answer (and retried). */
const PUSH_TIMEOUT_MS = 10_000;
/** Push requests in flight at once on this node. */
const PUSH_CONCURRENCY = 64;
/** Backoff ceiling before the first retry without Retry-After, ms; it doubles per retry. */
const RETRY_BASE_MS = 1000;

export async function setupWebPush(deps: WebPushDeps): Promise<WebPush> {
  const { config, storage, logger } = deps;
  if (Boolean(config.vapidPublicKey) !== Boolean(config.vapidPrivateKey)) {
    throw new HeraldConfigError('vapidPublicKey and vapidPrivateKey must be set together (or neither)');
  }
  const keyring = new VapidKeyring(storage, {
    subject: config.vapidSubject,
    configured: config.vapidPublicKey ? { publicKey: config.vapidPublicKey, privateKey: config.vapidPrivateKey } : null,
    warn: (message) => logger.warn({ event: 'vapid_keys_replaced' }, message),
  });
  const allowedHosts = parseHostPatterns(config.pushEndpointHosts);
  for (const app of deps.apps) await keyring.ensure(app);

  const dispatcher = new PushDispatcher(storage, keyring, webPushSender(PUSH_TIMEOUT_MS), {
    retry: { attempts: config.pushAttempts, baseDelayMs: RETRY_BASE_MS, maxDelayMs: config.pushRetryMaxMs },
    concurrency: PUSH_CONCURRENCY,
    now: deps.now,
    logger,
  });
  deps.publisher.observers.push(dispatcher.observe);
  registerPushRoutes(deps.router, { storage, keyring, allowedHosts, maxBodyBytes: config.maxBodyBytes, now: deps.now });
  registerAssetRoutes(deps.router);
  return { keyring, dispatcher, stop: (timeoutMs) => dispatcher.stop(timeoutMs) };
}
