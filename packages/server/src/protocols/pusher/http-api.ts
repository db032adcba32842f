// The Pusher HTTP API under /apps/{appId}: events, batch events, channel queries, terminate_connections. 200 + JSON on success.
import type { JsonObject } from '@herald/protocol';
import { HeraldError } from '../../errors.js';
import { readBody, sendJson } from '../../http/body.js';
import type { RequestContext, Router } from '../../http/router.js';
import type { AppRecord, Storage } from '../../storage/storage.js';
import type { ChannelHub } from '../../core/channels/index.js';
import { channelType, isValidChannelName } from '../../core/channels/names.js';
import { RateWindow } from '../../core/channels/rate.js';
import { verifyRequest } from './http-signature.js';
import { parseBatch, parseEvent, parseInfo, type ApiEvent } from './http-validate.js';
import type { PusherSettings } from './settings.js';

export interface PusherApiDeps {
  storage: Storage;
  hub: ChannelHub;
  settings: (appId: string) => PusherSettings;
  maxBodyBytes: number;
  now: () => number;
}

interface Authenticated {
  app: AppRecord;
  body: Buffer;
  params: Map<string, string>;
}

export function registerPusherApi(router: Router, deps: PusherApiDeps): void {
  const { hub, storage } = deps;
  const rates = new Map<string, RateWindow>();

  const authenticate = async (ctx: RequestContext, withBody: boolean): Promise<Authenticated> => {
    const app = await storage.getApp(ctx.params['appId']!);
    if (!app) throw new HeraldError('app_not_found', `no app ${ctx.params['appId']}`);
    const body = withBody ? await readBody(ctx.req, deps.maxBodyBytes) : Buffer.alloc(0);
    const raw = ctx.req.url ?? '/';
    const q = raw.indexOf('?');
    const check = verifyRequest(app, { method: ctx.req.method ?? 'GET', path: q < 0 ? raw : raw.slice(0, q), query: q < 0 ? '' : raw.slice(q + 1), body }, Math.floor(deps.now() / 1000));
    if (!check.ok) throw new HeraldError('unauthorized', check.reason);
    return { app, body, params: check.params };
  };

  const json = (body: Buffer): unknown => {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new HeraldError('invalid_json');
    }
  };

  /** Backend events per second per app; points = channels addressed (what Pusher counts as messages). */
  const takeQuota = (app: AppRecord, events: ApiEvent[]): void => {
    const limit = deps.settings(app.id).maxBackendEventsPerSecond;
    if (limit <= 0) return;
    let rate = rates.get(app.id);
    if (!rate) rates.set(app.id, (rate = new RateWindow(limit, deps.now)));
    const points = events.reduce((n, e) => n + e.channels.length, 0);
    if (!rate.take(points)) throw new HeraldError('rate_limited', `over the quota of ${limit} channel events per second`);
  };

  const publish = async (app: AppRecord, event: ApiEvent): Promise<void> => {
    await hub.trigger(app.id, { channels: event.channels, event: event.name, data: event.data, ...(event.socketId !== undefined ? { except: event.socketId } : {}) });
  };

  const channelAttributes = async (app: AppRecord, event: ApiEvent): Promise<JsonObject> => {
    const out: JsonObject = {};
    for (const channel of event.channels) {
      const summary = await hub.state.summary(app.id, channel);
      const presence = channelType(channel).kind === 'presence';
      const attrs: JsonObject = {};
      if (event.info.includes('user_count') && presence) attrs['user_count'] = summary.users ?? 0;
      if (event.info.includes('subscription_count') && !presence) attrs['subscription_count'] = summary.subscriptions;
      out[channel] = attrs;
    }
    return out;
  };

  router.on('POST', '/apps/:appId/events', async (ctx) => {
    const { app, body } = await authenticate(ctx, true);
    const event = parseEvent(json(body), deps.settings(app.id).channels.maxEventBytes, 'event', false);
    takeQuota(app, [event]);
    await publish(app, event);
    sendJson(ctx.res, 200, event.info.length > 0 ? { channels: await channelAttributes(app, event) } : {});
  });

  router.on('POST', '/apps/:appId/batch_events', async (ctx) => {
    const { app, body } = await authenticate(ctx, true);
    const events = parseBatch(json(body), deps.settings(app.id).channels.maxEventBytes);
    takeQuota(app, events);
    for (const event of events) await publish(app, event);
    if (!events.some((e) => e.info.length > 0)) return sendJson(ctx.res, 200, {});
    const batch: JsonObject[] = [];
    for (const event of events) batch.push(event.info.length > 0 ? ((await channelAttributes(app, event))[event.channels[0]!] as JsonObject) : {});
    sendJson(ctx.res, 200, { batch });
  });

  router.on('GET', '/apps/:appId/channels', async (ctx) => {
    const { app, params } = await authenticate(ctx, false);
    const prefix = params.get('filter_by_prefix') ?? '';
    const info = parseInfo(params.get('info'), ['user_count', 'subscription_count'], 'info');
    if (info.includes('user_count') && !prefix.startsWith('presence-')) throw new HeraldError('invalid_request', 'info=user_count needs filter_by_prefix=presence-');
    const channels: JsonObject = {};
    for (const s of await hub.state.list(app.id, prefix)) {
      if (s.channel.startsWith('#')) continue;
      const attrs: JsonObject = {};
      if (info.includes('user_count')) attrs['user_count'] = s.users ?? 0;
      if (info.includes('subscription_count')) attrs['subscription_count'] = s.subscriptions;
      channels[s.channel] = attrs;
    }
    sendJson(ctx.res, 200, { channels });
  });

  router.on('GET', '/apps/:appId/channels/:channel', async (ctx) => {
    const { app, params } = await authenticate(ctx, false);
    const channel = validChannel(ctx.params['channel']!);
    const type = channelType(channel);
    const info = parseInfo(params.get('info'), ['user_count', 'subscription_count', 'cache'], 'info');
    if (info.includes('user_count') && type.kind !== 'presence') throw new HeraldError('invalid_request', 'user_count is only available for presence channels');
    if (info.includes('cache') && !type.cache) throw new HeraldError('invalid_request', 'cache is only available for cache channels');
    const summary = await hub.state.summary(app.id, channel);
    const out: JsonObject = { occupied: summary.subscriptions > 0 };
    if (info.includes('user_count')) out['user_count'] = summary.users ?? 0;
    if (info.includes('subscription_count')) out['subscription_count'] = summary.subscriptions;
    if (info.includes('cache')) {
      const hit = await hub.state.getCache(app.id, channel);
      if (hit) out['cache'] = { data: hit.event.data, ttl: Math.ceil(hit.ttlMs / 1000) };
    }
    sendJson(ctx.res, 200, out);
  });

  router.on('GET', '/apps/:appId/channels/:channel/users', async (ctx) => {
    const { app } = await authenticate(ctx, false);
    const channel = validChannel(ctx.params['channel']!);
    if (channelType(channel).kind !== 'presence') throw new HeraldError('invalid_request', 'users are only listed for presence channels');
    const members = await hub.state.members(app.id, channel);
    sendJson(ctx.res, 200, { users: members.map((m) => ({ id: m.userId })) });
  });

  router.on('POST', '/apps/:appId/users/:userId/terminate_connections', async (ctx) => {
    const { app } = await authenticate(ctx, true);
    const userId = ctx.params['userId']!;
    if (userId === '' || userId.length > 200) throw new HeraldError('invalid_request', 'invalid user id');
    await hub.terminateUser(app.id, userId);
    sendJson(ctx.res, 200, {});
  });
}

function validChannel(name: string): string {
  if (!isValidChannelName(name)) throw new HeraldError('invalid_channel', `invalid channel name ${JSON.stringify(name.slice(0, 210))}`);
  return name;
}
