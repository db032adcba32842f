// The delivery promise across a crash: SIGKILL the server while notifications to 100 sessions stream in,
// restart it on the same data, and check every accepted notification reaches every session exactly once, in order.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Herald } from '@herald/server-sdk';
import { freePort, serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from './fixtures/server-process.js';
import { recordingClient, waitUntil, type RecordingClient } from './fixtures/clients.js';

const SESSIONS = 100;

describe('kill and restart', () => {
  const dir = tempDir();
  const clients: RecordingClient[] = [];
  let server: ServerProcess | undefined;
  after(async () => {
    for (const c of clients) c.client.disconnect();
    await server?.kill('SIGTERM');
    dir.remove();
  });

  it('delivers every accepted notification exactly once, in order, after SIGKILL and restart', async () => {
    const port = await freePort();
    const env = serverEnv(dir.path, port);
    server = await startServerProcess(env);
    const sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret, timeoutMs: 2000 });
    for (let i = 0; i < SESSIONS; i++) clients.push(recordingClient(server.url, () => sdk.createToken({ user: `k${i}` })));
    const sessions = await Promise.all(clients.map((c) => c.session()));

    // One publisher, one publish at a time, so acceptance order is well defined.
    const accepted: string[] = [];
    const inDoubt = new Set<string>();
    let seq = 0;
    let stop = false;
    const publisher = (async () => {
      while (!stop) {
        const data = seq++;
        try {
          const r = await sdk.publish({ to: { sessions }, module: 'crash', type: 'n', data });
          accepted.push(r.id);
        } catch {
          // The outcome of a publish interrupted by the crash is unknown: it may or may not have landed.
          inDoubt.add(String(data));
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    })();

    await waitUntil(() => accepted.length >= 150, 'publishes before the crash', 20_000);
    await server.kill('SIGKILL');
    const acceptedBeforeCrash = accepted.length;
    await new Promise((r) => setTimeout(r, 300));
    server = await startServerProcess(env);
    await waitUntil(() => accepted.length >= acceptedBeforeCrash + 100, 'publishes after the restart', 20_000);
    stop = true;
    await publisher;

    const acceptedSet = new Set(accepted);
    await waitUntil(() => clients.every((c) => accepted.every((id) => c.seen.some((n) => n.id === id))), 'every accepted notification at every session', 30_000);
    for (const [i, c] of clients.entries()) {
      const ids = c.seen.map((n) => n.id);
      assert.equal(new Set(ids).size, ids.length, `session ${i} saw a duplicate`);
      const acceptedSeen = ids.filter((id) => acceptedSet.has(id));
      assert.deepEqual(acceptedSeen, accepted, `session ${i} missed or reordered accepted notifications`);
      const extras = c.seen.filter((n) => !acceptedSet.has(n.id));
      for (const n of extras) assert.ok(inDoubt.has(String(n.data)), `session ${i} saw a notification nobody published`);
      const order = c.seen.map((n) => n.data as number);
      assert.deepEqual(order, [...order].sort((a, b) => a - b), `session ${i} saw notifications out of order`);
      assert.equal(c.client.sessionId, sessions[i], `session ${i} was resumed, not replaced`);
    }
  });
});
