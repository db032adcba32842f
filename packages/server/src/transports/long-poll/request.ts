// The body of a poll: a hello that opens a long-poll connection, or the next poll of one.
import type { IncomingMessage } from 'node:http';
import type { HelloFrame, PollNext } from '@herald/protocol';
import { HeraldError } from '../../errors.js';
import { parseClientFrame } from '../../protocols/native/codec.js';
import { isSeq, readClientText } from '../http-common/body.js';

/** A parsed poll: `hello` opens (or resumes) a session on a new connection; `next` continues one. */
export type ParsedPoll = { kind: 'hello'; connection: string; hello: HelloFrame } | { kind: 'next'; poll: PollNext };

const CONNECTION_ID = /^[\w-]{8,64}$/;

/** Reads and checks a `POST /v1/poll` body; anything malformed is a protocol_error. */
export async function readPoll(req: IncomingMessage): Promise<ParsedPoll> {
  const text = await readClientText(req);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HeraldError('protocol_error', 'the poll is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HeraldError('protocol_error', 'the poll must be a JSON object');
  const body = value as Record<string, unknown>;
  const connection = body['connection'];
  if (typeof connection !== 'string' || !CONNECTION_ID.test(connection)) throw new HeraldError('protocol_error', 'connection must be 8-64 letters, digits, _ or -');
  if (body['op'] === 'poll') {
    const { session, secret, ack } = body;
    if (typeof session !== 'string' || typeof secret !== 'string') throw new HeraldError('protocol_error', 'a poll needs session and secret');
    if (!isSeq(ack)) throw new HeraldError('protocol_error', 'ack must be a non-negative integer');
    return { kind: 'next', poll: { op: 'poll', connection, session, secret, ack } };
  }
  // The same checks as a WebSocket hello.
  const frame = parseClientFrame(text);
  if (frame.op !== 'hello') throw new HeraldError('handshake_required', 'the first poll is a hello, later ones have op "poll"');
  return { kind: 'hello', connection, hello: frame };
}
