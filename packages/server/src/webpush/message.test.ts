// Unit tests of the push message: content, the size limit, topics and TTL.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PUSH_CONTENT_MAX_BYTES, PUSH_MESSAGE_MAX_BYTES, type Notification } from '@herald/protocol';
import { pushMessageJson, pushTtl, topicForTag } from './message.js';

const NOW = 1_700_000_000_000;
const note = (data: Notification['data'], exp?: number): Notification => ({ id: 'n-1', module: 'orders', type: 'shipped', data, ts: NOW, ...(exp ? { exp } : {}) });

describe('pushMessageJson', () => {
  it('carries the content and the notification, data included when it fits', () => {
    const json = pushMessageJson({ title: 'T', body: 'B', url: '/x', tag: 'y', ttl: 5, urgency: 'high', always: true }, note({ a: 1 }));
    assert.deepEqual(JSON.parse(json!), { title: 'T', body: 'B', url: '/x', tag: 'y', notification: { id: 'n-1', module: 'orders', type: 'shipped', data: { a: 1 } } });
  });

  it('leaves the data out rather than exceed the Web Push limit', () => {
    const json = pushMessageJson({ title: 'T' }, note('x'.repeat(PUSH_MESSAGE_MAX_BYTES)));
    assert.deepEqual(JSON.parse(json!), { title: 'T', notification: { id: 'n-1', module: 'orders', type: 'shipped' } });
  });

  it('fits any content validation lets through, with the longest module and type', () => {
    const body = 'é'.repeat((PUSH_CONTENT_MAX_BYTES - 40) / 2);
    const longest: Notification = { ...note(null), id: '00000000-0000-0000-0000-000000000000', module: 'm'.repeat(128), type: 't'.repeat(128) };
    const json = pushMessageJson({ title: 'T', body }, longest);
    assert.ok(json !== null && Buffer.byteLength(json) <= PUSH_MESSAGE_MAX_BYTES);
    assert.equal(pushMessageJson({ title: 'x'.repeat(PUSH_MESSAGE_MAX_BYTES) }, note(null)), null);
  });
});

describe('topicForTag', () => {
  it('gives a stable topic of at most 32 base64url characters per tag, none without a tag', () => {
    const topic = topicForTag('order-42 shipped / ünïcode');
    assert.match(topic!, /^[\w-]{32}$/);
    assert.equal(topicForTag('order-42 shipped / ünïcode'), topic);
    assert.notEqual(topicForTag('order-43'), topic);
    assert.equal(topicForTag(undefined), undefined);
    assert.equal(topicForTag(''), undefined);
  });
});

describe('pushTtl', () => {
  it('uses push.ttl, else the notification\'s remaining life, capped at four weeks', () => {
    assert.equal(pushTtl({ title: 'T', ttl: 0 }, note(null, NOW + 60_000), NOW), 0);
    assert.equal(pushTtl({ title: 'T', ttl: 90 * 86_400 }, note(null), NOW), 28 * 86_400);
    assert.equal(pushTtl({ title: 'T' }, note(null, NOW + 60_500), NOW), 60);
    assert.equal(pushTtl({ title: 'T' }, note(null, NOW - 1_000), NOW), 0);
    assert.equal(pushTtl({ title: 'T' }, note(null), NOW), 28 * 86_400);
  });
});
