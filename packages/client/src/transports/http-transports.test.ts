// The SSE and long-poll transports against a scripted fetch: frames, heartbeats, closes, refusals, acks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CloseInfo, TransportEvents, TransportFactory } from '../transport.js';
import { until } from '../testing/recorder.js';
import type { FetchInit, FetchLike } from './http.js';
import { longPollTransport } from './long-poll.js';
import { sseTransport } from './sse.js';

interface Call {
  url: string;
  init: FetchInit;
  answer(response: Response): void;
  fail(): void;
}

/** A fetch whose every call waits for the test to answer it. */
function scriptedFetch(): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = (url, init) =>
    new Promise((resolve, reject) => {
      calls.push({ url, init, answer: resolve, fail: () => reject(new TypeError('fetch failed')) });
    });
  return { fetch, calls };
}

function recorder() {
  const got = { opened: 0, messages: [] as string[], alive: 0, closed: [] as CloseInfo[] };
  const events: TransportEvents = {
    onOpen: () => got.opened++,
    onMessage: (t) => got.messages.push(t),
    onAlive: () => got.alive++,
    onClose: (i) => got.closed.push(i),
  };
  return { got, events };
}

/** A transport made by `make` over a scripted fetch and opened on `url`, with what it reported so far. */
async function opened(make: (fetch: FetchLike) => TransportFactory, url = 'http://h.test') {
  const { fetch, calls } = scriptedFetch();
  const { got, events } = recorder();
  const t = make(fetch)(url);
  t.open(events);
  await until(() => got.opened === 1);
  return { t, calls, got, fetch };
}

/** An event-stream response whose body the test writes. */
function stream(): { response: Response; write(text: string): void; end(): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => (controller = c) });
  const encoder = new TextEncoder();
  return {
    response: new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    write: (text) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
  };
}

const WELCOME = '{"op":"welcome","session":"s 1","secret":"sec","resumed":false,"user":null,"scope":"browser","heartbeat":1000,"acked":0}';
const json = (value: unknown, status = 200) => new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });

describe('SSE transport', () => {
  it('posts the hello, passes each message event on, counts comments as signs of life, and ends on a disconnect event', async () => {
    const { t, calls, got } = await opened(sseTransport, 'http://h.test/base');
    assert.equal(t.send({ op: 'hello', token: 'tok' }), true);
    assert.equal(calls[0]!.url, 'http://h.test/base/v1/sse');
    assert.deepEqual(JSON.parse(calls[0]!.init.body), { op: 'hello', token: 'tok' });
    assert.equal(calls[0]!.init.headers?.['content-type'], undefined, 'a simple request: no preflight');
    const s = stream();
    calls[0]!.answer(s.response);
    s.write(`data: ${WELCOME}\n\n:\n\nid: 4\ndata: {"op":"notif`);
    s.write('ication","seq":4}\n\n');
    await until(() => got.messages.length === 2);
    assert.equal(got.alive, 1);
    s.write('event: disconnect\ndata: {"op":"disconnect","code":4003,"reason":"session closed"}\n\n');
    await until(() => got.closed.length === 1);
    assert.deepEqual(got.closed, [{ code: 4003, reason: 'session closed' }]);
    assert.equal(t.send({ op: 'ack', seq: 4 }), false, 'nothing after close');
  });

  it('acknowledges over HTTP with the session secret, one request at a time, latest position next', async () => {
    const { t, calls, got } = await opened(sseTransport);
    assert.equal(t.send({ op: 'ack', seq: 1 }), false, 'no session yet');
    t.send({ op: 'hello', token: 'tok' });
    const s = stream();
    calls[0]!.answer(s.response);
    s.write(`data: ${WELCOME}\n\n`);
    await until(() => got.messages.length === 1);
    assert.equal(t.send({ op: 'ack', seq: 3 }), true);
    t.send({ op: 'ack', seq: 5 });
    t.send({ op: 'ack', seq: 7 });
    assert.equal(calls.length, 2);
    assert.equal(calls[1]!.url, 'http://h.test/v1/sessions/s%201/ack');
    assert.deepEqual(JSON.parse(calls[1]!.init.body), { secret: 'sec', seq: 3 });
    calls[1]!.answer(new Response(null, { status: 204 }));
    await until(() => calls.length === 3);
    assert.deepEqual(JSON.parse(calls[2]!.init.body), { secret: 'sec', seq: 7 });
    t.send({ op: 'close' });
    assert.equal(calls[3]!.url, 'http://h.test/v1/sessions/s%201/close');
    assert.equal(calls[3]!.init.keepalive, true);
    t.close(1000, 'bye');
  });

  it('turns a refusal into its close code, and anything else that is not a stream into 1006', async () => {
    for (const [response, code] of [
      [json({ error: { code: 'invalid_token', message: 'bad' }, close: 4001 }, 401), 4001],
      [new Response('<h1>Blocked</h1>', { status: 403 }), 1006],
      [new Response('hello', { status: 200, headers: { 'content-type': 'text/html' } }), 1006],
    ] as const) {
      const { t, calls, got } = await opened(sseTransport);
      t.send({ op: 'hello', token: 'tok' });
      calls[0]!.answer(response);
      await until(() => got.closed.length === 1);
      assert.equal(got.closed[0]!.code, code);
    }
  });

  it('reports a stream that ends or fails as 1006, and says nothing after close()', async () => {
    const { t, calls, got, fetch } = await opened(sseTransport);
    t.send({ op: 'hello', token: 'tok' });
    const s = stream();
    calls[0]!.answer(s.response);
    s.end();
    await until(() => got.closed.length === 1);
    assert.equal(got.closed[0]!.code, 1006);

    const second = recorder();
    const u = sseTransport(fetch)('http://h.test');
    u.open(second.events);
    await until(() => second.got.opened === 1);
    u.send({ op: 'hello', token: 'tok' });
    u.close(1000, 'bye');
    calls[1]!.fail();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(second.got.closed, []);
  });
});

