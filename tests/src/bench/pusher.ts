// Pusher fan-out benchmark: N raw protocol-7 sockets on one channel, events triggered with the `pusher` SDK;
// reports triggers/s, deliveries/s, trigger-to-receive latency and server memory per subscribed socket.
// Run: `npm run build && node tests/dist/bench/pusher.js` (PUSHER_BENCH_SOCKETS, PUSHER_BENCH_EVENTS). Loopback only.
import { freePort, serverEnv, startServerProcess, tempDir } from '../fixtures/server-process.js';
import { cpuMs, rssKiB, sleep } from '../fixtures/measure.js';
import { subscribeBench, triggerBench } from './pusher-subscribers.js';

const SOCKETS = Number(process.env['PUSHER_BENCH_SOCKETS'] ?? 2000);
const EVENTS = Number(process.env['PUSHER_BENCH_EVENTS'] ?? 500);
const CONCURRENCY = 8;

const dir = tempDir();
const server = await startServerProcess(serverEnv(dir.path, await freePort(), { HERALD_LOG_LEVEL: 'error' }));
const pid = server.child.pid!;
try {
  await sleep(300);
  const rssBefore = rssKiB(pid);
  const subscribers = await subscribeBench([server.port], SOCKETS);
  const { sockets } = subscribers;
  await sleep(500);
  const rssSubscribed = rssKiB(pid);
  const serverCpu0 = cpuMs(pid);
  const benchCpu0 = process.cpuUsage();
  const { elapsedMs, figures } = await triggerBench(subscribers, [server.port], EVENTS, CONCURRENCY);
  const serverCpu = cpuMs(pid) - serverCpu0;
  const benchCpu = process.cpuUsage(benchCpu0);
  console.log(JSON.stringify({
    sockets: SOCKETS,
    events: EVENTS,
    ...figures,
    cpuPercent: { server: Math.round((serverCpu / elapsedMs) * 100), bench: Math.round(((benchCpu.user + benchCpu.system) / 1000 / elapsedMs) * 100) },
    serverKiBPerSubscribedSocket: Math.round(((rssSubscribed - rssBefore) / SOCKETS) * 10) / 10,
  }));
  for (const ws of sockets) ws.terminate();
} finally {
  await server.kill('SIGTERM');
  dir.remove();
}
