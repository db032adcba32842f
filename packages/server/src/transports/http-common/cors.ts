// Cross-origin access to the client endpoints: any origin, because they authenticate with tokens and secrets, never cookies.
import type { Router } from '../../http/router.js';

/** Headers on every answer of a client endpoint (SSE, long-poll, ack, close). */
export const CORS_HEADERS = { 'access-control-allow-origin': '*' } as const;

/**
 * Answers preflight requests for `paths`. The SDK sends simple requests (text/plain bodies, no custom
 * headers) that need none; other clients may send JSON or Last-Event-ID and get a preflight answered here.
 */
export function registerPreflight(router: Router, paths: string[]): void {
  for (const path of paths) {
    router.on('OPTIONS', path, (ctx) => {
      ctx.res.writeHead(204, {
        ...CORS_HEADERS,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': 'content-type, last-event-id',
        'access-control-max-age': '86400',
      });
      ctx.res.end();
    });
  }
}
