// Tests of the Herald client against a real HTTP server on port 0 that records requests and plays scripted answers.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Herald, HeraldApiError } from './index.js';

interface Recorded { method: string; url: string; headers: IncomingMessage['headers']; body: string }
type Handler = (req: Recorded, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let requests: Recorded[];
let handler: Handler;

function answer(status: number, body?: unknown, raw?: string): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(raw ?? (body === undefined ? '' : JSON.stringify(body)));
  };
}

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(rec);
      handler(rec, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  requests = [];
  handler = answer(500, { error: { code: 'internal_error', message: 'no handler set' } });
});

function client(extra: { url?: string; timeoutMs?: number } = {}): Herald {
  return new Herald({ url: extra.url ?? baseUrl, appId: 'app 1', secret: 's3cret', timeoutMs: extra.timeoutMs ?? 2000 });
}

async function rejectsWith(promise: Promise<unknown>, code: string, status: number): Promise<HeraldApiError> {
  const err = await promise.then(() => assert.fail('expected a rejection'), (e: unknown) => e);
  assert.ok(err instanceof HeraldApiError, `expected HeraldApiError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.equal(err.status, status);
  return err;
}

describe('Herald client', () => {
  it('publishes with the app secret as bearer token and returns the result', async () => {
    handler = answer(202, { id: 'n1', recipients: 3 });
    const req = { to: { users: ['u1'] }, module: 'orders', type: 'shipped', data: { id: 42 } };
    const result = await client().publish(req);
    assert.deepEqual(result, { id: 'n1', recipients: 3 });
    const [sent] = requests;
    assert.ok(sent);
    assert.equal(sent.method, 'POST');
    assert.equal(sent.url, '/v1/apps/app%201/notifications');
    assert.equal(sent.headers.authorization, 'Bearer s3cret');
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(sent.body), req);
  });

  it('keeps a path prefix of the base URL and ignores its trailing slash', async () => {
    handler = answer(202, { id: 'n1', recipients: 0, duplicate: true });
    const result = await client({ url: `${baseUrl}/herald/` }).publish({ to: { all: true }, module: 'm', type: 't' });
    assert.equal(result.duplicate, true);
    assert.equal(requests[0]?.url, '/herald/v1/apps/app%201/notifications');
  });

  it('publishes a batch and returns one result per notification, in order', async () => {
    const results = [{ ok: true, id: 'a', recipients: 1 }, { ok: false, error: { code: 'invalid_target', message: 'no target' } }];
    handler = answer(202, { results });
    const reqs = [{ to: { sessions: ['s1'] }, module: 'm', type: 't' }, { to: {}, module: 'm', type: 't' }];
    assert.deepEqual(await client().publishBatch(reqs), results);
    assert.equal(requests[0]?.url, '/v1/apps/app%201/notifications/batch');
    assert.deepEqual(JSON.parse(requests[0]?.body ?? ''), { notifications: reqs });
  });

  it('refuses a batch answer whose length does not match the request', async () => {
    handler = answer(202, { results: [{ ok: true, id: 'a', recipients: 1 }] });
    await rejectsWith(client().publishBatch([]), 'invalid_response', 202);
  });

  it('reads a notification status with the id escaped into the path', async () => {
    const status = { id: 'n/1', recipients: 2, delivered: 2, acknowledged: 1, expired: 0, dropped: 0, createdAt: 1 };
    handler = answer(200, status);
    assert.deepEqual(await client().status('n/1'), status);
    assert.equal(requests[0]?.method, 'GET');
    assert.equal(requests[0]?.url, '/v1/apps/app%201/notifications/n%2F1');
    assert.equal(requests[0]?.headers['content-type'], undefined);
  });

  it('reads a session and ends one with DELETE', async () => {
    const session = { id: 's1', user: null, scope: 'browser', meta: {}, connected: true, transport: 'websocket', pending: 0 };
    handler = answer(200, session);
    assert.deepEqual(await client().getSession('s1'), session);
    handler = answer(204);
    assert.equal(await client().endSession('s1'), undefined);
    assert.equal(requests[1]?.method, 'DELETE');
    assert.equal(requests[1]?.url, '/v1/apps/app%201/sessions/s1');
  });

  it('turns an error body into HeraldApiError with the server code, status and message', async () => {
    handler = answer(429, { error: { code: 'inbox_full', message: 'session s1 is full' } });
    const err = await rejectsWith(client().publish({ to: { sessions: ['s1'] }, module: 'm', type: 't' }), 'inbox_full', 429);
    assert.equal(err.message, 'session s1 is full');
  });

  it('reports a non-JSON error page (a proxy in front) as invalid_response with its status', async () => {
    handler = answer(502, undefined, '<html>Bad Gateway</html>');
    const err = await rejectsWith(client().status('n1'), 'invalid_response', 502);
    assert.match(err.message, /Bad Gateway/);
  });

  it('reports an error code it does not know as invalid_response, naming the code', async () => {
    handler = answer(418, { error: { code: 'teapot', message: 'short and stout' } });
    const err = await rejectsWith(client().status('n1'), 'invalid_response', 418);
    assert.match(err.message, /teapot/);
  });

  it('reports a 2xx answer that is not JSON, or lacks the expected fields, as invalid_response', async () => {
    handler = answer(202, undefined, 'accepted!');
    await rejectsWith(client().publish({ to: { all: true }, module: 'm', type: 't' }), 'invalid_response', 202);
    handler = answer(202, { ok: true });
    await rejectsWith(client().publish({ to: { all: true }, module: 'm', type: 't' }), 'invalid_response', 202);
  });

  it('reports a refused connection as network_error with status 0', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const err = await rejectsWith(client({ url: `http://127.0.0.1:${port}` }).status('n1'), 'network_error', 0);
    assert.match(err.message, /ECONNREFUSED/);
  });

  it('gives up after timeoutMs when the server does not answer', async () => {
    handler = () => { /* never answers */ };
    const started = Date.now();
    const err = await rejectsWith(client({ timeoutMs: 100 }).status('n1'), 'network_error', 0);
    assert.match(err.message, /100 ms/);
    assert.ok(Date.now() - started < 1500);
  });

  it('refuses to follow a redirect, which would resend the request elsewhere', async () => {
    handler = (_req, res) => { res.writeHead(307, { location: `${baseUrl}/elsewhere` }); res.end(); };
    await rejectsWith(client().publish({ to: { all: true }, module: 'm', type: 't' }), 'network_error', 0);
    assert.equal(requests.length, 1);
  });

  it('uses the fetch given in the options', async () => {
    const seen: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response(JSON.stringify({ id: 'x', recipients: 0 }), { status: 202 });
    };
    const herald = new Herald({ url: 'https://herald.test', appId: 'a', secret: 's', fetch: fakeFetch });
    assert.deepEqual(await herald.publish({ to: { all: true }, module: 'm', type: 't' }), { id: 'x', recipients: 0 });
    assert.deepEqual(seen, ['https://herald.test/v1/apps/a/notifications']);
  });

  it('rejects bad options when constructed', () => {
    assert.throws(() => new Herald({ url: 'not a url', appId: 'a', secret: 's' }), /valid URL/);
    assert.throws(() => new Herald({ url: 'ftp://x', appId: 'a', secret: 's' }), /http or https/);
    assert.throws(() => new Herald({ url: 'http://x', appId: '', secret: 's' }), /appId/);
    assert.throws(() => new Herald({ url: 'http://x', appId: 'a', secret: '' }), /secret/);
    assert.throws(() => new Herald({ url: 'http://x', appId: 'a', secret: 's', timeoutMs: 0 }), /timeoutMs/);
  });

  it('does not expose the secret when the client is logged or serialized', () => {
    const herald = new Herald({ url: 'http://x', appId: 'a', secret: 'very-secret-value' });
    assert.doesNotMatch(JSON.stringify(herald), /very-secret-value/);
    assert.doesNotMatch(String(Object.values(herald)), /very-secret-value/);
  });
});
