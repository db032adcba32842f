// Reading request bodies on a real HTTP server: a body that came whole with the headers, one that trickles in, and the size limit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { readBody } from './body.js';
import { HeraldError } from '../errors.js';

const LIMIT = 64;

/** Answers each request with what readBody returned: `<length>:<hex>`, or the refusal's code. */
function bodyEchoServer(): Server {
  return createServer((req, res) => {
    // Read after a turn, as handlers may (after a storage read): the whole body can be buffered by then.
    setImmediate(() => {
      readBody(req, LIMIT).then(
        (body) => res.end(`${body.length}:${body.toString('hex')}`),
        (err: unknown) => res.end(err instanceof HeraldError ? err.code : 'other'),
      );
    });
  });
}

/** Sends `parts` over one raw connection, `gapMs` apart, and returns the response body. */
function rawRequest(port: number, parts: Array<string | Buffer>, gapMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(answer.slice(answer.indexOf('\r\n\r\n') + 4)));
    let i = 0;
    const next = (): void => {
      socket.write(parts[i++]!);
      if (i < parts.length) setTimeout(next, gapMs);
    };
    next();
  });
}

const head = (extra: string) => `POST /x HTTP/1.1\r\nhost: x\r\nconnection: close\r\n${extra}\r\n`;

describe('readBody', () => {
  let server: Server;
  let port: number;
  before(async () => {
    server = bodyEchoServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('returns a body that arrived with the headers, byte for byte', async () => {
    const body = Buffer.from('{"name":"é€😀","data":"x"}', 'utf8');
    assert.equal(await rawRequest(port, [Buffer.concat([Buffer.from(head(`content-length: ${body.length}\r\n`)), body])], 0), `${body.length}:${body.toString('hex')}`);
  });

  it('returns a body that arrives in pieces after the handler started reading', async () => {
    const pieces = ['{"a":', '"€', '"}'].map((p) => Buffer.from(p, 'utf8'));
    const body = Buffer.concat(pieces);
    assert.equal(await rawRequest(port, [head(`content-length: ${body.length}\r\n`), ...pieces], 30), `${body.length}:${body.toString('hex')}`);
  });

  it('returns an empty body for a request without one', async () => {
    assert.equal(await rawRequest(port, [head('content-length: 0\r\n')], 0), '0:');
    assert.equal(await rawRequest(port, [head('')], 0), '0:');
  });

  it('refuses a body over the limit, declared or not', async () => {
    const big = 'x'.repeat(LIMIT + 1);
    assert.equal(await rawRequest(port, [head(`content-length: ${big.length}\r\n`) + big], 0), 'payload_too_large');
    const chunked = `${(LIMIT + 1).toString(16)}\r\n${big}\r\n0\r\n\r\n`;
    assert.equal(await rawRequest(port, [head('transfer-encoding: chunked\r\n') + chunked], 0), 'payload_too_large', 'whole, chunked');
    assert.equal(await rawRequest(port, [head('transfer-encoding: chunked\r\n'), chunked], 30), 'payload_too_large', 'trickling, chunked');
  });

  it('takes a body of exactly the limit', async () => {
    const exact = 'y'.repeat(LIMIT);
    assert.equal(await rawRequest(port, [head(`content-length: ${LIMIT}\r\n`) + exact], 0), `${LIMIT}:${Buffer.from(exact).toString('hex')}`);
    const chunked = `${LIMIT.toString(16)}\r\n${exact}\r\n0\r\n\r\n`;
    assert.equal(await rawRequest(port, [head('transfer-encoding: chunked\r\n') + chunked], 0), `${LIMIT}:${Buffer.from(exact).toString('hex')}`);
  });
});
