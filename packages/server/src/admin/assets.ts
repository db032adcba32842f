// Serves the dashboard's built front end (packages/dashboard/dist/public) under /dashboard.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import { HeraldError } from '../errors.js';
import type { Router } from '../http/router.js';

/** Where `npm run build` puts the dashboard bundle, seen from this file's compiled location (packages/server/dist/admin). */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../dashboard/dist/public/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

interface Asset {
  body: Buffer;
  type: string;
}

/** Loads every file of the dashboard directory once, at start: the set of servable paths is fixed, so no path from a URL touches the file system. */
function loadAssets(dir: string): Map<string, Asset> | null {
  if (!existsSync(join(dir, 'index.html'))) return null;
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) assets.set(name, { body: readFileSync(join(dir, name)), type });
  }
  return assets;
}

function send(res: ServerResponse, asset: Asset, cache: string): void {
  res.writeHead(200, {
    'content-type': asset.type,
    'content-length': asset.body.length,
    'cache-control': cache,
    // The page talks only to this server and must not be framed by another site.
    'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(asset.body);
}

/** Registers GET /dashboard (the page) and /dashboard/<file> (its script and styles). The page holds no secret: its data comes from the admin API. */
export function registerDashboard(router: Router, dir = DEFAULT_DASHBOARD_DIR): boolean {
  const assets = loadAssets(dir);
  const page = (res: ServerResponse) => {
    const index = assets?.get('index.html');
    if (!index) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The dashboard is not built: run `npm run build`.\n');
      return;
    }
    send(res, index, 'no-cache');
  };
  router.on('GET', '/dashboard', (ctx) => page(ctx.res));
  router.on('GET', '/dashboard/*', (ctx) => {
    const name = ctx.params['*'] ?? '';
    if (name === '' || name === 'index.html') return page(ctx.res);
    const asset = assets?.get(name);
    if (!asset) throw new HeraldError('not_found');
    send(ctx.res, asset, 'no-cache');
  });
  return assets !== null;
}
