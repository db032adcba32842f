// Unit tests of RateSeries: per-second buckets that forget old seconds.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateSeries } from './rates.js';

describe('RateSeries', () => {
  it('counts per second and reports zeros for quiet seconds, oldest first', () => {
    let now = 1_000_000;
    const r = new RateSeries(10, () => now);
    r.add('accepted', 2);
    r.add('delivered', 5);
    now += 2000;
    r.add('accepted', 1);
    const points = r.last(3);
    assert.deepEqual(points.map((p) => p.accepted), [2, 0, 1]);
    assert.deepEqual(points.map((p) => p.delivered), [5, 0, 0]);
    assert.deepEqual(points.map((p) => p.t), [1_000_000, 1_001_000, 1_002_000]);
  });

  it('forgets a second once the ring has come round to it again', () => {
    let now = 0;
    const r = new RateSeries(5, () => now);
    r.add('acknowledged', 7);
    now += 5000;
    r.add('acknowledged', 1);
    assert.deepEqual(r.last(5).map((p) => p.acknowledged), [0, 0, 0, 0, 1]);
  });
});
