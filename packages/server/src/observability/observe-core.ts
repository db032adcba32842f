// Connects Metrics to the core's observer hooks (session events, publish observers, live connections, inbox scans).
import type { Delivery } from '../core/delivery.js';
import type { Publisher } from '../core/publish.js';
import type { Sessions } from '../core/sessions.js';
import type { Storage } from '../storage/storage.js';
import { readInboxStats } from './inbox-stats.js';
import type { Metrics } from './metrics.js';

export interface ObservedCore {
  storage: Storage;
  delivery: Delivery;
  sessions: Sessions;
  publisher: Publisher;
}

/** Registers the metrics observers on the core objects. Delivery's own sink is passed at its construction. */
export function observeCore(metrics: Metrics, core: ObservedCore): void {
  const { storage, delivery, sessions, publisher } = core;
  sessions.events.push({
    opened: (s, resumed, transport) => metrics.sessionOpened(s.appId, transport, resumed),
    disconnected: (_session, app) => metrics.sessionDisconnected(app),
    ended: (s, reason, dropped) => metrics.sessionEnded(s.appId, reason, dropped),
  });
  publisher.observers.push((p) => metrics.notificationAccepted(p.appId, p.recipients.length));
  metrics.sources.connections.push(function* () {
    for (const ls of delivery.sessions()) yield { transport: ls.outlet.transport, appId: ls.appId };
  });
  metrics.sources.inbox = (limit, maxApps) => readInboxStats(storage, limit, maxApps);
  if (countsCommits(storage)) metrics.sources.commits = () => storage.commits;
}

/** Backends with group commit (SQLite) count their transactions; the Storage interface does not require it. */
function countsCommits(storage: Storage): storage is Storage & { readonly commits: number } {
  return typeof (storage as Partial<{ commits: unknown }>).commits === 'number';
}
