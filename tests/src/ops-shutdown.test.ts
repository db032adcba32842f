// Graceful shutdown of `herald start` on SIGTERM while publishes race it: clients get 4200 and come back to the
// restarted server, every publish answered 202 is delivered, and the process exits within shutdownTimeoutMs.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Herald, HeraldApiError } from '@herald/server-sdk';
import { CloseCode } from '@herald/protocol';
import { freePort, serverEnv, tempDir, TEST_APP } from './fixtures/server-process.js';
import { startCliServer, type CliServer } from './fixtures/cli-process.js';
import { recordingClient, waitUntil, type RecordingClient } from './fixtures/clients.js';

const SESSIONS = 20;
const PUBLISHERS = 4;
const SHUTDOWN_TIMEOUT_MS = 5000;

describe('graceful shutdown', () => {
  const dir = tempDir();
  const clients: RecordingClient[] = [];
  let server: CliServer | undefined;
  after(async () => {
    for (const c of clients) c.client.disconnect();
    await server?.stop('SIGTERM');
    dir.remove();
  });

  it('prints a generated admin token at start that opens the admin API', async () => {
    const port = await freePort();
    server = await startCliServer(serverEnv(dir.path, port));
    assert.ok(server.generatedAdminToken, `no admin token in:\n${server.output()}`);
    const res = await fetch(`${server.url}/admin/api/overview`, { headers: { authorization: `Bearer ${server.generatedAdminToken}` } });
    assert.equal(res.status, 200);
    const { code } = await server.stop('SIGTERM');
    assert.equal(code, 0);
  });

  it('on SIGTERM, closes clients with 4200, loses nothing it answered 202, exits in time, and clients resume on the restarted server', async (t) => {
    const port = await freePort();
    const env = serverEnv(dir.path, port, { HERALD_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) });
    server = await startCliServer(env);
    const sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret, timeoutMs: 3000 });
    for (let i = 0; i < SESSIONS; i++) clients.push(recordingClient(server.url, () => sdk.createToken({ user: `sd${i}` })));
    const sessions = await Promise.all(clients.map((c) => c.session()));

    // Each publisher publishes one at a time, so its own acceptance order is well defined.
    const accepted: string[][] = Array.from({ length: PUBLISHERS }, () => []);
    const inDoubt = new Set<string>();
    const refusals = new Map<string, number>();
    let stop = false;
    const publishers = accepted.map(async (mine, p) => {
      for (let n = 0; !stop; n++) {
        const data = `${p}:${n}`;
        try {
          mine.push((await sdk.publish({ to: { sessions }, module: 'shutdown', type: 'n', data })).id);
        } catch (err) {
          // A refusal (503 shutting_down) or a cut connection: the outcome of an interrupted publish is unknown.
          const code = err instanceof HeraldApiError ? err.code : 'other';
          refusals.set(code, (refusals.get(code) ?? 0) + 1);
          inDoubt.add(data);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    });
    const total = () => accepted.reduce((n, a) => n + a.length, 0);

    await waitUntil(() => total() >= 200, 'publishes before SIGTERM', 20_000);
    const exit = await server.stop('SIGTERM');
    assert.equal(exit.code, 0, server.output());
    assert.ok(exit.ms <= SHUTDOWN_TIMEOUT_MS, `exit took ${exit.ms} ms`);
    await waitUntil(() => clients.every((c) => c.closeCodes.includes(CloseCode.ServerShutdown)), 'every client closed with 4200', 5000);

    const acceptedBeforeRestart = total();
    server = await startCliServer(env);
    await waitUntil(() => total() >= acceptedBeforeRestart + 100, 'publishes after the restart', 20_000);
    stop = true;
    await Promise.all(publishers);
    assert.ok(refusals.size > 0, 'some publishes raced the shutdown and were refused');
    t.diagnostic(`exit ${exit.ms} ms after SIGTERM; accepted ${acceptedBeforeRestart} before, ${total()} in all; refused ${JSON.stringify(Object.fromEntries(refusals))}; in doubt ${inDoubt.size}`);

    const all = new Set(accepted.flat());
    await waitUntil(() => clients.every((c) => { const seen = new Set(c.seen.map((n) => n.id)); return [...all].every((id) => seen.has(id)); }), 'every accepted notification at every session', 30_000);
    for (const [i, c] of clients.entries()) {
      const ids = c.seen.map((n) => n.id);
      assert.equal(new Set(ids).size, ids.length, `session ${i} saw a duplicate`);
      for (const [p, mine] of accepted.entries()) {
        const mineSet = new Set(mine);
        assert.deepEqual(ids.filter((id) => mineSet.has(id)), mine, `session ${i}: publisher ${p}'s notifications missing or out of order`);
      }
      for (const n of c.seen.filter((x) => !all.has(x.id))) assert.ok(inDoubt.has(n.data as string), `session ${i} saw ${String(n.data)}, which nobody published`);
      assert.equal(c.client.sessionId, sessions[i], `session ${i} was resumed, not replaced`);
    }
  });
});
