// Pusher fan-out benchmark: N raw protocol-7 sockets on one channel, events triggered with the `pusher` SDK;
// reports triggers/s, deliveries/s, trigger-to-receive latency and server memory per subscribed socket.
// Run: `npm run build && node tests/dist/bench/pusher.js` (PUSHER_BENCH_SOCKETS, PUSHER_BENCH_EVENTS). Loopback only.
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import PusherServer from 'pusher';
import { freePort, serverEnv, startServerProcess, tempDir, TEST_APP } from '../fixtures/server-process.js';

const SOCKETS = Number(process.env['PUSHER_BENCH_SOCKETS'] ?? 2000);
const EVENTS = Number(process.env['PUSHER_BENCH_EVENTS'] ?? 500);
const CONCURRENCY = 8;

const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** CPU time (ms) a process has used: utime + stime from /proc (clock ticks of 10 ms). */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

const dir = tempDir();
const server = await startServerProcess(serverEnv(dir.path, await freePort(), { HERALD_LOG_LEVEL: 'error' }));
const pid = server.child.pid!;
try {
  await sleep(300);
  const rssBefore = rssKiB(pid);
  const latencies: number[] = [];
  let delivered = 0;
  const sockets: WebSocket[] = [];
  for (let i = 0; i < SOCKETS; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, SOCKETS - i) }, () => new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/app/${TEST_APP.key}?protocol=7`);
      sockets.push(ws);
      ws.on('error', reject);
      ws.on('message', (raw) => {
        const frame = JSON.parse(raw.toString()) as { event: string; data?: string };
        if (frame.event === 'pusher:connection_established') ws.send('{"event":"pusher:subscribe","data":{"channel":"bench"}}');
        else if (frame.event === 'pusher_internal:subscription_succeeded') resolve();
        else if (frame.event === 'tick') {
          delivered++;
          latencies.push(Date.now() - (JSON.parse(frame.data!) as { at: number }).at);
        }
      });
    })));
  }
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
  while (delivered < SOCKETS * EVENTS && Date.now() < deadline) await sleep(20);
  const elapsed = Date.now() - start;
  const serverCpu = cpuMs(pid) - serverCpu0;
  const benchCpu = process.cpuUsage(benchCpu0);
  latencies.sort((a, b) => a - b);
  console.log(JSON.stringify({
    sockets: SOCKETS,
    events: EVENTS,
    triggersPerSecond: Math.round((EVENTS / triggered) * 1000),
    deliveries: delivered,
    deliveriesPerSecond: Math.round((delivered / elapsed) * 1000),
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) },
    cpuPercent: { server: Math.round((serverCpu / elapsed) * 100), bench: Math.round(((benchCpu.user + benchCpu.system) / 1000 / elapsed) * 100) },
    serverKiBPerSubscribedSocket: Math.round(((rssSubscribed - rssBefore) / SOCKETS) * 10) / 10,
  }));
  for (const ws of sockets) ws.terminate();
} finally {
  await server.kill('SIGTERM');
  dir.remove();
}
