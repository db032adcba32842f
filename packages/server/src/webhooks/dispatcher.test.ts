// Unit tests of the webhook dispatcher against a real HTTP receiver on a loopback port.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { WebhookEvent, WebhookPayload } from '@herald/protocol';
import { WebhookDispatcher, type WebhookDispatcherOptions, type WebhookReport, type WebhookTarget } from './dispatcher.js';
import { retryDelay } from './backoff.js';

interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
  path: string;
}

const SECRET = 'app-secret';

function event(n: number, name: WebhookEvent['name'] = 'session.ended'): WebhookEvent {
  if (name === 'session.ended') return { name, time_ms: n, session: `s${n}`, user: null, scope: 'browser', reason: 'client', dropped: 0 };
  if (name === 'job.expired') return { name, time_ms: n, job: `j${n}`, kind: 'k', meta: {}, session: 's' };
  return { name, time_ms: n, job: `j${n}`, kind: 'k', meta: {}, session: 's', reason: null };
}

function names(r: Received): string[] {
  return (JSON.parse(r.body) as WebhookPayload).events.map((e) => ('session' in e && e.name === 'session.ended' ? e.session : 'job' in e ? e.job : '?'));
}

async function until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('WebhookDispatcher', () => {
  let server: Server;
  let url: string;
  let received: Received[];
  /** Status to answer per request, in order; 200 once exhausted. 0 means never answer. */
  let script: number[];
  let reports: WebhookReport[];
  let dispatcher: WebhookDispatcher | null;
  const hanging: ServerResponse[] = [];

  beforeEach(async () => {
    received = [];
    script = [];
    reports = [];
    dispatcher = null;
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), path: req.url ?? '' });
        const status = script.shift() ?? 200;
        if (status === 0) hanging.push(res);
        else res.writeHead(status).end(status >= 300 ? 'nope' : 'ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await dispatcher?.close();
    for (const res of hanging.splice(0)) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function start(targets: Record<string, WebhookTarget>, options: Partial<WebhookDispatcherOptions> = {}): WebhookDispatcher {
    dispatcher = new WebhookDispatcher(new Map(Object.entries(targets)), {
      batchMs: 30,
      retryMs: 20,
      attempts: 4,
      timeoutMs: 1000,
      now: Date.now,
      secret: async (appId) => (appId === 'gone' ? null : SECRET),
      report: (r) => reports.push(r),
      ...options,
    });
    return dispatcher;
  }

  it('sends the events of one app emitted together in one signed request, in order', async () => {
    const d = start({ a: { url: `${url}/hook`, events: null } });
    d.emit('a', event(1));
    d.emit('a', event(2, 'job.orphaned'));
    d.emit('a', event(3, 'job.expired'));
    await until(() => reports.length === 1, 'the delivery');
    assert.equal(received.length, 1);
    const [r] = received;
    assert.deepEqual(names(r!), ['s1', 'j2', 'j3']);
    assert.equal(r!.path, '/hook');
    assert.equal(r!.headers['content-type'], 'application/json');
    assert.equal(r!.headers['x-herald-app'], 'a');
    const expected = `sha256=${createHmac('sha256', SECRET).update(r!.body).digest('hex')}`;
    assert.equal(r!.headers['x-herald-signature'], expected);
    assert.equal(typeof (JSON.parse(r!.body) as WebhookPayload).time_ms, 'number');
    assert.deepEqual(reports, [{ kind: 'delivered', appId: 'a', events: 3, attempt: 1, status: 200 }]);
  });

  it('retries a failed request with growing delays and the identical body until the receiver accepts it', async () => {
    script = [500, 503, 404];
    const d = start({ a: { url, events: null } });
    d.emit('a', event(1));
    await until(() => reports.some((r) => r.kind === 'delivered'), 'the delivery after retries');
    assert.equal(received.length, 4);
    assert.ok(received.every((r) => r.body === received[0]!.body && r.headers['x-herald-signature'] === received[0]!.headers['x-herald-signature']));
    const gaps = received.slice(1).map((r, i) => r.at - received[i]!.at);
    assert.ok(gaps[0]! >= 18 && gaps[1]! >= 38 && gaps[2]! >= 78, `gaps ${gaps.join(', ')} should double from 20 ms`);
    assert.deepEqual(reports.map((r) => r.kind), ['retrying', 'retrying', 'retrying', 'delivered']);
  });

  it('gives up after the configured attempts, reports it, and goes on with later events', async () => {
    script = [500, 500];
    const d = start({ a: { url, events: null } }, { attempts: 2 });
    d.emit('a', event(1));
    await until(() => reports.some((r) => r.kind === 'gave_up'), 'giving up');
    assert.deepEqual(reports.at(-1), { kind: 'gave_up', appId: 'a', events: 1, attempts: 2, reason: 'HTTP 500' });
    d.emit('a', event(2));
    await until(() => reports.some((r) => r.kind === 'delivered'), 'the next delivery');
    assert.deepEqual(received.map(names), [['s1'], ['s1'], ['s2']]);
  });

  it('treats a receiver that does not answer in time as a failure', async () => {
    script = [0];
    const d = start({ a: { url, events: null } }, { timeoutMs: 100 });
    d.emit('a', event(1));
    await until(() => reports.some((r) => r.kind === 'delivered'), 'the delivery after a timeout');
    const retry = reports[0];
    assert.ok(retry?.kind === 'retrying' && /100 ms/.test(retry.reason), JSON.stringify(retry));
  });

  it('keeps one request in flight per app: events emitted during retries follow, in order', async () => {
    script = [500, 500];
    const d = start({ a: { url, events: null } }, { retryMs: 60 });
    d.emit('a', event(1));
    await until(() => received.length === 1, 'the first attempt');
    d.emit('a', event(2));
    d.emit('a', event(3));
    await until(() => reports.filter((r) => r.kind === 'delivered').length === 2, 'both deliveries');
    assert.deepEqual(received.map(names), [['s1'], ['s1'], ['s1'], ['s2', 's3']]);
  });

  it('sends only the events an app subscribed to, and nothing for apps without a webhook', async () => {
    const d = start({ a: { url, events: new Set(['job.expired'] as const) } });
    assert.equal(d.wants('a', 'session.ended'), false);
    assert.equal(d.wants('none', 'job.expired'), false);
    d.emit('a', event(1));
    d.emit('none', event(2, 'job.expired'));
    d.emit('a', event(3, 'job.expired'));
    await until(() => reports.length === 1, 'the delivery');
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(received.map(names), [['j3']]);
  });

  it('drops the oldest events beyond the queue bound and reports how many', async () => {
    const d = start({ a: { url, events: null } }, { maxQueued: 3 });
    for (let i = 1; i <= 5; i++) d.emit('a', event(i));
    await until(() => reports.some((r) => r.kind === 'delivered'), 'the delivery');
    assert.deepEqual(reports.filter((r) => r.kind === 'overflow'), [
      { kind: 'overflow', appId: 'a', dropped: 1 },
      { kind: 'overflow', appId: 'a', dropped: 1 },
    ]);
    assert.deepEqual(received.map(names), [['s3', 's4', 's5']]);
  });

  it('splits a large backlog into requests of at most maxBatch events', async () => {
    const d = start({ a: { url, events: null } }, { maxBatch: 2 });
    for (let i = 1; i <= 5; i++) d.emit('a', event(i));
    await until(() => reports.filter((r) => r.kind === 'delivered').length === 3, 'three deliveries');
    assert.deepEqual(received.map(names), [['s1', 's2'], ['s3', 's4'], ['s5']]);
  });

  it('gives up on the events of an app that no longer exists', async () => {
    const d = start({ gone: { url, events: null } });
    d.emit('gone', event(1));
    await until(() => reports.length === 1, 'the report');
    assert.equal(reports[0]?.kind, 'gave_up');
    assert.equal(received.length, 0);
  });

  it('on close, sends what is queued once without waiting out the batch window or the backoff', async () => {
    script = [500];
    const d = start({ a: { url, events: null } }, { batchMs: 10_000, retryMs: 10_000 });
    d.emit('a', event(1));
    const started = Date.now();
    await d.close();
    assert.ok(Date.now() - started < 2000);
    assert.equal(received.length, 1);
    assert.deepEqual(reports.map((r) => r.kind), ['gave_up']);
    d.emit('a', event(2));
    assert.equal(received.length, 1, 'nothing is queued after close');
  });

  it('doubles the retry delay from the first one, capped at five minutes', () => {
    assert.deepEqual([1, 2, 3, 4].map((n) => retryDelay(n, 1000)), [1000, 2000, 4000, 8000]);
    assert.equal(retryDelay(40, 1000), 300_000);
  });
});
