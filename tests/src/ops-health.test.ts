// Liveness and readiness of the real server: /readyz follows storage reachability; /healthz only says the process serves.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, startServer } from '@herald/server';
import { freePort, serverEnv, tempDir } from './fixtures/server-process.js';

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('health and readiness', () => {
  it('is ready while storage answers, and not ready (503) once storage is gone, while still alive', async () => {
    const dir = tempDir();
    const server = await startServer(loadConfig({ env: { ...serverEnv(dir.path, await freePort()), HERALD_LOG_LEVEL: 'silent' } }));
    try {
      assert.deepEqual(await get(`${server.url}/readyz`), { status: 200, body: { status: 'ready', node: server.node, storage: 'sqlite' } });
      // A closed database is what an unreachable backend looks like to the server: every operation fails.
      await server.storage.close();
      const ready = await get(`${server.url}/readyz`);
      assert.equal(ready.status, 503);
      assert.equal(ready.body['status'], 'storage_unavailable');
      assert.equal((await get(`${server.url}/healthz`)).status, 200);
    } finally {
      await server.stop().catch(() => undefined);
      dir.remove();
    }
  });

  it('stops accepting connections once stopped', async () => {
    const dir = tempDir();
    const server = await startServer(loadConfig({ env: { ...serverEnv(dir.path, await freePort()), HERALD_LOG_LEVEL: 'silent' } }));
    await server.stop();
    await assert.rejects(fetch(`${server.url}/healthz`));
    dir.remove();
  });
});
