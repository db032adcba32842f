// Files served as they are at fixed paths: the browser SDK bundle (/sdk/herald-client.js) and the like.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { HeraldError } from '../errors.js';
import type { Router } from './router.js';

/** One file at one path. `file` is resolved when first requested, so a missing build is a 404 with a hint, not a start-up failure. */
export interface StaticFile {
  path: string;
  file: () => string;
  type: string;
}

const require = createRequire(import.meta.url);

/** The browser SDK: `GET /sdk/herald-client.js` (an ES module) and its source map. */
export const SDK_FILES: StaticFile[] = [
  { path: '/sdk/herald-client.js', file: () => require.resolve('@herald/client/browser'), type: 'text/javascript; charset=utf-8' },
  { path: '/sdk/herald-client.browser.js.map', file: () => `${require.resolve('@herald/client/browser')}.map`, type: 'application/json' },
];

/** Serves each file (read once, then from memory) with a short cache lifetime and any-origin access. */
export function registerStatic(router: Router, files: StaticFile[]): void {
  for (const f of files) {
    let content: Promise<Buffer> | null = null;
    router.on('GET', f.path, async (ctx) => {
      content ??= Promise.resolve()
        .then(() => readFile(f.file()))
        .catch(() => {
          content = null;
          throw new HeraldError('not_found', `${f.path} is not built: run npm run build`);
        });
      const body = await content;
      ctx.res.writeHead(200, {
        'content-type': f.type,
        'content-length': body.length,
        'cache-control': 'public, max-age=300',
        'access-control-allow-origin': '*',
      });
      ctx.res.end(ctx.req.method === 'HEAD' ? undefined : body);
    });
  }
}
