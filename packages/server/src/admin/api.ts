// The admin API under /admin/api (Bearer admin token): what the dashboard reads and the test-notification form.
import type {
  AdminApp,
  AdminChannelList,
  AdminOverview,
  AdminSessionList,
  AdminStats,
  JsonObject,
} from '@herald/protocol';
import { HeraldError } from '../errors.js';
import { validatePublish } from '../core/validate.js';
import type { Publisher } from '../core/publish.js';
import type { Delivery } from '../core/delivery.js';
import type { AppRecord, Storage } from '../storage/storage.js';
import { sessionView } from '../http/session-view.js';
import type { Metrics } from '../observability/metrics.js';
import { readJson, sendJson } from '../http/body.js';
import type { RequestContext, Router } from '../http/router.js';
import { requireBearer } from '../http/bearer.js';
import { listChannels, type ChannelDirectory } from './channels.js';

export interface AdminApiDeps {
  node: string;
  startedAt: number;
  adminToken: string;
  storage: Storage;
  publisher: Publisher;
  delivery: Delivery;
  metrics: Metrics;
  /** Channel directories registered by channel protocols (read at each request, so late registration works). */
  channels: readonly ChannelDirectory[];
  maxBodyBytes: number;
  maxPayloadBytes: number;
  maxTtlSeconds: number;
  now: () => number;
}

/** Sessions shown per app: the newest ones, so a dashboard never pages through a large deployment. */
export const SESSION_LIST_LIMIT = 200;
const CHANNEL_LIST_LIMIT = 500;

function hasVapid(app: AppRecord): boolean {
  const vapid = app.settings['vapid'];
  return typeof vapid === 'object' && vapid !== null && !Array.isArray(vapid) && typeof (vapid as JsonObject)['publicKey'] === 'string';
}

export function registerAdminApi(router: Router, deps: AdminApiDeps): void {
  const { storage, publisher, delivery, metrics } = deps;
  const limits = { maxPayloadBytes: deps.maxPayloadBytes, maxTtlSeconds: deps.maxTtlSeconds };
  /** Every admin route checks the token before anything else, including whether the app exists. */
  const admin = (method: string, path: string, handler: (ctx: RequestContext) => Promise<void>) =>
    router.on(method, `/admin/api${path}`, (ctx) => {
      requireBearer(ctx.req, deps.adminToken, 'admin token');
      return handler(ctx);
    });
  const appOf = async (ctx: RequestContext): Promise<AppRecord> => {
    const app = await storage.getApp(ctx.params['appId']!);
    if (!app) throw new HeraldError('app_not_found');
    return app;
  };
  const connectionsByApp = (): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const ls of delivery.sessions()) counts.set(ls.appId, (counts.get(ls.appId) ?? 0) + 1);
    return counts;
  };

  admin('GET', '/overview', async (ctx) => {
    const connections = connectionsByApp();
    const apps: AdminApp[] = (await storage.listApps()).map((a) => ({
      id: a.id,
      key: a.key,
      name: a.name,
      createdAt: a.createdAt,
      connections: connections.get(a.id) ?? 0,
      webPush: hasVapid(a),
    }));
    const body: AdminOverview = { node: deps.node, storage: storage.kind, startedAt: deps.startedAt, now: deps.now(), apps };
    sendJson(ctx.res, 200, body);
  });

  admin('GET', '/stats', async (ctx) => {
    const seconds = Math.min(120, Math.max(1, Number(ctx.url.searchParams.get('seconds') ?? 60) || 60));
    const body: AdminStats = { node: deps.node, now: deps.now(), connections: delivery.size, series: metrics.rates.last(seconds) };
    sendJson(ctx.res, 200, body);
  });

  admin('GET', '/apps/:appId/sessions', async (ctx) => {
    const app = await appOf(ctx);
    const { total } = await storage.listSessions(app.id, 0, 1);
    const offset = Math.max(0, total - SESSION_LIST_LIMIT);
    const page = await storage.listSessions(app.id, offset, SESSION_LIST_LIMIT);
    const body: AdminSessionList = { total: page.total, sessions: page.sessions.map((s) => sessionView(s, delivery)).reverse() };
    sendJson(ctx.res, 200, body);
  });

  admin('GET', '/apps/:appId/channels', async (ctx) => {
    const app = await appOf(ctx);
    const body: AdminChannelList = {
      available: deps.channels.length > 0,
      channels: await listChannels(deps.channels, app.id, CHANNEL_LIST_LIMIT),
    };
    sendJson(ctx.res, 200, body);
  });

  admin('POST', '/apps/:appId/notifications', async (ctx) => {
    const app = await appOf(ctx);
    const { request } = validatePublish(await readJson(ctx.req, deps.maxBodyBytes), limits);
    sendJson(ctx.res, 202, await publisher.publish(app.id, request));
  });

  admin('GET', '/apps/:appId/notifications/:id', async (ctx) => {
    const app = await appOf(ctx);
    const status = await storage.getStatus(app.id, ctx.params['id']!);
    if (!status) throw new HeraldError('notification_not_found');
    sendJson(ctx.res, 200, status);
  });
}
