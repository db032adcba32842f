// Redis going away under a running cluster, and Redis missing at start. A private redis-server (append-only,
// fsync always) is killed, frozen and restarted; the shared Redis is never disturbed.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Herald, HeraldApiError } from '@herald/server-sdk';
import { freePort, serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from '../fixtures/server-process.js';
import { recordingClient, waitUntil, type RecordingClient } from '../fixtures/clients.js';
import { startBalancer, type Balancer } from '../fixtures/balancer.js';
import { PrivateRedis, randomPrefix } from '../fixtures/redis.js';

const CLI = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));
const TIMEOUT_MS = 500;

describe('Redis outage under a running cluster', () => {
  const dir = tempDir('herald-outage-');
  const nodes: ServerProcess[] = [];
  let redis: PrivateRedis | undefined;
  let balancer: Balancer | undefined;
  let client: RecordingClient | undefined;
  after(async () => {
    client?.client.disconnect();
    await balancer?.close();
    await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
    await redis?.kill();
    dir.remove();
  });

  it('refuses publishes with storage_unavailable while Redis is away, never accepting one it then loses, and recovers by itself', async (t) => {
    redis = await PrivateRedis.start(`${dir.path}`);
    const prefix = randomPrefix();
    for (const id of ['n1', 'n2']) {
      nodes.push(await startServerProcess(serverEnv(`${dir.path}/${id}`, await freePort(), {
        HERALD_STORAGE: 'redis', HERALD_REDIS_URL: redis.url, HERALD_REDIS_PREFIX: prefix, HERALD_NODE_ID: id,
        HERALD_REDIS_TIMEOUT_MS: String(TIMEOUT_MS), HERALD_NODE_LEASE_MS: '2000',
      })));
    }
    balancer = await startBalancer(nodes.map((n) => n.port));
    const sdks = nodes.map((n) => new Herald({ url: n.url, appId: TEST_APP.id, secret: TEST_APP.secret, timeoutMs: 5000 }));
    client = recordingClient(balancer.url, () => sdks[0]!.createToken({ user: 'outage' }));
    const session = await client.session();

    const accepted: string[] = [];
    /** When each accepted publish was sent. */
    const sentAt: number[] = [];
    const inDoubt = new Set<number>();
    const refusals: Array<{ code: string; ms: number; at: number }> = [];
    let counter = 0;
    let stop = false;
    const publisher = (async () => {
      for (let i = 0; !stop; i++) {
        const data = counter++;
        const started = performance.now();
        try {
          accepted.push((await sdks[i % 2]!.publish({ to: { sessions: [session] }, module: 'outage', type: 'n', data })).id);
          sentAt.push(started);
        } catch (err) {
          inDoubt.add(data);
          refusals.push({ code: err instanceof HeraldApiError ? err.code : String(err), ms: performance.now() - started, at: performance.now() });
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    })();
    const acceptedSoon = async (more: number, what: string) => {
      const target = accepted.length + more;
      await waitUntil(() => accepted.length >= target, what, 20_000);
    };

    try {
      await acceptedSoon(30, 'publishes before the outage');

      // Redis dies: publishes are refused, promptly, with storage_unavailable; readiness says so.
      const killedAt = performance.now();
      await redis.kill();
      const deadAt = performance.now();
      await new Promise((r) => setTimeout(r, 1500));
      const down = refusals.filter((r) => r.at > killedAt);
      assert.ok(down.length > 0, 'publishes were refused while Redis was down');
      assert.equal(sentAt.filter((t) => t > deadAt).length, 0, 'nothing sent while Redis was down was accepted');
      assert.deepEqual([...new Set(down.map((r) => r.code))], ['storage_unavailable']);
      const slowest = Math.max(...down.map((r) => r.ms));
      assert.ok(slowest < TIMEOUT_MS * 3, `a refusal took ${slowest.toFixed(0)} ms`);
      assert.equal((await fetch(`${nodes[0]!.url}/readyz`)).status, 503);

      // Redis comes back with its append-only file: the nodes reconnect by themselves.
      const restartedAt = performance.now();
      await redis.start();
      await acceptedSoon(1, 'a publish accepted after Redis returned');
      const recovered = performance.now() - restartedAt;
      await acceptedSoon(30, 'publishes after Redis returned');

      // Only the bus connections drop while publishes keep committing: the nodes miss those announcements
      // and must read the inboxes again before delivering anything newer.
      const killer = new Redis(redis.url);
      try {
        for (let i = 0; i < 3; i++) {
          const t0 = Date.now();
          let subs = 0;
          while (Date.now() - t0 < 10_000) {
            subs = String(await killer.call('CLIENT', 'LIST')).split('\n').filter((l) => / sub=1 /.test(l)).length;
            if (subs >= 2) break;
            await new Promise((r) => setTimeout(r, 20));
          }
          const killed = await killer.client('KILL', 'TYPE', 'pubsub');
          assert.equal(killed, 2, 'both nodes had a bus subscription');
          await acceptedSoon(20, 'publishes after the bus connections dropped');
        }
      } finally {
        killer.disconnect();
      }

      // Redis freezes (connections open, nothing answered): commands time out into storage_unavailable.
      const frozenAt = performance.now();
      redis.signal('SIGSTOP');
      await new Promise((r) => setTimeout(r, 1500));
      redis.signal('SIGCONT');
      const frozen = refusals.filter((r) => r.at > frozenAt);
      assert.ok(frozen.length > 0, 'publishes were refused while Redis was frozen');
      assert.deepEqual([...new Set(frozen.map((r) => r.code))], ['storage_unavailable']);
      await acceptedSoon(30, 'publishes after Redis thawed');
      t.diagnostic(`redis outage: ${down.length} publishes refused while down (slowest ${slowest.toFixed(0)} ms), first accept ${recovered.toFixed(0)} ms after redis-server restarted; ${frozen.length} refused while frozen`);
    } finally {
      stop = true;
      await publisher;
    }

    const c = client;
    await waitUntil(() => accepted.every((id) => c.seen.some((n) => n.id === id)), 'every accepted notification', 30_000);
    const ids = c.seen.map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, 'no duplicates');
    const acceptedSet = new Set(accepted);
    assert.deepEqual(ids.filter((id) => acceptedSet.has(id)), accepted, 'every accepted notification, in order');
    for (const n of c.seen.filter((n) => !acceptedSet.has(n.id))) assert.ok(inDoubt.has(n.data as number), 'only refused-in-doubt extras');
    assert.equal(c.client.sessionId, session, 'the session survived the outage');
  });
});

describe('Redis unreachable at start', () => {
  it('exits with a clear start-up error instead of retrying forever', async () => {
    const dir = tempDir();
    try {
      const port = await freePort();
      const started = Date.now();
      const child = spawn(process.execPath, [CLI, 'start'], {
        env: { PATH: process.env['PATH'] ?? '', ...serverEnv(dir.path, 0, { HERALD_STORAGE: 'redis', HERALD_REDIS_URL: `redis://127.0.0.1:${port}`, HERALD_REDIS_TIMEOUT_MS: '1000' }) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      clearTimeout(timer);
      assert.equal(code, 1, stderr);
      assert.match(stderr, new RegExp(`herald: cannot start: Cannot reach Redis at redis://127\\.0\\.0\\.1:${port}`));
      assert.ok(Date.now() - started < 5000, 'failed fast');
    } finally {
      dir.remove();
    }
  });
});
