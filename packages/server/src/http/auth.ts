// Authenticating backend requests: `Authorization: Bearer <app secret>` for the app named in the path.
import type { IncomingMessage } from 'node:http';
import { HeraldError } from '../errors.js';
import { safeEqual } from '../auth/secrets.js';
import type { AppRecord, Storage } from '../storage/storage.js';

/** Returns the app when the request carries its secret; otherwise refuses without telling which part was wrong. */
export async function authenticateApp(storage: Storage, appId: string, req: IncomingMessage): Promise<AppRecord> {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  if (!match) throw new HeraldError('unauthorized', 'send Authorization: Bearer <app secret>');
  const app = await storage.getApp(appId);
  if (!app) throw new HeraldError('app_not_found', `no app ${appId}`);
  if (!safeEqual(match[1]!.trim(), app.secret)) throw new HeraldError('unauthorized', 'wrong app secret');
  return app;
}
