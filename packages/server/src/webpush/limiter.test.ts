// Unit tests of the concurrency limiter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Limiter } from './limiter.js';

describe('Limiter', () => {
  it('never runs more than its limit at once, and starts waiting tasks in order', async () => {
    const limiter = new Limiter(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    await Promise.all(Array.from({ length: 20 }, (_, i) => limiter.run(async () => {
      started.push(i);
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
    })));
    assert.equal(peak, 3);
    assert.deepEqual(started, Array.from({ length: 20 }, (_, i) => i));
  });

  it('frees the slot of a task that throws', async () => {
    const limiter = new Limiter(1);
    await assert.rejects(limiter.run(() => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await limiter.run(async () => 'next'), 'next');
  });

  it('refuses a limit below one', () => {
    assert.throws(() => new Limiter(0), RangeError);
  });
});
