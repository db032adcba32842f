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
import { HandlerContext, RequestTarget, Router } from './http/router.js';
import { sendError } from './http/body.js';
import { registerNativeApi } from './http/native-api.js';
import { registerJobsApi } from './http/jobs-api.js';
import { Jobs } from './core/jobs.js';
import { createJobStore } from './storage/create-job-store.js';
import { createWebhooks, reportToWebhooks } from './webhooks/setup.js';
import { observePush, observeWebhook } from './observability/observe-features.js';
import { bootstrapApps } from './apps.js';
import { setupWebPush, type WebPush } from './webpush/index.js';
import { createChannelHub, type ChannelHub } from './core/channels/index.js';
import { channelStateDirectory } from './admin/channel-hub-directory.js';
import { createPusher, pusherSettings } from './protocols/pusher/index.js';
import { createLogger, type Logger } from './observability/log.js';
import { Metrics } from './observability/metrics.js';
import { timeStorage } from './observability/storage-timing.js';
import { cacheApps } from './storage/app-cache.js';
import { observeCore } from './observability/observe-core.js';
import { registerHealth } from './http/health.js';
import { registerAdminApi } from './admin/api.js';
import { registerDashboard } from './admin/assets.js';
import type { ChannelDirectory } from './admin/channels.js';
import { newSecret } from './auth/secrets.js';
import { joinCluster } from './cluster/join.js';

export interface RunningServer {
  url: string;
  port: number;
  node: string;
  config: Config;
  storage: Storage;
  delivery: Delivery;
  sessions: Sessions;
  publisher: Publisher;
  /** Channel subscriptions of both protocols on this node. */
  channels: ChannelHub;
  router: Router;
  webPush: WebPush;
  logger: Logger;
  apps: AppRecord[];
  createdDevApp: AppRecord | null;
  /** Prometheus metrics of this server; features report through its record* hooks. */
  metrics: Metrics;
  /** Bearer token of the admin API and dashboard: the configured one, or one generated at this start. */
  adminToken: string;
  adminTokenGenerated: boolean;
  /** Extension points of the admin API: channel protocols register a ChannelDirectory here. */
  admin: { channels: ChannelDirectory[] };
  /** Graceful shutdown: stop accepting, tell clients to reconnect elsewhere, flush commits. */
  stop(): Promise<void>;
}

