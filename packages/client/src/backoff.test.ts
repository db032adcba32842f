// Unit tests for the full-jitter backoff helper.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';

const top = (): number => 0.999999;

describe('backoffDelay', () => {
  it('keeps the first attempt below min', () => {
    assert.equal(backoffDelay(0, { min: 100, max: 1000, random: () => 0 }), 0);
    assert.ok(backoffDelay(0, { min: 100, max: 1000, random: top }) < 100);
  });

  it('doubles the ceiling with each attempt until max', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, { min: 100, max: 1000, random: top }));
    assert.deepEqual(ceilings, [99, 199, 399, 799, 999, 999, 999]);
  });

  it('never exceeds max, even after a very long outage', () => {
    for (const attempt of [10, 100, 1e6, Number.MAX_SAFE_INTEGER]) {
      const delay = backoffDelay(attempt, { min: 500, max: 20_000, random: top });
      assert.ok(Number.isFinite(delay) && delay < 20_000, `attempt ${attempt} gave ${delay}`);
    }
  });

  it('treats a negative attempt as the first', () => {
    assert.equal(backoffDelay(-3, { min: 100, max: 1000, random: top }), 99);
  });

  it('spreads delays over the whole range [0, ceiling) with the default random', () => {
    const samples = Array.from({ length: 2000 }, () => backoffDelay(3, { min: 100, max: 10_000 }));
    assert.ok(samples.every((d) => Number.isInteger(d) && d >= 0 && d < 800));
    assert.ok(Math.min(...samples) < 100, 'some delays near 0');
    assert.ok(Math.max(...samples) > 700, 'some delays near the ceiling');
  });

  it('has sane defaults', () => {
    assert.ok(DEFAULT_BACKOFF.min > 0 && DEFAULT_BACKOFF.max >= DEFAULT_BACKOFF.min);
  });
});
