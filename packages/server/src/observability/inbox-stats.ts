// Reads stored sessions and inbox depth per app for the metrics gauges, with a bounded cost per scrape.
import type { Storage } from '../storage/storage.js';
import type { InboxStats } from './metrics.js';

/** Per app: the stored session count, and pending totals over the first `limit` sessions (at most `maxApps` apps). */
export async function readInboxStats(storage: Storage, limit: number, maxApps: number): Promise<InboxStats[]> {
  const apps = (await storage.listApps()).slice(0, maxApps);
  return Promise.all(
    apps.map(async (app) => {
      const page = await storage.listSessions(app.id, 0, limit);
      let pending = 0;
      let maxPending = 0;
      for (const s of page.sessions) {
        pending += s.pending;
        if (s.pending > maxPending) maxPending = s.pending;
      }
      return { appId: app.id, sessions: page.total, pending, maxPending };
    }),
  );
}
