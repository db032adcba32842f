// GET /test/transports (only with testRoutes on): a page that runs the browser SDK, for the browser test suite and manual checks.
import type { Router } from './router.js';

/**
 * The page loads /sdk/herald-client.js and exposes it as `window.herald`. Opened with
 * `?token=…&transports=sse,long-poll` it connects at once and logs every state change and
 * notification on the page and in `window.heraldLog`; `window.heraldClient` is the client.
 */
const PAGE = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>Herald transports</title>
<style>body{font:14px system-ui;margin:2em}pre{background:#f4f4f4;padding:1em}</style>
<h1>Herald transports</h1>
<p>Open with <code>?token=&lt;connection token&gt;&amp;transports=websocket,sse,long-poll</code>.</p>
<pre id="log"></pre>
<script type="module">
import * as herald from '/sdk/herald-client.js';
const log = [];
window.herald = herald;
window.heraldLog = log;
const out = document.getElementById('log');
const note = (entry) => { log.push(entry); out.textContent += JSON.stringify(entry) + '\\n'; };
const params = new URLSearchParams(location.search);
const token = params.get('token');
if (token) {
  const transports = (params.get('transports') || 'websocket,sse,long-poll').split(',');
  const client = herald.createClient({ url: location.origin, token, transports, connectTimeout: Number(params.get('connectTimeout') || 10000) });
  window.heraldClient = client;
  client.on('state', (s) => note({ kind: 'state', to: s.to, code: s.code ?? null, transport: client.transport }));
  client.on('error', (e) => note({ kind: 'error', code: e.code, message: e.message }));
  client.on((n) => note({ kind: 'notification', id: n.id, data: n.data, transport: client.transport }));
}
window.heraldReady = true;
</script>
</html>
`;

/** Registers the test page. */
export function registerTestPage(router: Router): void {
  router.on('GET', '/test/transports', (ctx) => {
    ctx.res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(PAGE), 'cache-control': 'no-store' });
    ctx.res.end(ctx.req.method === 'HEAD' ? undefined : PAGE);
  });
}
