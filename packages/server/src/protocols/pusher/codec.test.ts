// Pusher protocol 7 message parsing (object or string data) and the encoded server frames.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectionEstablished, encodeSubscriberMessage, errorFrame, parseClientMessage } from './codec.js';

describe('Pusher codec', () => {
  it('reads subscribe data as an object or as a JSON string', () => {
    const expected = { kind: 'subscribe', channel: 'presence-x', auth: 'k:s', channelData: '{"user_id":"1"}' };
    assert.deepEqual(parseClientMessage(JSON.stringify({ event: 'pusher:subscribe', data: { channel: 'presence-x', auth: 'k:s', channel_data: '{"user_id":"1"}' } })), expected);
    assert.deepEqual(parseClientMessage(JSON.stringify({ event: 'pusher:subscribe', data: JSON.stringify({ channel: 'presence-x', auth: 'k:s', channel_data: '{"user_id":"1"}' }) })), expected);
  });

  it('reads client events, keeping string data and serializing object data', () => {
    assert.deepEqual(parseClientMessage('{"event":"client-a","channel":"private-c","data":{"x":1}}'), { kind: 'client_event', channel: 'private-c', event: 'client-a', data: '{"x":1}' });
    assert.deepEqual(parseClientMessage('{"event":"client-a","channel":"private-c","data":"raw"}'), { kind: 'client_event', channel: 'private-c', event: 'client-a', data: 'raw' });
  });

  it('ignores unknown pusher: events and reports malformed messages', () => {
    assert.deepEqual(parseClientMessage('{"event":"pusher:watchlist","data":{}}'), { kind: 'ignored', event: 'pusher:watchlist' });
    for (const bad of ['nope', '[]', '{"data":{}}', '{"event":"pusher:subscribe","data":{}}', '{"event":"client-x"}']) {
      assert.equal(parseClientMessage(bad).kind, 'invalid', bad);
    }
  });

  it('double-encodes system data and sends pusher:error with an object', () => {
    const established = JSON.parse(connectionEstablished('1.2', 120)) as { data: string };
    assert.deepEqual(JSON.parse(established.data), { socket_id: '1.2', activity_timeout: 120 });
    assert.deepEqual(JSON.parse(errorFrame(4001, 'no')), { event: 'pusher:error', data: { code: 4001, message: 'no' } });
  });

  it('encodes presence subscription_succeeded with ids, hash and a count of users', () => {
    const frame = JSON.parse(encodeSubscriberMessage({ kind: 'subscribed', channel: 'presence-r', members: [{ userId: 'a', info: { n: 1 } }, { userId: 'b', info: null }] })) as { data: string };
    assert.deepEqual(JSON.parse(frame.data), { presence: { ids: ['a', 'b'], hash: { a: { n: 1 }, b: null }, count: 2 } });
  });

  it('sends channel events with the publisher string and user_id only when set', () => {
    assert.equal(encodeSubscriberMessage({ kind: 'event', channel: 'c', event: 'e', data: '{"a":1}' }), '{"event":"e","channel":"c","data":"{\\"a\\":1}"}');
    assert.equal(encodeSubscriberMessage({ kind: 'event', channel: 'c', event: 'client-e', data: 'x', userId: 'u' }), '{"event":"client-e","channel":"c","data":"x","user_id":"u"}');
  });

  it('maps refusals to pusher:subscription_error with Pusher type and status', () => {
    const frame = JSON.parse(encodeSubscriberMessage({ kind: 'refused', channel: 'private-x', refusal: { code: 'channel_unauthorized', message: 'bad' } })) as { channel: string; data: string };
    assert.equal(frame.channel, 'private-x');
    assert.deepEqual(JSON.parse(frame.data), { type: 'AuthError', status: 401, error: 'bad', code: 'channel_unauthorized' });
  });
});
