// Unit tests of Metrics: separate registries per instance, the hooks features call, and storage timing on a real SQLite storage.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SqliteStorage } from '../storage/sqlite/sqlite.js';
import { Metrics } from './metrics.js';
import { timeStorage } from './storage-timing.js';

/** The value of one sample line (`name{labels} value`) in the exposition text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Metrics', () => {
  it('keeps each instance in its own registry, so two servers in one process do not mix counts', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.notificationAccepted('app1', 3);
    a.notificationAccepted('app1', 2);
    b.notificationAccepted('app1', 1);
    const [ta, tb] = await Promise.all([a.render(), b.render()]);
    assert.equal(sample(ta, 'herald_notifications_accepted_total{app="app1"}'), 2);
    assert.equal(sample(ta, 'herald_notification_recipients_total{app="app1"}'), 5);
    assert.equal(sample(tb, 'herald_notifications_accepted_total{app="app1"}'), 1);
  });

  it('counts deliveries, acknowledgements and latency reported by the delivery sink, and feeds the rate series', async () => {
    const m = new Metrics();
    m.delivery.delivered('a', 4);
    m.delivery.acknowledged('a', 3);
    m.delivery.latency(12);
    const text = await m.render();
    assert.equal(sample(text, 'herald_notifications_delivered_total{app="a"}'), 4);
    assert.equal(sample(text, 'herald_notifications_acknowledged_total{app="a"}'), 3);
    assert.equal(sample(text, 'herald_delivery_latency_seconds_count'), 1);
    assert.equal(sample(text, 'herald_delivery_latency_seconds_bucket{le="0.025"}'), 1);
    assert.equal(sample(text, 'herald_delivery_latency_seconds_bucket{le="0.01"}'), 0);
    const now = m.rates.last(1)[0]!;
    assert.equal(now.delivered, 4);
    assert.equal(now.acknowledged, 3);
  });

  it('exposes the webhook and Web Push hooks as counters by app and outcome', async () => {
    const m = new Metrics();
    m.recordWebhook({ appId: 'a', event: 'session_ended', outcome: 'delivered', durationMs: 30 });
    m.recordWebhook({ appId: 'a', event: 'session_ended', outcome: 'failed' });
    m.recordWebPush({ appId: 'a', outcome: 'gone' });
    const text = await m.render();
    assert.equal(sample(text, 'herald_webhooks_total{app="a",event="session_ended",outcome="delivered"}'), 1);
    assert.equal(sample(text, 'herald_webhooks_total{app="a",event="session_ended",outcome="failed"}'), 1);
    assert.equal(sample(text, 'herald_webhook_duration_seconds_count{outcome="delivered"}'), 1);
    assert.equal(sample(text, 'herald_webpush_total{app="a",outcome="gone"}'), 1);
  });

  it('collects the connections gauge from every registered source at scrape time', async () => {
    const m = new Metrics();
    let live = [{ transport: 'websocket', appId: 'a' }, { transport: 'websocket', appId: 'a' }, { transport: 'sse', appId: 'b' }];
    m.sources.connections.push(() => live);
    m.sources.connections.push(() => [{ transport: 'pusher', appId: 'a' }]);
    let text = await m.render();
    assert.equal(sample(text, 'herald_connections{transport="websocket",app="a"}'), 2);
    assert.equal(sample(text, 'herald_connections{transport="sse",app="b"}'), 1);
    assert.equal(sample(text, 'herald_connections{transport="pusher",app="a"}'), 1);
    live = [];
    text = await m.render();
    assert.equal(sample(text, 'herald_connections{transport="websocket",app="a"}'), undefined, 'closed connections disappear');
  });

  it('times every storage operation of a real SQLite storage, and counts failures', async () => {
    const m = new Metrics();
    const storage = timeStorage(new SqliteStorage({ path: ':memory:' }), m.storage);
    await storage.init();
    await storage.listApps();
    await storage.getApp('nope');
    await storage.close();
    await assert.rejects(storage.getApp('x'));
    const text = await m.render();
    assert.equal(sample(text, 'herald_storage_operation_seconds_count{op="listApps"}'), 1);
    assert.equal(sample(text, 'herald_storage_operation_seconds_count{op="getApp"}'), 2);
    assert.equal(sample(text, 'herald_storage_errors_total{op="getApp"}'), 1);
    assert.equal(storage.kind, 'sqlite', 'non-function properties pass through');
  });

  it('reports the storage group commits read at scrape time', async () => {
    const m = new Metrics();
    let commits = 3;
    m.sources.commits = () => commits;
    assert.equal(sample(await m.render(), 'herald_storage_commits_total'), 3);
    commits = 10;
    assert.equal(sample(await m.render(), 'herald_storage_commits_total'), 10);
  });

  it('documents every Herald metric in docs/operations.md', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../../../docs/operations.md', import.meta.url)), 'utf8');
    const names = new Metrics().registry
      .getMetricsAsArray()
      .map((m) => m.name)
      .filter((n) => !/^herald_(process|nodejs)_/.test(n));
    assert.ok(names.length >= 15);
    for (const name of names) assert.ok(doc.includes(`| \`${name}\` |`), `docs/operations.md lacks a row for ${name}`);
  });
});
