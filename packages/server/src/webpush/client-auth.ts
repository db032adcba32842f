// Authenticating browsers on the push routes: by their Herald session, or by a connection token.
import type { IncomingMessage } from 'node:http';
import { HeraldError } from '../errors.js';
import { hashSecret, safeEqual } from '../auth/secrets.js';
import { verifyConnectionToken } from '../auth/tokens.js';
import type { AppRecord, Storage } from '../storage/storage.js';

/** Who is calling: an app user. Subscriptions belong to users, so anonymous callers are refused. */
export interface PushCaller {
  app: AppRecord;
  userId: string;
}

/**
 * Accepts `Authorization: Session <sessionId>:<secret>` (the pair from the `welcome` frame; the
 * session must belong to the app) or `Authorization: Token <connection token>` (as for connecting).
 * Never the app secret: these routes are called from browsers.
 */
export async function authenticateCaller(storage: Storage, appId: string, req: IncomingMessage, now: number): Promise<PushCaller> {
  const header = req.headers.authorization ?? '';
  const session = /^Session\s+([^:\s]+):(\S+)$/i.exec(header);
  const token = /^Token\s+(\S+)$/i.exec(header);
  if (!session && !token) throw new HeraldError('unauthorized', 'send Authorization: Session <sessionId>:<secret> or Token <connection token>');
  const app = await storage.getApp(appId);
  if (!app) throw new HeraldError('app_not_found', `no app ${appId}`);
  let userId: string | null;
  if (session) {
    const record = await storage.getSession(session[1]!);
    // One answer for every mismatch, so a caller cannot probe which session ids exist.
    if (!record || record.appId !== app.id || !safeEqual(hashSecret(session[2]!), record.resumeHash)) {
      throw new HeraldError('unauthorized', 'unknown session or wrong session secret');
    }
    userId = record.userId;
  } else {
    userId = (await verifyConnectionToken(token![1]!, app, now)).userId;
  }
  if (userId === null) throw new HeraldError('forbidden', 'push subscriptions belong to a user: this session or token has none');
  return { app, userId };
}
