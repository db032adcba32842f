// Unit tests of the dashboard's formatting helpers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatAge, formatRate, niceMax, shortId } from './format.js';

describe('dashboard formatting', () => {
  it('says how long ago, in the largest sensible unit', () => {
    assert.equal(formatAge(0, 4_000), '4 s');
    assert.equal(formatAge(0, 5 * 60_000), '5 min');
    assert.equal(formatAge(0, 125 * 60_000), '2 h 5 min');
    assert.equal(formatAge(0, 3 * 86_400_000), '3 d');
    assert.equal(formatAge(10_000, 0), '0 s', 'a clock skew never shows a negative age');
  });

  it('rounds axis maxima up to 1, 2 or 5 times a power of ten', () => {
    assert.equal(niceMax([]), 1);
    assert.equal(niceMax([0.3]), 1);
    assert.equal(niceMax([3]), 5);
    assert.equal(niceMax([12, 7]), 20);
    assert.equal(niceMax([501]), 1000);
  });

  it('formats rates and shortens ids', () => {
    assert.equal(formatRate(3), '3');
    assert.equal(formatRate(2.25), '2.3');
    assert.equal(formatRate(1234), '1.2k');
    assert.equal(shortId('s0123456789abcdefghij'), 's0123456…ghij');
    assert.equal(shortId('short'), 'short');
  });
});
