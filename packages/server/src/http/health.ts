// Operations endpoints: liveness (/healthz), readiness (/readyz: storage answers, not draining) and Prometheus /metrics.
import { sendJson } from './body.js';
import { requireBearer } from './bearer.js';
import type { Router } from './router.js';
import type { Storage } from '../storage/storage.js';
import type { Metrics } from '../observability/metrics.js';

export interface HealthDeps {
  node: string;
  storage: Storage;
  metrics: Metrics;
  /** True once graceful shutdown started: load balancers should send no new traffic. */
  draining(): boolean;
  /** Longest wait for the storage ping before reporting not ready, ms. */
  pingTimeoutMs?: number;
  /** When non-empty, GET /metrics requires `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
}

/** Resolves true when `promise` settles successfully within `ms`. */
async function answersWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealth(router: Router, deps: HealthDeps): void {
  const { node, storage, metrics } = deps;
  router.on('GET', '/healthz', (ctx) => sendJson(ctx.res, 200, { status: 'ok', node }));
  router.on('GET', '/readyz', async (ctx) => {
    if (deps.draining()) return sendJson(ctx.res, 503, { status: 'draining', node });
    // A backend that hangs (a Redis behind a dead network) must not hang the probe.
    if (await answersWithin(storage.ping(), deps.pingTimeoutMs ?? 2000)) {
      return sendJson(ctx.res, 200, { status: 'ready', node, storage: storage.kind });
    }
    sendJson(ctx.res, 503, { status: 'storage_unavailable', node, storage: storage.kind });
  });
  router.on('GET', '/metrics', async (ctx) => {
    if (deps.metricsToken) requireBearer(ctx.req, deps.metricsToken, 'metrics token');
    const text = await metrics.render();
    ctx.res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text) });
    ctx.res.end(text);
  });
}
