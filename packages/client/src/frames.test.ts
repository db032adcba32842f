// Unit tests for reading server frames.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerFrame } from './frames.js';

describe('parseServerFrame', () => {
  it('reads a welcome', () => {
    const parsed = parseServerFrame(JSON.stringify({
      op: 'welcome', session: 's1', secret: 'x', resumed: true, user: 'u', scope: 'browser', heartbeat: 25000, acked: 7,
    }));
    assert.deepEqual(parsed, {
      kind: 'frame',
      frame: { op: 'welcome', session: 's1', secret: 'x', resumed: true, user: 'u', scope: 'browser', heartbeat: 25000, acked: 7 },
    });
  });

  it('reads a notification and keeps its key', () => {
    const notification = { id: 'n1', module: 'orders', type: 'created', data: { a: 1 }, key: 'k', ts: 5 };
    assert.deepEqual(parseServerFrame(JSON.stringify({ op: 'notification', seq: 3, notification })), {
      kind: 'frame',
      frame: { op: 'notification', seq: 3, notification },
    });
  });

  it('refuses a notification whose seq is not a positive integer', () => {
    for (const seq of [0, -1, 1.5, '3', null]) {
      const text = JSON.stringify({ op: 'notification', seq, notification: { id: 'n', module: 'm', type: 't', data: null, ts: 0 } });
      assert.equal(parseServerFrame(text).kind, 'invalid', `seq ${JSON.stringify(seq)}`);
    }
  });

  it('refuses non-JSON and frames without op', () => {
    assert.equal(parseServerFrame('{').kind, 'invalid');
    assert.equal(parseServerFrame('[1]').kind, 'invalid');
    assert.equal(parseServerFrame('{"seq":1}').kind, 'invalid');
  });

  it('passes over an unknown op, for servers newer than the client', () => {
    assert.deepEqual(parseServerFrame('{"op":"presence","x":1}'), { kind: 'unknown', op: 'presence' });
  });

  it('keeps an unknown error code in the message', () => {
    assert.deepEqual(parseServerFrame('{"op":"error","code":"brand_new","message":"m"}'), {
      kind: 'frame',
      frame: { op: 'error', code: 'internal_error', message: 'brand_new: m' },
    });
    assert.deepEqual(parseServerFrame('{"op":"error","code":"rate_limited","message":"slow"}'), {
      kind: 'frame',
      frame: { op: 'error', code: 'rate_limited', message: 'slow' },
    });
  });
});
