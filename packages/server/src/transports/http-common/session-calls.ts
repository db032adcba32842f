// The client's frames over plain HTTP, for transports that only stream down (SSE): acknowledge, and end the session.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeraldError, toHeraldError } from '../../errors.js';
import { hashSecret, safeEqual } from '../../auth/secrets.js';
import type { Delivery } from '../../core/delivery.js';
import type { Sessions } from '../../core/sessions.js';
import type { SessionRecord, Storage } from '../../storage/storage.js';
import type { Router } from '../../http/router.js';
import { CORS_HEADERS, registerPreflight } from './cors.js';
import { isSeq, readClientObject } from './body.js';

export interface SessionCallDeps {
  storage: Storage;
  sessions: Sessions;
  delivery: Delivery;
  onError(err: unknown, context: string): void;
}

/** The session named in the path, when the body carries its secret; otherwise session_not_found (never telling which part was wrong). */
async function authenticate(storage: Storage, sessionId: string, body: Record<string, unknown>): Promise<SessionRecord> {
  const secret = body['secret'];
  if (typeof secret !== 'string') throw new HeraldError('invalid_request', 'secret must be the session secret from welcome');
  const record = await storage.getSession(sessionId);
  if (!record || !safeEqual(hashSecret(secret), record.resumeHash)) throw new HeraldError('session_not_found');
  return record;
}

function answer(res: ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...CORS_HEADERS, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

async function handle(res: ServerResponse, work: () => Promise<void>, deps: SessionCallDeps): Promise<void> {
  try {
    await work();
  } catch (err) {
    const e = toHeraldError(err);
    if (e.code === 'internal_error') deps.onError(err, 'session call');
    answer(res, e.status, e.toBody());
  }
}

/**
 * `POST /v1/sessions/{id}/ack {secret, seq}`: cumulative acknowledgement, answered 204 at once and
 * written with the other acks of the same tick. A seq beyond what was sent is clamped, not refused:
 * the connection may live on another node, and acknowledging less only means a duplicate the client drops.
 * `POST /v1/sessions/{id}/close {secret}`: ends the session for good (its connection closes with 4003).
 */
export function registerSessionCalls(router: Router, deps: SessionCallDeps): void {
  const { storage, sessions, delivery } = deps;
  const read = (req: IncomingMessage) => readClientObject(req);
  router.on('POST', '/v1/sessions/:sessionId/ack', (ctx) =>
    handle(ctx.res, async () => {
      const body = await read(ctx.req);
      if (!isSeq(body['seq'])) throw new HeraldError('invalid_request', 'seq must be a non-negative integer');
      const record = await authenticate(storage, ctx.params['sessionId']!, body);
      const sent = Math.max(record.sentSeq, delivery.get(record.id)?.cursor ?? 0);
      const seq = Math.min(body['seq'], sent);
      if (seq > record.ackedSeq) delivery.ack(record.id, seq);
      answer(ctx.res, 204);
    }, deps),
  );
  router.on('POST', '/v1/sessions/:sessionId/close', (ctx) =>
    handle(ctx.res, async () => {
      const record = await authenticate(storage, ctx.params['sessionId']!, await read(ctx.req));
      await sessions.end(record.id, 'client');
      answer(ctx.res, 204);
    }, deps),
  );
  registerPreflight(router, ['/v1/sessions/:sessionId/ack', '/v1/sessions/:sessionId/close']);
}
