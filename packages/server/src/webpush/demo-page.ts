// The Web Push demo page served at /demo/push: connects with the browser SDK, subscribes to push, lists what arrives.

/**
 * A development page (no secrets inside): the visitor pastes a connection token, or, for a local
 * development app only, the app secret so the page can mint a token and send test notifications.
 * It loads the SDK bundle from /sdk/herald-client.js and registers /herald-sw.js.
 */
export const DEMO_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Herald Web Push demo</title>
<link rel="icon" href="data:,">
<style>
  body { font: 15px/1.4 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  fieldset { border: 1px solid #ccc; border-radius: 6px; margin: 0 0 1rem; }
  label { display: block; margin: .3rem 0; }
  input { width: 100%; box-sizing: border-box; padding: .3rem; font: inherit; }
  button { margin: .3rem .3rem .3rem 0; padding: .4rem .8rem; font: inherit; }
  #status { font-family: ui-monospace, monospace; background: #f4f4f4; padding: .5rem; border-radius: 4px; white-space: pre-wrap; }
  #log li { margin: .3rem 0; }
  .push { color: #a0460a; } .live { color: #185f9a; } .error { color: #b00020; }
</style>
</head>
<body>
<h1>Herald Web Push demo</h1>
<p>Connect as a user, enable push, then close this tab and send a notification: the browser shows it
through the service worker. With the tab open, notifications arrive live.</p>
<fieldset>
  <legend>Who</legend>
  <label>App id <input id="app" autocomplete="off"></label>
  <label>Connection token <input id="token" autocomplete="off" placeholder="from your backend, or leave empty and use the secret below"></label>
  <label>User (to mint a token with the secret) <input id="user" value="demo-user" autocomplete="off"></label>
  <label>App secret (development apps only: never put a real secret in a page) <input id="secret" type="password" autocomplete="off"></label>
</fieldset>
<div>
  <button id="connect">Connect</button>
  <button id="enable">Enable push</button>
  <button id="disable">Disable push</button>
  <button id="send">Send test</button>
  <button id="send-always">Send test (push always)</button>
</div>
<p id="status">loading…</p>
<h2>Received</h2>
<ul id="log"></ul>
<script type="module">
import { createClient, createPush } from '/sdk/herald-client.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
$('app').value = params.get('app') || 'dev';
if (params.get('user')) $('user').value = params.get('user');
let client = null;
let push = null;

function log(kind, text) {
  const li = document.createElement('li');
  li.className = kind;
  li.textContent = new Date().toLocaleTimeString() + ' [' + kind + '] ' + text;
  $('log').prepend(li);
}

async function api(method, path, body) {
  const res = await fetch('/v1/apps/' + encodeURIComponent($('app').value) + path, {
    method,
    headers: { authorization: 'Bearer ' + $('secret').value, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error((json && json.error && json.error.message) || ('HTTP ' + res.status));
  return json;
}

async function token() {
  if ($('token').value) return $('token').value;
  if (!$('secret').value) throw new Error('paste a connection token, or the development app secret');
  return (await api('POST', '/tokens', { user: $('user').value })).token;
}

async function refresh() {
  const sub = push ? await push.subscription() : null;
  $('status').textContent = 'connection: ' + (client ? client.state : 'none') +
    (client && client.sessionId ? ' (session ' + client.sessionId + ')' : '') +
    '\\npush: ' + (push ? push.permission() : 'connect first') + (sub ? ', subscribed' : ', not subscribed');
}

function guard(fn) {
  return () => fn().catch((e) => log('error', e.code ? e.code + ': ' + e.message : e.message)).finally(refresh);
}

$('connect').onclick = guard(async () => {
  if (client) client.close();
  client = createClient({ url: location.origin, token });
  client.on((n) => log('live', n.module + '/' + n.type + ' ' + JSON.stringify(n.data)));
  client.on('state', () => refresh());
  client.on('error', (e) => log('error', e.code + ': ' + e.message));
  push = createPush({ url: location.origin, appId: $('app').value, client });
  push.onMessage((m) => log('push', m.title + (m.body ? ': ' + m.body : '')));
});
$('enable').onclick = guard(async () => {
  if (!push) throw new Error('connect first');
  const reg = await push.subscribe();
  log('push', 'subscribed, id ' + reg.id);
});
$('disable').onclick = guard(async () => {
  if (!push) throw new Error('connect first');
  log('push', (await push.unsubscribe()) ? 'unsubscribed' : 'was not subscribed');
});
async function send(always) {
  const n = await api('POST', '/notifications', {
    to: { users: [$('user').value] }, module: 'demo', type: 'test', data: { at: Date.now() },
    push: { title: 'Herald demo', body: 'Sent at ' + new Date().toLocaleTimeString(), url: location.pathname + location.search, tag: 'herald-demo', always },
  });
  log('sent', 'notification ' + n.id + ' to ' + n.recipients + ' live session(s)');
}
$('send').onclick = guard(() => send(false));
$('send-always').onclick = guard(() => send(true));
refresh();
</script>
</body>
</html>
`;