/** Paths still served while draining, so probes and scrapes see the shutdown. */
const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
async function untilOrAfter(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.then(() => undefined, () => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export interface StartOptions {
  logger?: Logger;
  now?: () => number;
  /** Directory of the built dashboard (default: packages/dashboard/dist/public). */
  dashboardDir?: string;
}

/** Starts Herald with a loaded configuration. Rejects (with a clear message) when storage is unreachable or the port is taken. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const node = config.nodeId || `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const logger = options.logger ?? createLogger(config.logLevel, node);
  const now = options.now ?? Date.now;
  const onError = (err: unknown, context: string) => logger.error({ err, context }, 'internal error');
  const pusherApps = pusherSettings(config); // bad Pusher settings stop the start before anything opens

  const metrics = new Metrics();
  const timed = timeStorage(createStorage(config, { onError: (err) => logger.warn({ err, context: 'storage connection' }, 'storage') }), metrics.storage);
  const storage = cacheApps(timed, { ttlMs: config.appCacheMs });
  await storage.init();
  const { apps, createdDevApp } = await bootstrapApps(storage, config.apps, now());

  const delivery = new Delivery(storage, { readBatch: 256, now, onError, metrics: metrics.delivery });
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
  observeCore(metrics, { storage, delivery, sessions, publisher });

  const cluster = await joinCluster({ node, storage, delivery, sessions, publisher, leaseMs: config.nodeLeaseMs, now, logger }).catch(async (err: unknown) => {
    await storage.close();
    throw err;
  });

  const jobStore = createJobStore(config, { onError: (err) => logger.warn({ err, context: 'job store connection' }, 'storage') });
  await jobStore.init().catch(async (err: unknown) => {
    await cluster.leave().catch(() => undefined);
    await storage.close();
    throw err;
  });
  const jobs = new Jobs(jobStore, storage, publisher, { ttlMs: config.jobTtl * 1000, now, onError });
  sessions.events.push({ ended: (s, reason) => void jobs.sessionEnded(s.id, reason).catch((err: unknown) => onError(err, 'orphaning jobs')) });
  const webhooks = createWebhooks(config, storage, logger, now, (r) => observeWebhook(metrics, r));
  reportToWebhooks(webhooks, sessions, jobs, now);
  jobs.start();

  const channels = createChannelHub({ now, onError }, cluster.channels);
  cluster.leaseLost.push(() => channels.rejoin());
  publisher.channels = channels;

  const hooks = {
    channels,
    onError,
    onRefused: (code: string, message: string) => {
      metrics.recordRefusal(code);
      logger.info({ event: 'refused', code, message }, 'frame refused');
    },
  };
  const ws = new WebSocketTransport(sessions, delivery, hooks, {
    maxFrameBytes: config.maxFrameBytes,
    heartbeatMs: config.heartbeatMs,
    sendBufferBytes: config.sendBufferBytes,
  });

  // Channel frames need an upstream path that the HTTP transports do not have yet: channels are WebSocket-only.
  const { channels: _wsOnly, ...httpHooks } = hooks;
  const sse = new SseTransport(sessions, delivery, httpHooks, { heartbeatMs: config.heartbeatMs, sendBufferBytes: config.sendBufferBytes });
  const longPoll = new LongPollTransport(sessions, delivery, httpHooks, { heartbeatMs: config.heartbeatMs, sendBufferBytes: config.sendBufferBytes, timeoutMs: config.longPollTimeoutMs });

  const router = new Router();
  sse.register(router);
  longPoll.register(router);
  registerSessionCalls(router, { storage, sessions, delivery, onError });
  registerStatic(router, SDK_FILES);
  if (config.testRoutes) registerTestPage(router);
  let draining = false;
  registerHealth(router, { node, storage, metrics, draining: () => draining, metricsToken: config.metricsToken });
  registerNativeApi(router, {
    storage,
    publisher,
    sessions,
    delivery,
    maxBodyBytes: config.maxBodyBytes,
    maxPayloadBytes: config.maxPayloadBytes,
    maxTtlSeconds: 30 * 86400,
  });
  registerJobsApi(router, { storage, jobs, maxBodyBytes: config.maxBodyBytes, limits: { maxPayloadBytes: config.maxPayloadBytes, maxTtlSeconds: 30 * 86400 } });
  const webPush = await setupWebPush({ storage, publisher, router, config, apps, logger, now });
  webPush.dispatcher.observers.push((e) => observePush(metrics, e));
  const adminToken = config.adminToken || newSecret(24);
  const admin = { channels: [channelStateDirectory(channels.state)] as ChannelDirectory[] };
  registerAdminApi(router, {
    node,
    startedAt: now(),
    adminToken,
    storage,
    publisher,
    delivery,
    metrics,
    channels: admin.channels,
    maxBodyBytes: config.maxBodyBytes,
    maxPayloadBytes: config.maxPayloadBytes,
    maxTtlSeconds: 30 * 86400,
    now,
  });
  registerDashboard(router, options.dashboardDir);

  const pusher = createPusher({
    config, settings: pusherApps, storage, hub: channels, router, now, onError, onRefused: hooks.onRefused,
    onWebhookDropped: (url, events, reason) => logger.warn({ event: 'webhook_dropped', url, events, reason }, 'webhook dropped'),
  });

  /** Upgrade handlers by path prefix; protocol modules add theirs (e.g. Pusher's /app/). */
  metrics.sources.connections.push(() => pusher.byApp());
  const upgrades: Array<{ prefix: string; handle: (req: IncomingMessage, socket: Duplex, head: Buffer) => void }> = [
    { prefix: '/v1/ws', handle: (req, socket, head) => ws.handleUpgrade(req, socket, head) },
    { prefix: '/app', handle: (req, socket, head) => pusher.handleUpgrade(req, socket, head) },
  ];

  const server: Server = createServer((req, res) => {
    const target = new RequestTarget(req.url ?? '/');
    const { pathname } = target;
    if (draining && !OPS_PATHS.has(pathname)) {
      res.setHeader('connection', 'close');
      return sendError(res, new HeraldError('shutting_down'));
    }
    const match = router.match(req.method ?? 'GET', pathname);
    if (match.kind !== 'found') {
      return sendError(res, new HeraldError(match.kind === 'not_found' ? 'not_found' : 'method_not_allowed'));
    }
    const fail = (err: unknown): void => {
      const e = toHeraldError(err);
      if (e.code === 'internal_error') logger.error({ err, path: pathname }, 'request failed');
      else logger.info({ event: 'refused', code: e.code, method: req.method, path: pathname }, 'request refused');
      metrics.recordRefusal(e.code);
      sendError(res, e);
    };
    // Called at once rather than from a promise: a throw before the handler's first await is caught here.
    try {
      match.handler(new HandlerContext(req, res, match.params, target))?.catch(fail);
    } catch (err) {
      fail(err);
    }
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
    storage.sweep(now(), config.statusRetention * 1000).then((n) => metrics.expired(n), (err: unknown) => onError(err, 'sweep'));
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
      const started = Date.now();
      const left = () => Math.max(0, config.shutdownTimeoutMs - (Date.now() - started));
      draining = true;
      clearInterval(sweeper);
      logger.info({ event: 'shutdown_started', connections: ws.size }, 'shutting down');
      // New requests and upgrades are refused from here on; requests already running finish.
      const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections are closed as soon as their running request has answered.
      const idleSweep = setInterval(() => server.closeIdleConnections(), 25);
      // Clients reconnect at once (4200) to another node or to this one restarted. Waiting for the
      // closes lets each disconnect be recorded before storage closes.
      const pusherClosed = pusher.close();
      const wsClosed = ws.close(CloseCode.ServerShutdown, 'server shutting down, reconnect', Math.min(1000, left()));
      sse.close(CloseCode.ServerShutdown, 'server shutting down, reconnect');
      longPoll.close(CloseCode.ServerShutdown, 'server shutting down, reconnect');
      await untilOrAfter(Promise.all([httpClosed, wsClosed]), left());
      clearInterval(idleSweep);
      // Whatever still runs now gets its connection cut: its caller sees an error, never a 202 for
      // something not stored (a 202 is written only after the commit).
      server.closeAllConnections();
      await pusherClosed;
      await channels.close();
      await jobs.stop();
      await webhooks.close();
      await webPush.stop(Math.min(config.shutdownTimeoutMs, 5_000));
      await delivery.flush();
      await cluster.leave().catch((err: unknown) => onError(err, 'cluster leave'));
      await storage.close();
      await jobStore.close();
      logger.info({ event: 'shutdown_complete', ms: Date.now() - started }, 'stopped');
    })();
    return stopping;
  };

  const adminTokenGenerated = !config.adminToken;
  return { url, port, node, config, storage, delivery, sessions, publisher, channels, router, webPush, logger, apps, createdDevApp, metrics, adminToken, adminTokenGenerated, admin, stop };
}
