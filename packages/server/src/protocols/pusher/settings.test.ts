// Per-app Pusher settings: defaults, every key applied, and clear start-up errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePusherSettings } from './settings.js';

describe('Pusher settings', () => {
  it('defaults to client events on, webhooks off and Pusher limits', () => {
    const s = parsePusherSettings(undefined, 'apps[0].pusher', 500);
    assert.equal(s.channels.clientEvents, true);
    assert.deepEqual(s.webhooks, []);
    assert.equal(s.maxConnections, 500);
    assert.equal(s.channels.maxClientEventsPerSecond, 10);
    assert.equal(s.channels.maxEventBytes, 10240);
    assert.equal(s.channels.maxPresenceMembers, 100);
    assert.equal(s.maxBackendEventsPerSecond, 0);
    assert.equal(s.activityTimeout, 120);
  });

  it('applies every setting', () => {
    const s = parsePusherSettings({
      clientEvents: false, activityTimeout: 30, maxConnections: 9, maxBackendEventsPerSecond: 50, maxClientEventsPerSecond: 4,
      maxEventBytes: 2048, maxPresenceMembers: 7, cacheTtl: 60, webhookBatchMs: 0, webhookRetryMs: 100, webhookRetryForMs: 1000,
      webhooks: [{ url: 'https://app.example/hooks', events: ['member_added'] }, { url: 'http://127.0.0.1:9/all' }],
    }, 'p', 1);
    assert.deepEqual(s.channels, { clientEvents: false, maxClientEventsPerSecond: 4, maxEventBytes: 2048, maxPresenceMembers: 7, cacheTtlSeconds: 60 });
    assert.deepEqual([s.activityTimeout, s.maxConnections, s.maxBackendEventsPerSecond, s.webhookBatchMs, s.webhookRetryMs, s.webhookRetryForMs], [30, 9, 50, 0, 100, 1000]);
    assert.deepEqual([...s.webhooks[0]!.events], ['member_added']);
    assert.equal(s.webhooks[1]!.events.size, 6, 'all events by default');
  });

  it('names the bad setting in the error', () => {
    assert.throws(() => parsePusherSettings({ maxConections: 1 }, 'apps[2].pusher', 1), /apps\[2\]\.pusher\.maxConections is not a known Pusher setting/);
    assert.throws(() => parsePusherSettings({ maxEventBytes: 'big' }, 'p', 1), /p\.maxEventBytes must be an integer/);
    assert.throws(() => parsePusherSettings({ clientEvents: 'yes' }, 'p', 1), /p\.clientEvents must be true or false/);
    assert.throws(() => parsePusherSettings({ webhooks: [{ url: 'ftp://x' }] }, 'p', 1), /p\.webhooks\[0\]\.url/);
    assert.throws(() => parsePusherSettings({ webhooks: [{ url: 'http://x', events: ['channel_created'] }] }, 'p', 1), /events must list/);
    assert.throws(() => parsePusherSettings([], 'p', 1), /p must be an object/);
  });
});
