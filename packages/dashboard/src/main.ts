// Entry of the dashboard bundle: sign-in with the admin token, then poll the admin API once a second and redraw.
import { AdminApi, AdminApiError } from './api.js';
import { byId, fill } from './dom.js';
import { renderApps } from './views/apps.js';
import { renderChannels } from './views/channels.js';
import { renderChart } from './views/chart.js';
import { renderSessions } from './views/sessions.js';
import { setupSendForm } from './views/send-form.js';

const TOKEN_KEY = 'herald.adminToken';
const POLL_MS = 1000;

let api: AdminApi | null = null;
let selectedApp: string | null = null;
let timer: number | undefined;

const loginView = byId('login-view');
const appView = byId('app-view');
const live = byId('live');
const appSelect = byId<HTMLSelectElement>('app-select');

function showLogin(message = ''): void {
  api = null;
  sessionStorage.removeItem(TOKEN_KEY);
  window.clearTimeout(timer);
  appView.hidden = true;
  loginView.hidden = false;
  byId('logout').hidden = true;
  fill(byId('login-error'), message);
  live.dataset['state'] = 'offline';
  fill(live, 'signed out');
}

/** One refresh of everything on screen: the overview first, since it decides which app is shown. */
async function refresh(client: AdminApi): Promise<void> {
  const overview = await client.overview();
  fill(byId('node'), `node ${overview.node} · storage ${overview.storage}`);
  selectedApp = renderApps(byId<HTMLTableElement>('apps'), appSelect, overview);
  const shown = overview.apps.find((a) => a.id === selectedApp);
  fill(byId('app-summary'), shown ? `key ${shown.key} · ${shown.connections} connection(s) on this node` : '');
  const app = selectedApp;
  const [stats, sessions, channels] = await Promise.all([
    client.stats(60),
    app ? client.sessions(app) : Promise.resolve(null),
    app ? client.channels(app) : Promise.resolve(null),
  ]);
  renderChart(byId<HTMLCanvasElement>('chart'), byId('chart-legend'), stats.series);
  if (sessions) {
    renderSessions(byId<HTMLTableElement>('sessions'), byId('session-count'), sessions, stats.now, (id) => {
      byId<HTMLSelectElement>('target-kind').value = 'session';
      const input = byId<HTMLInputElement>('target-value');
      input.disabled = false;
      input.value = id;
    });
  }
  if (channels) renderChannels(byId('channels'), channels);
  live.dataset['state'] = 'live';
  fill(live, `live · ${new Date(stats.now).toLocaleTimeString()}`);
}

function poll(): void {
  const client = api;
  if (!client) return;
  refresh(client)
    .catch((err: unknown) => {
      if (err instanceof AdminApiError && err.code === 'unauthorized') return showLogin('The admin token was refused.');
      live.dataset['state'] = 'offline';
      fill(live, err instanceof AdminApiError ? `offline · ${err.code}` : 'offline');
    })
    .finally(() => {
      if (api === client) timer = window.setTimeout(poll, POLL_MS);
    });
}

async function signIn(token: string): Promise<void> {
  const client = new AdminApi(token);
  try {
    await client.overview();
  } catch (err) {
    showLogin(err instanceof AdminApiError && err.code === 'unauthorized' ? 'That admin token is not valid.' : `Cannot reach the server: ${String(err)}`);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  api = client;
  loginView.hidden = true;
  appView.hidden = false;
  byId('logout').hidden = false;
  poll();
}

byId<HTMLFormElement>('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn(byId<HTMLInputElement>('token').value.trim());
});
byId('logout').addEventListener('click', () => showLogin());
appSelect.addEventListener('change', () => {
  selectedApp = appSelect.value || null;
  window.clearTimeout(timer);
  poll();
});
setupSendForm(
  {
    form: byId<HTMLFormElement>('send-form'),
    kind: byId<HTMLSelectElement>('target-kind'),
    value: byId<HTMLInputElement>('target-value'),
    module: byId<HTMLInputElement>('module'),
    type: byId<HTMLInputElement>('type'),
    data: byId<HTMLTextAreaElement>('data'),
    status: byId('send-status'),
  },
  () => {
    if (!api) throw new AdminApiError('unauthorized', 'signed out', 401);
    return api;
  },
  () => selectedApp,
);

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) void signIn(saved);
else showLogin();
