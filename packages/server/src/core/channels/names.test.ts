// Channel kinds by anchored prefix, and the names clients may use.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { channelType, isValidChannelName, userOfChannel } from './names.js';

describe('channel names', () => {
  it('classifies by anchored prefix, private-encrypted- before private-', () => {
    assert.deepEqual(channelType('news'), { kind: 'public', cache: false });
    assert.deepEqual(channelType('cache-prices'), { kind: 'public', cache: true });
    assert.deepEqual(channelType('private-x'), { kind: 'private', cache: false });
    assert.deepEqual(channelType('private-cache-x'), { kind: 'private', cache: true });
    assert.deepEqual(channelType('private-encrypted-x'), { kind: 'encrypted', cache: false });
    assert.deepEqual(channelType('private-encrypted-cache-x'), { kind: 'encrypted', cache: true });
    assert.deepEqual(channelType('presence-room'), { kind: 'presence', cache: false });
    assert.deepEqual(channelType('presence-cache-room'), { kind: 'presence', cache: true });
    assert.deepEqual(channelType('#server-to-user-42'), { kind: 'user', cache: false });
    assert.deepEqual(channelType('x-private-y'), { kind: 'public', cache: false }, 'a prefix elsewhere in the name does not count');
  });

  it('accepts letters, digits and _ - = @ , . ; up to 200 characters', () => {
    assert.ok(isValidChannelName('private-Order.42_a-b=c@d,e;f'));
    assert.ok(isValidChannelName('#server-to-user-alice@example.com'));
    assert.ok(isValidChannelName('x'.repeat(200)));
    for (const bad of ['', 'x'.repeat(201), 'with space', 'slash/y', '#other', 'ü']) assert.ok(!isValidChannelName(bad), bad);
  });

  it('names the user of a #server-to-user- channel', () => {
    assert.equal(userOfChannel('#server-to-user-alice'), 'alice');
    assert.equal(userOfChannel('private-alice'), null);
  });
});
