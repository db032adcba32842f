// Admin authentication: `Authorization: Bearer <admin token>`, compared in constant time.
import type { IncomingMessage } from 'node:http';
import { HeraldError } from '../errors.js';
import { safeEqual } from '../auth/secrets.js';

/** Refuses (unauthorized) unless the request carries the admin token. */
export function requireAdmin(req: IncomingMessage, adminToken: string): void {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  if (!match) throw new HeraldError('unauthorized', 'send Authorization: Bearer <admin token>');
  if (!safeEqual(match[1]!.trim(), adminToken)) throw new HeraldError('unauthorized', 'wrong admin token');
}
