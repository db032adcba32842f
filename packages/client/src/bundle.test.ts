// Checks the browser bundle built by scripts/bundle-client.mjs: present, free of Node imports, and working.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { record, until } from './testing/recorder.js';
import { ScriptedServer } from './testing/scripted-server.js';

// This file compiles to dist/, beside the bundle.
const bundleUrl = new URL('./herald-client.browser.js', import.meta.url);
const bundlePath = fileURLToPath(bundleUrl);

describe('browser bundle', () => {
  it('exists and imports nothing from Node', () => {
    assert.ok(existsSync(bundlePath), `${bundlePath} missing: run node scripts/bundle-client.mjs`);
    const code = readFileSync(bundlePath, 'utf8');
    assert.doesNotMatch(code, /\brequire\(/);
    assert.doesNotMatch(code, /["']node:/);
    assert.doesNotMatch(code, /^\s*import\s.*from\s/m, 'one self-contained module');
  });

  it('exposes the public API and connects with a given WebSocket class', async (t) => {
    const sdk = (await import(bundleUrl.href)) as typeof import('./index.js');
    assert.equal(typeof sdk.HeraldClient, 'function');
    assert.equal(typeof sdk.createClient, 'function');
    assert.equal(sdk.State.Connected, 'connected');
    const server = await ScriptedServer.start();
    const client = sdk.createClient({ url: server.url, token: 'tok', WebSocket, autoConnect: false });
    t.after(async () => {
      client.disconnect();
      await server.stop();
    });
    const rec = record(client);
    client.connect();
    const peer = await server.nextConnection();
    await peer.nextOf('hello');
    peer.welcome();
    peer.notify(1);
    await until(() => rec.seen.length === 1);
  });
});
