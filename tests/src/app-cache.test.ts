// A running server and a secret rotated behind its back (as `herald apps rotate-secret` does, on the storage):
// the node keeps its app records for appCacheMs, then sees the change.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStorage, loadConfig, type Storage } from '@herald/server';
import { serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from './fixtures/server-process.js';
import { sleep } from './fixtures/measure.js';

const CACHE_MS = 1500;

describe('app cache on a running server', () => {
  const dir = tempDir();
  let server: ServerProcess;
  let storage: Storage;
  before(async () => {
    server = await startServerProcess(serverEnv(dir.path, 0, { HERALD_APP_CACHE_MS: String(CACHE_MS) }));
    storage = createStorage(loadConfig({ env: { HERALD_DATA_DIR: dir.path } }));
    await storage.init();
  });
  after(async () => {
    await storage.close();
    await server.kill('SIGTERM');
    dir.remove();
  });

  /** The status of a backend call made with `secret`. */
  const callWith = async (secret: string): Promise<number> =>
    (await fetch(`${server.url}/v1/apps/${TEST_APP.id}/sessions`, { headers: { authorization: `Bearer ${secret}` } })).status;

  it('answers from its cached record until appCacheMs has passed, then refuses the rotated secret', async () => {
    assert.equal(await callWith(TEST_APP.secret), 200); // the node has looked the app up
    const rotated = 'rotated-secret-0123456789';
    const app = await storage.getApp(TEST_APP.id);
    assert.ok(app);
    await storage.putApp({ ...app, secret: rotated });
    const changedAt = Date.now();
    assert.equal(await callWith(TEST_APP.secret), 200, 'within appCacheMs the node still knows the old secret');
    while ((await callWith(TEST_APP.secret)) === 200) {
      assert.ok(Date.now() - changedAt < CACHE_MS + 1000, `the old secret still works ${Date.now() - changedAt} ms after the change`);
      await sleep(50);
    }
    assert.equal(await callWith(TEST_APP.secret), 401);
    assert.equal(await callWith(rotated), 200);
  });
});
