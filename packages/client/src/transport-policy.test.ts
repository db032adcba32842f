// Unit tests of the transport fallback policy.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TransportPolicy } from './transport-policy.js';

describe('TransportPolicy', () => {
  it('starts with the first transport and falls back down the list at once', () => {
    const p = new TransportPolicy(3, 1000);
    assert.equal(p.current, 0);
    assert.equal(p.failed(), 'next');
    assert.equal(p.current, 1);
    assert.equal(p.failed(), 'next');
    assert.equal(p.current, 2);
  });

  it('starts over from the best after every transport failed in a row (the server is down, not the path)', () => {
    const p = new TransportPolicy(3, 1000);
    p.failed();
    p.failed();
    assert.equal(p.failed(), 'wrapped');
    assert.equal(p.current, 0);
  });

  it('with one transport, every failure wraps (plain backoff)', () => {
    const p = new TransportPolicy(1, 1000);
    assert.equal(p.failed(), 'wrapped');
    assert.equal(p.current, 0);
    assert.equal(p.upgradeDelay(), null);
  });

  it('stays on a fallback that works and asks to try the best again after upgradeAfter', () => {
    const p = new TransportPolicy(3, 1000);
    p.failed();
    p.welcomed();
    assert.equal(p.current, 1);
    assert.equal(p.upgradeDelay(), 1000);
    p.upgrade();
    assert.equal(p.current, 0);
    p.welcomed();
    assert.equal(p.upgradeDelay(), null);
  });

  it('goes straight back to the working fallback when the best still fails, and waits twice as long each time, up to 8x', () => {
    const p = new TransportPolicy(3, 1000);
    p.failed();
    p.failed();
    p.welcomed();
    assert.equal(p.current, 2);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      delays.push(p.upgradeDelay()!);
      p.upgrade();
      assert.equal(p.failed(), 'next');
      assert.equal(p.current, 2);
      p.welcomed();
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 8000]);
  });
});
