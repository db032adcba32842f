// Tests of the secret helpers: comparison, HMAC, generation, hashing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { equalSignatures, hashSecret, hmacHex, newSecret, safeEqual } from './secrets.js';

describe('secrets', () => {
  it('safeEqual is true only for identical strings, whatever their lengths', () => {
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('', ''), true);
    assert.equal(safeEqual('abc', 'abd'), false);
    assert.equal(safeEqual('abc', 'abcd'), false);
    assert.equal(safeEqual('', 'a'), false);
    assert.equal(safeEqual('é', 'e\u0301'), false);
  });

  it('equalSignatures is true only for identical text, by bytes, never throwing on other lengths', () => {
    const hex = 'a'.repeat(64);
    assert.equal(equalSignatures(hex, hex), true);
    assert.equal(equalSignatures(`${'a'.repeat(63)}b`, hex), false);
    assert.equal(equalSignatures(hex.slice(1), hex), false);
    assert.equal(equalSignatures('', hex), false);
    // Same string length, different bytes: a character beyond Latin-1 must not pass for another.
    assert.equal(equalSignatures('\u0161', 'a'), false);
    assert.equal(equalSignatures('é', 'é'), true);
  });

  it('newSecret gives base64url text of the requested number of random bytes', () => {
    const s = newSecret();
    assert.match(s, /^[A-Za-z0-9_-]+$/);
    assert.equal(Buffer.from(s, 'base64url').length, 32);
    assert.equal(Buffer.from(newSecret(16), 'base64url').length, 16);
    assert.notEqual(newSecret(), newSecret());
  });

  it('newSecret refuses a size that is not a positive integer', () => {
    for (const bytes of [0, -1, 1.5, Number.NaN, 4096]) assert.throws(() => newSecret(bytes), RangeError, String(bytes));
  });

  it('hashSecret is the SHA-256 hex digest', () => {
    assert.equal(hashSecret('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.notEqual(hashSecret('abc'), hashSecret('abd'));
  });
});

describe('hmacHex', () => {
  it('equals OpenSSL HMAC-SHA256 for keys shorter, as long as and longer than a block, and any text', () => {
    const keys = ['', 'k', '7ad3773142a6692b25b8', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(65), 'é'.repeat(40), randomBytes(200).toString('base64')];
    const texts = ['', 'a', 'POST\n/apps/1/events\nauth_key=k', 'ü€😀'.repeat(50), randomBytes(3000).toString('hex')];
    for (const key of keys) {
      for (const text of texts) assert.equal(hmacHex(key, text), createHmac('sha256', key).update(text, 'utf8').digest('hex'), `key length ${key.length}`);
    }
  });
});
