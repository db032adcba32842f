// The one-second window behind the per-second limits.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateWindow } from './rate.js';

describe('RateWindow', () => {
  it('allows `limit` points per second and refuses the rest, then allows again in the next second', () => {
    let t = 10_000;
    const rate = new RateWindow(3, () => t);
    assert.deepEqual([rate.take(), rate.take(), rate.take(), rate.take()], [true, true, true, false]);
    t += 999;
    assert.equal(rate.take(), false);
    t += 1;
    assert.equal(rate.take(), true);
  });

  it('takes several points at once, or none when they do not fit', () => {
    let t = 0;
    const rate = new RateWindow(5, () => t);
    assert.equal(rate.take(4), true);
    assert.equal(rate.take(2), false);
    assert.equal(rate.take(1), true);
    t = 1000;
    assert.equal(rate.take(5), true);
  });

  it('never refuses when the limit is 0', () => {
    const rate = new RateWindow(0);
    for (let i = 0; i < 1000; i++) assert.equal(rate.take(), true);
  });
});