describe('long-poll transport', () => {
  it('opens with a hello poll, then polls again carrying the connection id and the highest seq handed on', async () => {
    const { t, calls, got } = await opened(longPollTransport);
    t.send({ op: 'hello', token: 'tok' });
    const hello = JSON.parse(calls[0]!.init.body) as { op: string; connection: string; token: string };
    assert.equal(calls[0]!.url, 'http://h.test/v1/poll');
    assert.equal(hello.op, 'hello');
    assert.match(hello.connection, /^[0-9a-f]{24}$/);
    calls[0]!.answer(json([JSON.parse(WELCOME), { op: 'notification', seq: 3, notification: {} }]));
    await until(() => calls.length === 2);
    assert.equal(got.messages.length, 2);
    assert.deepEqual(JSON.parse(calls[1]!.init.body), { op: 'poll', connection: hello.connection, session: 's 1', secret: 'sec', ack: 3 });
    calls[1]!.answer(json([]));
    await until(() => calls.length === 3);
    assert.equal(got.alive, 2, 'every answer is a sign of life');
    t.send({ op: 'ack', seq: 9 });
    calls[2]!.answer(json([]));
    await until(() => calls.length === 4);
    assert.equal((JSON.parse(calls[3]!.init.body) as { ack: number }).ack, 9);
    calls[3]!.answer(json([{ op: 'disconnect', code: 4005, reason: 'taken' }]));
    await until(() => got.closed.length === 1);
    assert.deepEqual(got.closed, [{ code: 4005, reason: 'taken' }]);
    assert.equal(calls.length, 4, 'no poll after the disconnect');
  });

  it('sends the ack no poll carried yet by HTTP when the client closes it', async () => {
    const { t, calls } = await opened(longPollTransport);
    t.send({ op: 'hello', token: 'tok' });
    calls[0]!.answer(json([JSON.parse(WELCOME)]));
    await until(() => calls.length === 2);
    t.send({ op: 'ack', seq: 12 });
    t.close(1000, 'disconnect');
    assert.equal(calls[2]!.url, 'http://h.test/v1/sessions/s%201/ack');
    assert.deepEqual(JSON.parse(calls[2]!.init.body), { secret: 'sec', seq: 12 });
  });

  it('ends with the refusal close code, or 1006 when a poll fails or the answer is not a batch', async () => {
    const cases: Array<[(c: Call) => void, number]> = [
      [(c) => c.answer(json({ error: { code: 'session_not_found', message: 'gone' }, close: 4104 }, 404)), 4104],
      [(c) => c.fail(), 1006],
      [(c) => c.answer(json({ not: 'a batch' })), 1006],
      [(c) => c.answer(json([])), 1006],
    ];
    for (const [answer, code] of cases) {
      const { t, calls, got } = await opened(longPollTransport);
      t.send({ op: 'hello', token: 'tok' });
      answer(calls[0]!);
      await until(() => got.closed.length === 1);
      assert.equal(got.closed[0]!.code, code);
    }
  });
});
