// Configuration loading: defaults, file, environment, and start-up errors that name the bad setting.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, maskConfig } from './load.js';
import { HeraldConfigError } from './errors.js';
import { schema } from './schema.js';

function withFile(content: string, fn: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'herald-config-'));
  try {
    const path = join(dir, 'herald.json');
    writeFileSync(path, content);
    fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('loadConfig', () => {
  it('uses the schema defaults with an empty environment', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.port, schema.port.default);
    assert.equal(config.storage, 'sqlite');
    assert.equal(config.sessionTtl, 1800);
    assert.deepEqual(config.apps, []);
  });

  it('lets environment variables override the config file', () => {
    withFile(JSON.stringify({ port: 9000, host: '0.0.0.0' }), (path) => {
      const config = loadConfig({ env: { HERALD_CONFIG: path, HERALD_PORT: '9100' } });
      assert.equal(config.port, 9100);
      assert.equal(config.host, '0.0.0.0');
    });
  });

  it('defines an app from HERALD_APP_ID, HERALD_APP_KEY and HERALD_APP_SECRET', () => {
    const config = loadConfig({ env: { HERALD_APP_ID: 'shop', HERALD_APP_KEY: 'shop-key', HERALD_APP_SECRET: 's3cret' } });
    assert.deepEqual(config.apps, [{ id: 'shop', key: 'shop-key', secret: 's3cret' }]);
  });

  it('refuses half an app definition', () => {
    assert.throws(() => loadConfig({ env: { HERALD_APP_ID: 'shop' } }), /HERALD_APP_ID, HERALD_APP_KEY and HERALD_APP_SECRET/);
  });

  it('names an invalid environment value', () => {
    assert.throws(() => loadConfig({ env: { HERALD_PORT: 'eighty' } }), (err: unknown) => err instanceof HeraldConfigError && /HERALD_PORT/.test(err.message));
    assert.throws(() => loadConfig({ env: { HERALD_STORAGE: 'mongo' } }), /HERALD_STORAGE must be one of sqlite, redis/);
  });

  it('names an unknown environment variable', () => {
    assert.throws(() => loadConfig({ env: { HERALD_PROT: '80' } }), /unknown environment variable HERALD_PROT/);
  });

  it('names an unknown setting in the config file', () => {
    withFile(JSON.stringify({ prot: 80 }), (path) => {
      assert.throws(() => loadConfig({ env: { HERALD_CONFIG: path } }), /unknown setting "prot"/);
    });
  });

  it('refuses a config file that is not JSON', () => {
    withFile('port = 80', (path) => {
      assert.throws(() => loadConfig({ env: { HERALD_CONFIG: path } }), /not valid JSON/);
    });
  });

  it('reads apps from the config file and refuses bad ones', () => {
    withFile(JSON.stringify({ apps: [{ id: 'a', key: 'k', secret: 's', name: 'A' }] }), (path) => {
      assert.equal(loadConfig({ env: { HERALD_CONFIG: path } }).apps[0]?.name, 'A');
    });
    withFile(JSON.stringify({ apps: [{ id: 'a', key: 'k' }] }), (path) => {
      assert.throws(() => loadConfig({ env: { HERALD_CONFIG: path } }), /apps\[0\]\.secret/);
    });
  });

  it('masks secrets when printed', () => {
    const config = loadConfig({ env: { HERALD_APP_ID: 'shop', HERALD_APP_KEY: 'shop-key', HERALD_APP_SECRET: 'very-secret-value' } });
    const text = JSON.stringify(maskConfig(config));
    assert.ok(!text.includes('very-secret-value'));
  });
});
