// Unit tests of the health routes on a real HTTP server and a real SQLite storage: readiness follows storage and draining.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SqliteStorage } from '../storage/sqlite/sqlite.js';
import type { Storage } from '../storage/storage.js';
import { Metrics } from '../observability/metrics.js';
import { Router } from './router.js';
import { registerHealth } from './health.js';
import { sendError } from './body.js';
import { toHeraldError } from '../errors.js';

/** Serves the health routes for `storage` on a loopback port; `draining` is read at each request. */
async function serve(storage: Storage, state: { draining: boolean }, extra: { pingTimeoutMs?: number; metricsToken?: string } = {}) {
  const router = new Router();
  registerHealth(router, { node: 'n1', storage, metrics: new Metrics(), draining: () => state.draining, ...extra });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const match = router.match(req.method ?? 'GET', url.pathname);
    if (match.kind !== 'found') return res.writeHead(404).end();
    Promise.resolve(match.handler({ req, res, params: match.params, url })).catch((err: unknown) => sendError(res, toHeraldError(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get: async (path: string) => {
      const res = await fetch(`${base}${path}`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    text: async (path: string, token?: string) => {
      const res = await fetch(`${base}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      return { status: res.status, text: await res.text() };
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('health routes', () => {
  it('report ready, then draining once shutdown began, while liveness stays ok', async () => {
    const storage = new SqliteStorage({ path: ':memory:' });
    await storage.init();
    const state = { draining: false };
    const http = await serve(storage, state);
    try {
      assert.deepEqual(await http.get('/readyz'), { status: 200, body: { status: 'ready', node: 'n1', storage: 'sqlite' } });
      state.draining = true;
      assert.deepEqual(await http.get('/readyz'), { status: 503, body: { status: 'draining', node: 'n1' } });
      assert.equal((await http.get('/healthz')).status, 200);
    } finally {
      await http.close();
      await storage.close();
    }
  });

  it('report not ready within the ping timeout when storage neither answers nor fails', async () => {
    const storage = new SqliteStorage({ path: ':memory:' });
    await storage.init();
    // A backend behind a dead network: ping never settles.
    const hanging = new Proxy(storage, { get: (t, p) => (p === 'ping' ? () => new Promise<void>(() => undefined) : Reflect.get(t, p)) });
    const http = await serve(hanging, { draining: false }, { pingTimeoutMs: 200 });
    try {
      const t = Date.now();
      const ready = await http.get('/readyz');
      assert.equal(ready.status, 503);
      assert.equal(ready.body['status'], 'storage_unavailable');
      assert.ok(Date.now() - t < 2000, `took ${Date.now() - t} ms`);
    } finally {
      await http.close();
      await storage.close();
    }
  });

  it('leave /metrics open by default, and require the metrics token when one is configured', async () => {
    const storage = new SqliteStorage({ path: ':memory:' });
    await storage.init();
    const open = await serve(storage, { draining: false });
    const closed = await serve(storage, { draining: false }, { metricsToken: 'scrape-token-0123' });
    try {
      assert.equal((await open.text('/metrics')).status, 200);
      assert.equal((await closed.text('/metrics')).status, 401);
      assert.equal((await closed.text('/metrics', 'wrong')).status, 401);
      const ok = await closed.text('/metrics', 'scrape-token-0123');
      assert.equal(ok.status, 200);
      assert.match(ok.text, /^# HELP herald_/m);
    } finally {
      await open.close();
      await closed.close();
      await storage.close();
    }
  });
});
