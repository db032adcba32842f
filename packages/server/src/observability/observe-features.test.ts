// Webhook reports and Web Push events become the documented counters.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Metrics } from './metrics.js';
import { observePush, observeWebhook } from './observe-features.js';

describe('feature metrics', () => {
  it('counts webhook requests delivered, failed and abandoned', async () => {
    const metrics = new Metrics();
    observeWebhook(metrics, { kind: 'delivered', appId: 'a', events: 3, attempt: 1, status: 200 });
    observeWebhook(metrics, { kind: 'retrying', appId: 'a', events: 3, attempt: 1, reason: '503', delayMs: 10 });
    observeWebhook(metrics, { kind: 'gave_up', appId: 'a', events: 3, attempts: 8, reason: '503' });
    const text = await metrics.render();
    for (const outcome of ['delivered', 'failed', 'abandoned']) {
      assert.match(text, new RegExp(`herald_webhooks_total\\{app="a",event="batch",outcome="${outcome}"\\} 1`));
    }
  });

  it('counts pushes sent, failed and gone, and ignores retries and skipped users', async () => {
    const metrics = new Metrics();
    observePush(metrics, { kind: 'sent', appId: 'a' });
    observePush(metrics, { kind: 'sent', appId: 'a' });
    observePush(metrics, { kind: 'removed', appId: 'a', status: 410 });
    observePush(metrics, { kind: 'failed', appId: 'a', status: 400 });
    observePush(metrics, { kind: 'retried', appId: 'a', status: 503 });
    observePush(metrics, { kind: 'skipped', appId: 'a', users: 4 });
    const text = await metrics.render();
    assert.match(text, /herald_webpush_total\{app="a",outcome="sent"\} 2/);
    assert.match(text, /herald_webpush_total\{app="a",outcome="gone"\} 1/);
    assert.match(text, /herald_webpush_total\{app="a",outcome="failed"\} 1/);
  });
});
