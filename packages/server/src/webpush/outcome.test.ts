// Unit tests of push answer verdicts, Retry-After parsing and the retry delay policy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRetryAfter, retryDelay, verdict } from './outcome.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const POLICY = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 60_000 };

describe('verdict', () => {
  it('treats 2xx as sent and 404/410 as a dead subscription', () => {
    assert.deepEqual(verdict({ status: 201 }, NOW), { kind: 'sent' });
    assert.deepEqual(verdict({ status: 404 }, NOW), { kind: 'gone', status: 404 });
    assert.deepEqual(verdict({ status: 410 }, NOW), { kind: 'gone', status: 410 });
  });

  it('retries 429, 5xx and requests that got no answer, carrying Retry-After', () => {
    assert.deepEqual(verdict({ status: 429, retryAfter: '30' }, NOW), { kind: 'retry', status: 429, retryAfterMs: 30_000 });
    assert.deepEqual(verdict({ status: 503 }, NOW), { kind: 'retry', status: 503, retryAfterMs: null });
    assert.deepEqual(verdict({ status: null }, NOW), { kind: 'retry', status: null, retryAfterMs: null });
  });

  it('gives up at once on other refusals (400, VAPID 401/403, 413)', () => {
    for (const status of [400, 401, 403, 413]) assert.deepEqual(verdict({ status }, NOW), { kind: 'failed', status });
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    assert.equal(parseRetryAfter('0', NOW), 0);
    assert.equal(parseRetryAfter(' 120 ', NOW), 120_000);
    assert.equal(parseRetryAfter(new Date(NOW + 5_000).toUTCString(), NOW), 5_000);
    assert.equal(parseRetryAfter(new Date(NOW - 5_000).toUTCString(), NOW), 0);
    assert.equal(parseRetryAfter(undefined, NOW), null);
    assert.equal(parseRetryAfter('soon', NOW), null);
    assert.equal(parseRetryAfter('-3', NOW), null);
  });
});

describe('retryDelay', () => {
  it('waits exactly what Retry-After asks, and gives up when it asks for more than the maximum', () => {
    assert.equal(retryDelay(0, 1_500, POLICY, () => 0), 1_500);
    assert.equal(retryDelay(2, 60_000, POLICY), 60_000);
    assert.equal(retryDelay(0, 60_001, POLICY), null);
  });

  it('backs off with full jitter below a doubling ceiling, capped by the maximum', () => {
    assert.equal(retryDelay(0, null, POLICY, () => 0.999), 999);
    assert.equal(retryDelay(2, null, POLICY, () => 0.5), 2_000);
    assert.equal(retryDelay(2, null, { ...POLICY, maxDelayMs: 3_000 }, () => 0.999), 2_997);
    assert.equal(retryDelay(1, null, POLICY, () => 0), 0);
  });

  it('stops once the attempts are used up, the first attempt included', () => {
    assert.notEqual(retryDelay(2, null, POLICY), null);
    assert.equal(retryDelay(3, null, POLICY), null);
    assert.equal(retryDelay(0, 0, { ...POLICY, attempts: 1 }), null);
  });
});
