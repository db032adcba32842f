// The hello an SSE request carries: in the query and Last-Event-ID (EventSource), or as a JSON body (the SDK).
import type { IncomingMessage } from 'node:http';
import type { HelloFrame } from '@herald/protocol';
import { HeraldError } from '../../errors.js';
import { parseClientFrame } from '../../protocols/native/codec.js';
import { readClientText } from '../http-common/body.js';

function seqParam(raw: string | null | undefined, name: string): number | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new HeraldError('protocol_error', `${name} must be a seq (a non-negative integer)`);
  return Number(raw);
}

/**
 * `GET /v1/sse?token=…` opens a session; `?session=…&secret=…` resumes one. The acknowledged
 * position is the larger of `ack` and `Last-Event-ID` (the header a reconnecting EventSource sends,
 * or the `lastEventId` query parameter some polyfills use instead).
 */
export function helloFromQuery(url: URL, req: IncomingMessage): HelloFrame {
  const q = url.searchParams;
  const hello: HelloFrame = { op: 'hello' };
  const token = q.get('token');
  if (token) hello.token = token;
  const session = q.get('session');
  const secret = q.get('secret');
  if (session || secret) {
    if (!session || !secret) throw new HeraldError('protocol_error', 'resume needs both session and secret');
    hello.resume = { session, secret };
  }
  const header = req.headers['last-event-id'];
  const acks = [seqParam(q.get('ack'), 'ack'), seqParam(typeof header === 'string' ? header.trim() : undefined, 'Last-Event-ID'), seqParam(q.get('lastEventId'), 'lastEventId')];
  const ack = Math.max(-1, ...acks.map((a) => a ?? -1));
  if (ack >= 0) hello.ack = ack;
  // The same checks as a WebSocket hello (token length, shapes).
  return parseClientFrame(JSON.stringify(hello)) as HelloFrame;
}

/** `POST /v1/sse` with a hello frame as the body: credentials stay out of URLs (and out of every access log). */
export async function helloFromBody(req: IncomingMessage): Promise<HelloFrame> {
  const frame = parseClientFrame(await readClientText(req));
  if (frame.op !== 'hello') throw new HeraldError('handshake_required');
  return frame;
}
