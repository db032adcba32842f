// Reading request bodies with a size limit, and writing JSON answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeraldError } from '../errors.js';

/** Reads the raw body; refuses with payload_too_large beyond `limit` bytes without buffering the rest. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new HeraldError('payload_too_large', `the body is larger than ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HeraldError('payload_too_large', `the body is larger than ${limit} bytes`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/** Reads and parses a JSON body. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/(.+\+)?json\b/i.test(type)) throw new HeraldError('unsupported_media_type');
  const body = await readBody(req, limit);
  if (body.length === 0) throw new HeraldError('invalid_json', 'the body is empty');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HeraldError('invalid_json');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: HeraldError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, err.status, err.toBody());
}
