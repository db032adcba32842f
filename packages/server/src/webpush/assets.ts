// Routes serving Web Push's browser assets: the service worker, the browser SDK bundle and the demo page.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { ServerResponse } from 'node:http';
import { HeraldError } from '../errors.js';
import type { Router } from '../http/router.js';
import { DEMO_PAGE_HTML } from './demo-page.js';
import { SERVICE_WORKER_JS } from './service-worker.js';

/** Stable public paths. */
export const ASSET_PATHS = {
  serviceWorker: '/herald-sw.js',
  sdk: '/sdk/herald-client.js',
  demo: '/demo/push',
} as const;

function send(res: ServerResponse, type: string, body: string | Buffer, cache: string): void {
  res.writeHead(200, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': cache,
    // Pages on other origins import the SDK as a module, and service workers importScripts the worker.
    'access-control-allow-origin': '*',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

/** Where the build puts the browser bundle (packages/client/dist), found through the package's exports. */
function bundlePath(): string | null {
  try {
    return createRequire(import.meta.url).resolve('@herald/client/browser');
  } catch {
    return null;
  }
}

export function registerAssetRoutes(router: Router): void {
  const path = bundlePath();
  let bundle: Promise<Buffer> | null = null;
  let map: Promise<Buffer> | null = null;
  const load = (file: string | null): Promise<Buffer> =>
    file === null ? Promise.reject(new Error('no bundle')) : readFile(file);

  router.on('GET', ASSET_PATHS.serviceWorker, (ctx) => send(ctx.res, 'text/javascript; charset=utf-8', SERVICE_WORKER_JS, 'no-cache'));
  router.on('GET', ASSET_PATHS.demo, (ctx) => send(ctx.res, 'text/html; charset=utf-8', DEMO_PAGE_HTML, 'no-cache'));
  router.on('GET', ASSET_PATHS.sdk, async (ctx) => {
    // Read once; a failed read is retried next time (the bundle may be built after start).
    bundle ??= load(path).catch((err: unknown) => {
      bundle = null;
      throw err;
    });
    const body = await bundle.catch(() => {
      throw new HeraldError('not_found', 'the browser SDK bundle is not built (run npm run build)');
    });
    send(ctx.res, 'text/javascript; charset=utf-8', body, 'no-cache');
  });
  // The bundle's sourceMappingURL names this file next to it.
  router.on('GET', '/sdk/herald-client.browser.js.map', async (ctx) => {
    map ??= load(path && `${path}.map`).catch((err: unknown) => {
      map = null;
      throw err;
    });
    const body = await map.catch(() => {
      throw new HeraldError('not_found', 'no source map');
    });
    send(ctx.res, 'application/json', body, 'no-cache');
  });
}
