// Checks `Authorization: Bearer <token>` against a configured token, in constant time (admin API, /metrics).
import type { IncomingMessage } from 'node:http';
import { HeraldError } from '../errors.js';
import { safeEqual } from '../auth/secrets.js';

/** Refuses (unauthorized) unless the request carries `token`; `what` names it in the error message. */
export function requireBearer(req: IncomingMessage, token: string, what: string): void {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  if (!match) throw new HeraldError('unauthorized', `send Authorization: Bearer <${what}>`);
  if (!safeEqual(match[1]!.trim(), token)) throw new HeraldError('unauthorized', `wrong ${what}`);
}
