// HTTP routes of Web Push: the public VAPID key, browser (un)registration, and the backend's view of a user's subscriptions.
import type { ServerResponse } from 'node:http';
import type { JsonObject } from '@herald/protocol';
import { HeraldError } from '../errors.js';
import { authenticateApp } from '../http/auth.js';
import { readJson, sendJson } from '../http/body.js';
import type { RequestContext, Router } from '../http/router.js';
import type { PushSubscriptionRecord } from '../storage/push-store.js';
import type { Storage } from '../storage/storage.js';
import { authenticateCaller } from './client-auth.js';
import { parseSubscription, subscriptionId } from './subscription.js';
import type { VapidKeyring } from './vapid.js';

export interface PushRoutesDeps {
  storage: Storage;
  keyring: VapidKeyring;
  /** Push service host patterns a subscription may point at (subscription.ts). */
  allowedHosts: readonly string[];
  maxBodyBytes: number;
  now: () => number;
}

/** Subscriptions one user may hold; registering more removes the user's oldest (browsers leave stale ones behind). */
export const MAX_SUBSCRIPTIONS_PER_USER = 20;

/** Browser-facing routes are called from the application's pages, on another origin: no cookies are involved, so any origin may call. */
function allowCrossOrigin(res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', '*');
}

function preflight(ctx: RequestContext): void {
  ctx.res.writeHead(204, {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, POST, DELETE',
    'access-control-allow-headers': 'authorization, content-type',
    'access-control-max-age': '600',
  });
  ctx.res.end();
}

/** What the backend sees of a subscription: never the endpoint (a capability URL) or the keys. */
export function subscriptionView(s: PushSubscriptionRecord): JsonObject {
  return { id: s.id, user: s.userId, pushService: new URL(s.endpoint).origin, expirationTime: s.expirationTime, createdAt: s.createdAt };
}

export function registerPushRoutes(router: Router, deps: PushRoutesDeps): void {
  const { storage, keyring } = deps;
  const caller = (ctx: RequestContext) => authenticateCaller(storage, ctx.params['appId']!, ctx.req, deps.now());
  const backend = (ctx: RequestContext) => authenticateApp(storage, ctx.params['appId']!, ctx.req);

  router.on('OPTIONS', '/v1/apps/:appId/push/key', preflight);
  router.on('GET', '/v1/apps/:appId/push/key', async (ctx) => {
    allowCrossOrigin(ctx.res);
    const keys = await keyring.forApp(ctx.params['appId']!);
    if (!keys) throw new HeraldError('app_not_found');
    // Not cached by browsers for long: `herald keys` may rotate the pair.
    ctx.res.setHeader('cache-control', 'no-cache');
    sendJson(ctx.res, 200, { publicKey: keys.publicKey });
  });

  router.on('OPTIONS', '/v1/apps/:appId/push/subscriptions', preflight);
  router.on('POST', '/v1/apps/:appId/push/subscriptions', async (ctx) => {
    allowCrossOrigin(ctx.res);
    const { app, userId } = await caller(ctx);
    const parsed = parseSubscription(await readJson(ctx.req, deps.maxBodyBytes), deps.allowedHosts);
    const record: PushSubscriptionRecord = { ...parsed, id: subscriptionId(parsed.endpoint), appId: app.id, userId, createdAt: deps.now() };
    await storage.push.putPushSubscription(record, MAX_SUBSCRIPTIONS_PER_USER);
    sendJson(ctx.res, 201, { id: record.id, user: userId });
  });

  router.on('DELETE', '/v1/apps/:appId/push/subscriptions', async (ctx) => {
    allowCrossOrigin(ctx.res);
    const { app, userId } = await caller(ctx);
    const body = await readJson(ctx.req, deps.maxBodyBytes);
    const endpoint = (body as { endpoint?: unknown } | null)?.endpoint;
    if (typeof endpoint !== 'string' || endpoint === '') throw new HeraldError('invalid_request', 'send {"endpoint": "<the subscription endpoint>"}');
    if (!(await storage.push.deletePushSubscription(app.id, subscriptionId(endpoint), userId))) throw new HeraldError('push_subscription_not_found');
    ctx.res.writeHead(204).end();
  });

  router.on('GET', '/v1/apps/:appId/users/:userId/push/subscriptions', async (ctx) => {
    const app = await backend(ctx);
    const list = await storage.push.listPushSubscriptions(app.id, [ctx.params['userId']!]);
    sendJson(ctx.res, 200, { subscriptions: list.map(subscriptionView) });
  });

  router.on('DELETE', '/v1/apps/:appId/users/:userId/push/subscriptions', async (ctx) => {
    const app = await backend(ctx);
    sendJson(ctx.res, 200, { removed: await storage.push.deleteUserPushSubscriptions(app.id, ctx.params['userId']!) });
  });

  router.on('DELETE', '/v1/apps/:appId/push/subscriptions/:id', async (ctx) => {
    const app = await backend(ctx);
    if (!(await storage.push.deletePushSubscription(app.id, ctx.params['id']!))) throw new HeraldError('push_subscription_not_found');
    ctx.res.writeHead(204).end();
  });
}
