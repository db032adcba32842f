// Pusher settings in the config file: checked at start-up; the env-defined app works with the defaults.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, serverEnv, startServerProcess, tempDir, TEST_APP } from '../fixtures/server-process.js';
import { Pusher, nextEvent, pusherClient, serverSdk, waitUntil } from './fixtures.js';

describe('Pusher configuration', () => {
  it('refuses to start with an unknown Pusher setting, naming it', async () => {
    const dir = tempDir();
    try {
      const config = join(dir.path, 'config.json');
      writeFileSync(config, JSON.stringify({ apps: [{ id: 'a', key: 'k', secret: 's', pusher: { maxConections: 5 } }] }));
      await assert.rejects(
        startServerProcess({ HERALD_CONFIG: config, HERALD_PORT: String(await freePort()), HERALD_DATA_DIR: dir.path }),
        /apps\[0\]\.pusher\.maxConections is not a known Pusher setting/,
      );
    } finally {
      dir.remove();
    }
  });

  it('serves the env-defined app over Pusher with client events enabled', async () => {
    const dir = tempDir();
    const server = await startServerProcess(serverEnv(dir.path, await freePort()));
    const port = server.port;
    const sdk = serverSdk(port, TEST_APP);
    const auth = { endpoint: 'unused', transport: 'ajax' as const, customHandler: (p: { socketId: string; channelName: string }, cb: (e: Error | null, a: { auth: string }) => void) => cb(null, sdk.authorizeChannel(p.socketId, p.channelName)) };
    const clients: Pusher[] = [pusherClient(port, TEST_APP, { channelAuthorization: auth }), pusherClient(port, TEST_APP, { channelAuthorization: auth })];
    try {
      const [a, b] = clients.map((c) => c.subscribe('private-env'));
      await waitUntil(() => a!.subscribed && b!.subscribed, 'both subscriptions');
      const got = nextEvent(b!, 'client-hello');
      a!.trigger('client-hello', { from: 'a' });
      assert.deepEqual(await got, { from: 'a' });
    } finally {
      for (const c of clients) c.disconnect();
      await server.kill('SIGTERM');
      dir.remove();
    }
  });
});
