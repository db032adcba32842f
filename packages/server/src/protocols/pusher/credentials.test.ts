// Shared app credentials: one object per (id, key, secret), never a stale secret.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CredentialsCache } from './credentials.js';

describe('CredentialsCache', () => {
  it('gives connections of one app the same small object, without the rest of the app record', () => {
    const cache = new CredentialsCache();
    const record = { id: 'a', key: 'k', secret: 's', name: 'App', settings: { vapid: { privateKey: 'x' } } };
    const first = cache.of(record);
    assert.equal(cache.of({ ...record }), first);
    assert.deepEqual(first, { id: 'a', key: 'k', secret: 's' });
  });

  it('hands out the new secret once an app secret changed, and keeps apps apart', () => {
    const cache = new CredentialsCache();
    const before = cache.of({ id: 'a', key: 'k', secret: 'old' });
    const after = cache.of({ id: 'a', key: 'k', secret: 'new' });
    assert.notEqual(after, before);
    assert.equal(after.secret, 'new');
    assert.equal(before.secret, 'old', 'a connection opened before keeps what it was opened with');
    assert.equal(cache.of({ id: 'b', key: 'k', secret: 'new' }).id, 'b');
  });
});
