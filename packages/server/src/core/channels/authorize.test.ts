// Channel authorization and sign-in signatures against the vectors published in Pusher's documentation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { authToken, channelAuthText, parseChannelData, signinText, verifyAuthToken } from './authorize.js';

const DOC_APP = { id: '3', key: '278d425bdf160c739803', secret: '7ad3773142a6692b25b8' };

describe('channel authorization signatures', () => {
  it('reproduces the documented private channel signature', () => {
    assert.equal(authToken(DOC_APP, channelAuthText('1234.1234', 'private-foobar')), '278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4');
  });

  it('reproduces the documented presence signature over the exact channel_data bytes', () => {
    const channelData = '{"user_id":10,"user_info":{"name":"Mr. Pusher"}}';
    const token = '278d425bdf160c739803:afaed3695da2ffd16931f457e338e6c9f2921fa133ce7dac49f529792be6304c';
    assert.ok(verifyAuthToken(DOC_APP, token, channelAuthText('1234.1234', 'presence-foobar', channelData)));
    // The same JSON with other spacing is other bytes: the signature must not match.
    assert.ok(!verifyAuthToken(DOC_APP, token, channelAuthText('1234.1234', 'presence-foobar', '{"user_id": 10,"user_info":{"name":"Mr. Pusher"}}')));
  });

  it('reproduces the documented user sign-in signature', () => {
    assert.equal(authToken(DOC_APP, signinText('1234.1234', '{"id":"12345"}')), '278d425bdf160c739803:4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba');
  });

  it('refuses a token for another key, another socket, or that is not a string', () => {
    const text = channelAuthText('1234.1234', 'private-foobar');
    const sig = authToken(DOC_APP, text).split(':')[1]!;
    assert.ok(!verifyAuthToken(DOC_APP, `other-key:${sig}`, text));
    assert.ok(!verifyAuthToken(DOC_APP, authToken(DOC_APP, text), channelAuthText('1234.1235', 'private-foobar')));
    assert.ok(!verifyAuthToken(DOC_APP, undefined, text));
    assert.ok(!verifyAuthToken(DOC_APP, 42, text));
  });
});

describe('presence channel_data', () => {
  it('reads numeric user ids as strings and a missing user_info as null', () => {
    assert.deepEqual(parseChannelData('{"user_id":10}'), { ok: true, member: { userId: '10', info: null } });
    assert.deepEqual(parseChannelData('{"user_id":"a","user_info":{"n":1}}'), { ok: true, member: { userId: 'a', info: { n: 1 } } });
  });

  it('refuses malformed data, ids over 128 characters and user_info over 1 KB', () => {
    assert.equal(parseChannelData('not json').ok, false);
    assert.equal(parseChannelData('{"user_info":{}}').ok, false);
    assert.deepEqual(parseChannelData(JSON.stringify({ user_id: 'x'.repeat(129) })).ok, false);
    const big = parseChannelData(JSON.stringify({ user_id: 'a', user_info: { s: 'x'.repeat(1100) } }));
    assert.ok(!big.ok && big.tooLarge);
  });
});
