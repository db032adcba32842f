// Client request bodies: small JSON objects, sent as application/json or as text/plain (which spares browsers a preflight).
import type { IncomingMessage } from 'node:http';
import { HeraldError } from '../../errors.js';
import { readBody } from '../../http/body.js';

/** Largest body a client endpoint reads: a hello with a maximal token fits easily. */
export const CLIENT_BODY_LIMIT = 16 * 1024;

/** Reads the raw text of a client body (JSON or text/plain). */
export async function readClientText(req: IncomingMessage): Promise<string> {
  const type = req.headers['content-type'];
  if (type !== undefined && !/^(application\/(.+\+)?json|text\/plain)\b/i.test(type)) throw new HeraldError('unsupported_media_type', 'send application/json or text/plain');
  const body = await readBody(req, CLIENT_BODY_LIMIT);
  if (body.length === 0) throw new HeraldError('invalid_json', 'the body is empty');
  return body.toString('utf8');
}

/** Reads a client body as a JSON object. */
export async function readClientObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(await readClientText(req));
  } catch (err) {
    if (err instanceof HeraldError) throw err;
    throw new HeraldError('invalid_json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HeraldError('invalid_request', 'the body must be a JSON object');
  return value as Record<string, unknown>;
}

/** A non-negative safe integer (a seq or an ack position). */
export function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
