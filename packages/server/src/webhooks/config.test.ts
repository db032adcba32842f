// Unit tests of webhook settings: app entries of the config file and the env-defined app's HERALD_APP_WEBHOOK_URL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HeraldConfigError } from '../config/errors.js';
import { loadConfig } from '../config/load.js';
import { parseWebhookConfig } from './config.js';
import { webhookTargets } from './setup.js';

function configError(pattern: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof HeraldConfigError && pattern.test(err.message);
}

function withConfigFile<T>(content: unknown, run: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'herald-webhook-config-'));
  try {
    const path = join(dir, 'herald.json');
    writeFileSync(path, JSON.stringify(content));
    return run(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('webhook settings', () => {
  it('accepts a URL with or without an event filter', () => {
    assert.deepEqual(parseWebhookConfig({ url: 'https://example.com/hook' }, 'w'), { url: 'https://example.com/hook' });
    assert.deepEqual(parseWebhookConfig({ url: 'http://127.0.0.1:9/h', events: ['job.expired', 'job.expired'] }, 'w'), { url: 'http://127.0.0.1:9/h', events: ['job.expired'] });
  });

  it('refuses a missing or non-http URL, an unknown event, an empty filter or an unknown key, naming the setting', () => {
    assert.throws(() => parseWebhookConfig({}, 'apps[0].webhooks'), configError(/apps\[0\]\.webhooks\.url/));
    assert.throws(() => parseWebhookConfig({ url: 'ftp://x/y' }, 'w'), configError(/w\.url/));
    assert.throws(() => parseWebhookConfig({ url: 'http://x', events: ['session.started'] }, 'w'), configError(/unknown event "session.started"/));
    assert.throws(() => parseWebhookConfig({ url: 'http://x', events: [] }, 'w'), configError(/w\.events/));
    assert.throws(() => parseWebhookConfig({ url: 'http://x', secret: 'x' }, 'w'), configError(/w\.secret is not a known webhook setting/));
  });

  it('reads webhooks from config-file app entries into per-app targets', () => {
    const config = withConfigFile(
      { apps: [{ id: 'a', key: 'ka', secret: 'sa', webhooks: { url: 'http://127.0.0.1:1/a', events: ['session.ended'] } }, { id: 'b', key: 'kb', secret: 'sb' }] },
      (path) => loadConfig({ env: { HERALD_CONFIG: path } }),
    );
    const targets = webhookTargets(config.apps);
    assert.deepEqual([...targets.keys()], ['a']);
    assert.equal(targets.get('a')?.url, 'http://127.0.0.1:1/a');
    assert.deepEqual([...(targets.get('a')?.events ?? [])], ['session.ended']);
  });

  it('refuses a bad webhooks key in the config file at start-up', () => {
    assert.throws(
      () => withConfigFile({ apps: [{ id: 'a', key: 'ka', secret: 'sa', webhooks: { url: 'nope' } }] }, (path) => loadConfig({ env: { HERALD_CONFIG: path } })),
      configError(/apps\[0\]\.webhooks\.url/),
    );
  });

  it('gives the env-defined app the URL of HERALD_APP_WEBHOOK_URL for every event, and refuses it without that app', () => {
    const env = { HERALD_APP_ID: 'e', HERALD_APP_KEY: 'ke', HERALD_APP_SECRET: 'se', HERALD_APP_WEBHOOK_URL: 'http://127.0.0.1:2/e' };
    const target = webhookTargets(loadConfig({ env }).apps).get('e');
    assert.deepEqual(target, { url: 'http://127.0.0.1:2/e', events: null });
    assert.throws(() => loadConfig({ env: { HERALD_APP_WEBHOOK_URL: 'http://127.0.0.1:2/e' } }), configError(/HERALD_APP_ID/));
    assert.throws(() => loadConfig({ env: { ...env, HERALD_APP_WEBHOOK_URL: 'not a url' } }), configError(/HERALD_APP_WEBHOOK_URL/));
  });
});
