// Bus messages: every kind survives encode/decode, the publish script's output decodes, anything else is refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode, type BusMessage } from './messages.js';

describe('bus messages', () => {
  it('decodes what it encodes, for every kind', () => {
    const all: BusMessage[] = [
      { kind: 'inbox', seq: 7, recipients: ['s1', 's2'], json: '{"id":"n1"}', acceptedAt: 1_763_800_000_123 },
      { kind: 'inbox', seq: 8, recipients: ['s1'], json: '{"id":"n2"}' },
      { kind: 'takeover', session: 's1', node: 'n2' },
      { kind: 'ended', session: 's1', reason: 'expired' },
      { kind: 'channel', message: { kind: 'event', appId: 'a', channel: 'orders', event: 'e', data: '{"x":1}', userId: 'u', except: '1.2' } },
      { kind: 'channel', message: { kind: 'event', appId: 'a', channel: 'orders', event: 'e', data: '' } },
      { kind: 'channel', message: { kind: 'member_added', appId: 'a', channel: 'presence-r', member: { userId: 'u', info: { n: [1, null] } }, except: '1.2' } },
      { kind: 'channel', message: { kind: 'member_removed', appId: 'a', channel: 'presence-r', userId: 'u' } },
      { kind: 'channel', message: { kind: 'terminate_user', appId: 'a', userId: 'u' } },
    ];
    for (const message of all) assert.deepEqual(decode(encode(message)), message);
  });

  it('reads the inbox message as the Redis publish script writes it (cjson escapes slashes)', () => {
    const text = '{"kind":"inbox","seq":12,"recipients":["sA"],"json":"{\\"id\\":\\"n\\",\\"data\\":\\"a\\/b\\"}","acceptedAt":1763800000123}';
    assert.deepEqual(decode(text), { kind: 'inbox', seq: 12, recipients: ['sA'], json: '{"id":"n","data":"a/b"}', acceptedAt: 1_763_800_000_123 });
  });

  it('refuses garbage, unknown kinds and wrong field types with null', () => {
    for (const text of [
      'not json',
      '[]',
      'null',
      '{"kind":"channel","channel":"orders"}',
      '{"kind":"inbox","seq":"7","recipients":[],"json":"{}"}',
      '{"kind":"inbox","seq":7,"recipients":[1],"json":"{}"}',
      '{"kind":"inbox","seq":7,"recipients":[],"json":"{}","acceptedAt":"1763800000123"}',
      '{"kind":"takeover","session":"s1"}',
      '{"kind":"ended","session":"s1","reason":"bored"}',
      '{"kind":"channel","message":{"kind":"event","appId":"a","channel":"c","event":"e"}}',
      '{"kind":"channel","message":{"kind":"member_added","appId":"a","channel":"c","member":{"userId":1,"info":null},"except":"1.1"}}',
      '{"kind":"channel","message":{"kind":"member_added","appId":"a","channel":"c","member":{"userId":"u"},"except":"1.1"}}',
      '{"kind":"channel","message":{"kind":"terminate_user","appId":"a"}}',
      '{"kind":"channel","message":{"kind":"typing","appId":"a"}}',
    ]) {
      assert.equal(decode(text), null, text);
    }
  });
});
