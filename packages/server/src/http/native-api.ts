// Herald's own HTTP API: publish, batch, status, sessions, tokens. Documented in docs/api.md.
import { LIMITS, type AdminSession, type BatchItemResult, type JsonObject } from '@herald/protocol';
import { HeraldError, toHeraldError } from '../errors.js';
import { validatePublish } from '../core/validate.js';
import type { Publisher } from '../core/publish.js';
import type { Sessions } from '../core/sessions.js';
import type { Delivery } from '../core/delivery.js';
import type { SessionRecord, Storage } from '../storage/storage.js';
import { sessionView } from './session-view.js';
import { createConnectionToken } from '@herald/server-sdk';
import { authenticateApp } from './auth.js';
import { readJson, sendJson } from './body.js';
import type { RequestContext, Router } from './router.js';

export interface NativeApiDeps {
  storage: Storage;
  publisher: Publisher;
  sessions: Sessions;
  delivery: Delivery;
  maxBodyBytes: number;
  maxPayloadBytes: number;
  maxTtlSeconds: number;
}

/** The session as the backend API shows it: the shared view plus its app and acknowledgement position. */
function apiSessionView(s: SessionRecord, delivery: Delivery): AdminSession & { app: string; acked: number } {
  return { ...sessionView(s, delivery), app: s.appId, acked: s.ackedSeq };
}

export function registerNativeApi(router: Router, deps: NativeApiDeps): void {
  const { storage, publisher, sessions, delivery } = deps;
  const limits = { maxPayloadBytes: deps.maxPayloadBytes, maxTtlSeconds: deps.maxTtlSeconds };
  const app = (ctx: RequestContext) => authenticateApp(storage, ctx.params['appId']!, ctx.req);

  router.on('POST', '/v1/apps/:appId/notifications', async (ctx) => {
    const { id } = await app(ctx);
    const { request } = validatePublish(await readJson(ctx.req, deps.maxBodyBytes), limits);
    sendJson(ctx.res, 202, await publisher.publish(id, request));
  });

  router.on('POST', '/v1/apps/:appId/notifications/batch', async (ctx) => {
    const { id } = await app(ctx);
    const body = await readJson(ctx.req, deps.maxBodyBytes);
    const list = (body as { notifications?: unknown } | null)?.notifications;
    if (!Array.isArray(list) || list.length === 0 || list.length > LIMITS.batchMax) {
      throw new HeraldError('invalid_request', `notifications must be an array of 1 to ${LIMITS.batchMax} publish requests`);
    }
    // Items are accepted in order; each one stands or falls alone.
    const results: BatchItemResult[] = [];
    for (const item of list) {
      try {
        const { request } = validatePublish(item, limits);
        results.push({ ok: true, ...(await publisher.publish(id, request)) });
      } catch (err) {
        const e = toHeraldError(err);
        if (e.code === 'storage_unavailable') throw e;
        results.push({ ok: false, error: { code: e.code, message: e.message } });
      }
    }
    sendJson(ctx.res, 202, { results });
  });

  router.on('GET', '/v1/apps/:appId/notifications/:id', async (ctx) => {
    const { id } = await app(ctx);
    const status = await storage.getStatus(id, ctx.params['id']!);
    if (!status) throw new HeraldError('notification_not_found');
    sendJson(ctx.res, 200, status);
  });

  router.on('GET', '/v1/apps/:appId/sessions', async (ctx) => {
    const { id } = await app(ctx);
    const offset = Math.max(0, Number(ctx.url.searchParams.get('offset') ?? 0) || 0);
    const limit = Math.min(500, Math.max(1, Number(ctx.url.searchParams.get('limit') ?? 100) || 100));
    const listing = await storage.listSessions(id, offset, limit);
    sendJson(ctx.res, 200, { total: listing.total, sessions: listing.sessions.map((s) => apiSessionView(s, delivery)) });
  });

  router.on('GET', '/v1/apps/:appId/sessions/:sessionId', async (ctx) => {
    const { id } = await app(ctx);
    const s = await storage.getSession(ctx.params['sessionId']!);
    if (!s || s.appId !== id) throw new HeraldError('session_not_found');
    sendJson(ctx.res, 200, apiSessionView(s, delivery));
  });

  router.on('DELETE', '/v1/apps/:appId/sessions/:sessionId', async (ctx) => {
    const { id } = await app(ctx);
    const s = await storage.getSession(ctx.params['sessionId']!);
    if (!s || s.appId !== id) throw new HeraldError('session_not_found');
    await sessions.end(s.id, 'backend');
    ctx.res.writeHead(204).end();
  });

  router.on('POST', '/v1/apps/:appId/tokens', async (ctx) => {
    const a = await app(ctx);
    const body = (await readJson(ctx.req, deps.maxBodyBytes)) as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null) throw new HeraldError('invalid_request', 'the body must be a JSON object');
    const { user, scope, meta, ttl } = body;
    if (user !== undefined && typeof user !== 'string') throw new HeraldError('invalid_request', 'user must be a string');
    if (scope !== undefined && typeof scope !== 'string') throw new HeraldError('invalid_request', 'scope must be a string');
    if (meta !== undefined && (typeof meta !== 'object' || meta === null || Array.isArray(meta))) throw new HeraldError('invalid_request', 'meta must be an object');
    if (ttl !== undefined && !(Number.isInteger(ttl) && (ttl as number) > 0 && (ttl as number) <= 30 * 86400)) throw new HeraldError('invalid_request', 'ttl must be seconds, at most 30 days');
    const token = await createConnectionToken({ appId: a.id, secret: a.secret }, {
      ...(user !== undefined ? { user } : {}),
      ...(scope !== undefined ? { scope } : {}),
      ...(meta !== undefined ? { meta: meta as JsonObject } : {}),
      ttl: (ttl as number | undefined) ?? 3600,
    });
    sendJson(ctx.res, 201, { token });
  });
}
