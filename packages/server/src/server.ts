// Composition root: config -> storage -> core -> protocols -> transports -> HTTP server.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { CloseCode } from '@herald/protocol';
import type { Config } from './config/schema.js';
import { HeraldError, toHeraldError } from './errors.js';
import { createStorage } from './storage/create.js';
import type { AppRecord, Storage } from './storage/storage.js';
import { Delivery } from './core/delivery.js';
import { Sessions } from './core/sessions.js';
import { Publisher } from './core/publish.js';
import { WebSocketTransport } from './transports/websocket/server.js';
import { SseTransport } from './transports/sse/server.js';
import { LongPollTransport } from './transports/long-poll/server.js';
import { registerSessionCalls } from './transports/http-common/session-calls.js';
import { registerStatic, SDK_FILES } from './http/static.js';
import { registerTestPage } from './http/test-page.js';
import { Router } from './http/router.js';
import { sendError, sendJson } from './http/body.js';
import { registerNativeApi } from './http/native-api.js';
import { bootstrapApps } from './apps.js';
import { createLogger, type Logger } from './observability/log.js';

export interface RunningServer {
  url: string;
  port: number;
  node: string;
  config: Config;
  storage: Storage;
  delivery: Delivery;
  sessions: Sessions;
  publisher: Publisher;
  router: Router;
  logger: Logger;
  apps: AppRecord[];
  createdDevApp: AppRecord | null;
  /** Graceful shutdown: stop accepting, tell clients to reconnect elsewhere, flush commits. */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  now?: () => number;
}

/** Starts Herald with a loaded configuration. Rejects (with a clear message) when storage is unreachable or the port is taken. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const node = config.nodeId || `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const logger = options.logger ?? createLogger(config.logLevel, node);
  const now = options.now ?? Date.now;
  const onError = (err: unknown, context: string) => logger.error({ err, context }, 'internal error');

  const storage = createStorage(config);
  await storage.init();
  const { apps, createdDevApp } = await bootstrapApps(storage, config.apps, now());

  const delivery = new Delivery(storage, { readBatch: 256, now, onError });
  const sessions = new Sessions(storage, delivery, {
    node,
    sessionTtlMs: config.sessionTtl * 1000,
    heartbeatMs: config.heartbeatMs,
    maxConnectionsPerApp: config.maxConnections,
    now,
  });
  const publisher = new Publisher(storage, delivery, {
    maxInbox: config.maxInbox,
    defaultTtlSeconds: config.notificationTtl,
    idempotencyTtlMs: config.idempotencyTtl * 1000,
    now,
  });
  sessions.events.push({
    opened: (s, resumed, transport) => logger.info({ event: resumed ? 'session_resumed' : 'session_opened', app: s.appId, session: s.id, user: s.userId, scope: s.scope, transport }, 'session connected'),
    disconnected: (session, app) => logger.info({ event: 'session_disconnected', app, session }, 'session disconnected'),
    ended: (s, reason, dropped) => logger.info({ event: 'session_ended', app: s.appId, session: s.id, reason, dropped }, 'session ended'),
  });

  const hooks = { onError, onRefused: (code: string, message: string) => logger.info({ event: 'refused', code, message }, 'frame refused') };
  const ws = new WebSocketTransport(sessions, delivery, hooks, {
    maxFrameBytes: config.maxFrameBytes,
    heartbeatMs: config.heartbeatMs,
    sendBufferBytes: config.sendBufferBytes,
  });

  const sse = new SseTransport(sessions, delivery, hooks, { heartbeatMs: config.heartbeatMs, sendBufferBytes: config.sendBufferBytes });
  const longPoll = new LongPollTransport(sessions, delivery, hooks, { heartbeatMs: config.heartbeatMs, sendBufferBytes: config.sendBufferBytes, timeoutMs: config.longPollTimeoutMs });

  const router = new Router();
  sse.register(router);
  longPoll.register(router);
  registerSessionCalls(router, { storage, sessions, delivery, onError });
  registerStatic(router, SDK_FILES);
  if (config.testRoutes) registerTestPage(router);
  let draining = false;
  router.on('GET', '/healthz', (ctx) => sendJson(ctx.res, 200, { status: 'ok', node }));
  router.on('GET', '/readyz', async (ctx) => {
    if (draining) return sendJson(ctx.res, 503, { status: 'draining' });
    try {
      await storage.ping();
      sendJson(ctx.res, 200, { status: 'ready', storage: storage.kind });
    } catch {
      sendJson(ctx.res, 503, { status: 'storage_unavailable' });
    }
  });
  registerNativeApi(router, {
    storage,
    publisher,
    sessions,
    delivery,
    maxBodyBytes: config.maxBodyBytes,
    maxPayloadBytes: config.maxPayloadBytes,
    maxTtlSeconds: 30 * 86400,
  });

  /** Upgrade handlers by path prefix; protocol modules add theirs (e.g. Pusher's /app/). */
  const upgrades: Array<{ prefix: string; handle: (req: IncomingMessage, socket: Duplex, head: Buffer) => void }> = [
    { prefix: '/v1/ws', handle: (req, socket, head) => ws.handleUpgrade(req, socket, head) },
  ];

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://herald.local');
    if (draining && url.pathname !== '/healthz' && url.pathname !== '/readyz') {
      res.setHeader('connection', 'close');
      return sendError(res, new HeraldError('shutting_down'));
    }
    const match = router.match(req.method ?? 'GET', url.pathname);
    if (match.kind !== 'found') {
      return sendError(res, new HeraldError(match.kind === 'not_found' ? 'not_found' : 'method_not_allowed'));
    }
    Promise.resolve()
      .then(() => match.handler({ req, res, params: match.params, url }))
      .catch((err: unknown) => {
        const e = toHeraldError(err);
        if (e.code === 'internal_error') logger.error({ err, path: url.pathname }, 'request failed');
        else logger.info({ event: 'refused', code: e.code, method: req.method, path: url.pathname }, 'request refused');
        sendError(res, e);
      });
  });
  server.keepAliveTimeout = 65_000;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = draining ? undefined : upgrades.find((u) => path === u.prefix || path.startsWith(`${u.prefix}/`));
    if (!route) {
      socket.end(`HTTP/1.1 ${draining ? '503 Service Unavailable' : '404 Not Found'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    route.handle(req, socket, head);
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });

  const sweeper = setInterval(() => {
    sessions.expire().catch((err: unknown) => onError(err, 'session expiry'));
    storage.sweep(now()).catch((err: unknown) => onError(err, 'sweep'));
  }, Math.min(30_000, config.sessionTtl * 500));
  sweeper.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = config.publicUrl || `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      draining = true;
      clearInterval(sweeper);
      ws.close(CloseCode.ServerShutdown, 'server shutting down, reconnect');
      sse.close(CloseCode.ServerShutdown, 'server shutting down, reconnect');
      longPoll.close(CloseCode.ServerShutdown, 'server shutting down, reconnect');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs).unref());
      await Promise.race([closed, deadline]);
      server.closeAllConnections();
      await delivery.flush();
      await storage.close();
    })();
    return stopping;
  };

  return { url, port, node, config, storage, delivery, sessions, publisher, router, logger, apps, createdDevApp, stop };
}
