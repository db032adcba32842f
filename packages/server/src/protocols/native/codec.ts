// Parsing of native client frames: anything that is not a well-formed frame becomes a HeraldError.
import type { ClientFrame } from '@herald/protocol';
import { HeraldError } from '../../errors.js';
import { parseChannelFrame } from './channel-codec.js';

function isSeq(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Parses one text frame from a client. */
export function parseClientFrame(text: string): ClientFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new HeraldError('protocol_error', 'frame is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new HeraldError('protocol_error', 'frame must be a JSON object');
  const frame = raw as Record<string, unknown>;
  switch (frame['op']) {
    case 'hello': {
      const hello: ClientFrame = { op: 'hello' };
      if (frame['token'] !== undefined) {
        if (typeof frame['token'] !== 'string' || frame['token'].length > 8192) throw new HeraldError('protocol_error', 'hello.token must be a string');
        hello.token = frame['token'];
      }
      const resume = frame['resume'];
      if (resume !== undefined) {
        const r = resume as Record<string, unknown> | null;
        if (typeof r !== 'object' || r === null || typeof r['session'] !== 'string' || typeof r['secret'] !== 'string') {
          throw new HeraldError('protocol_error', 'hello.resume must be {session, secret}');
        }
        hello.resume = { session: r['session'], secret: r['secret'] };
      }
      if (frame['ack'] !== undefined) {
        if (!isSeq(frame['ack'])) throw new HeraldError('protocol_error', 'hello.ack must be a non-negative integer');
        hello.ack = frame['ack'];
      }
      return hello;
    }
    case 'ack':
      if (!isSeq(frame['seq'])) throw new HeraldError('protocol_error', 'ack.seq must be a non-negative integer');
      return { op: 'ack', seq: frame['seq'] };
    case 'ping':
      return { op: 'ping' };
    case 'pong':
      return { op: 'pong' };
    case 'close':
      return { op: 'close' };
    default: {
      const channel = parseChannelFrame(frame);
      if (channel) return channel;
      throw new HeraldError('unknown_op', `unknown op ${JSON.stringify(frame['op'])}`);
    }
  }
}
