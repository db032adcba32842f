// Pusher fan-out benchmark: N raw protocol-7 sockets on one channel, events triggered with the `pusher` SDK;
// reports triggers/s, deliveries/s, trigger-to-receive latency and server memory per subscribed socket.
// Run: `npm run build && node tests/dist/bench/pusher.js` (PUSHER_BENCH_SOCKETS, PUSHER_BENCH_EVENTS). Loopback only.
import PusherServer from 'pusher';
import { freePort, serverEnv, startServerProcess, tempDir, TEST_APP } from '../fixtures/server-process.js';
import { cpuMs, percentile, rssKiB, sleep } from '../fixtures/measure.js';
import { subscribeBench } from './pusher-subscribers.js';

const SOCKETS = Number(process.env['PUSHER_BENCH_SOCKETS'] ?? 2000);
const EVENTS = Number(process.env['PUSHER_BENCH_EVENTS'] ?? 500);
const CONCURRENCY = 8;

/** CPU time (ms) a process has used: utime + stime from /proc (clock ticks of 10 ms). */

const dir = tempDir();
const server = await startServerProcess(serverEnv(dir.path, await freePort(), { HERALD_LOG_LEVEL: 'error' }));
const pid = server.child.pid!;
try {
  await sleep(300);
  const rssBefore = rssKiB(pid);
  const subscribers = await subscribeBench([server.port], SOCKETS);
  const { latencies, sockets } = subscribers;
  await sleep(500);
  const rssSubscribed = rssKiB(pid);
  const sdk = new PusherServer({ appId: TEST_APP.id, key: TEST_APP.key, secret: TEST_APP.secret, host: '127.0.0.1', port: String(server.port), useTLS: false });
  const start = Date.now();
  const serverCpu0 = cpuMs(pid);
  const benchCpu0 = process.cpuUsage();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < EVENTS) {
      next++;
      await sdk.trigger('bench', 'tick', { at: Date.now() });
    }
  }));
  const triggered = Date.now() - start;
  const deadline = Date.now() + 60_000;
  while (subscribers.delivered() < SOCKETS * EVENTS && Date.now() < deadline) await sleep(20);
  const elapsed = Date.now() - start;
  const serverCpu = cpuMs(pid) - serverCpu0;
  const benchCpu = process.cpuUsage(benchCpu0);
  latencies.sort((a, b) => a - b);
  console.log(JSON.stringify({
    sockets: SOCKETS,
    events: EVENTS,
    triggersPerSecond: Math.round((EVENTS / triggered) * 1000),
    deliveries: subscribers.delivered(),
    deliveriesPerSecond: Math.round((subscribers.delivered() / elapsed) * 1000),
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) },
    cpuPercent: { server: Math.round((serverCpu / elapsed) * 100), bench: Math.round(((benchCpu.user + benchCpu.system) / 1000 / elapsed) * 100) },
    serverKiBPerSubscribedSocket: Math.round(((rssSubscribed - rssBefore) / SOCKETS) * 10) / 10,
  }));
  for (const ws of sockets) ws.terminate();
} finally {
  await server.kill('SIGTERM');
  dir.remove();
}
