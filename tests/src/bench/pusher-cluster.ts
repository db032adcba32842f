// Pusher fan-out on Redis with one node against two: raw protocol-7 sockets spread over the nodes on one channel,
// events triggered with the `pusher` SDK round-robin through the nodes; triggers/s, deliveries/s, trigger-to-receive latency.
// Run: `npm run build && node tests/dist/bench/pusher-cluster.js` (PUSHER_BENCH_SOCKETS, PUSHER_BENCH_EVENTS, PUSHER_BENCH_NODES). Loopback only.
import WebSocket from 'ws';
import PusherServer from 'pusher';
import { TEST_APP } from '../fixtures/server-process.js';
import { deletePrefix, randomPrefix } from '../fixtures/redis.js';
import { startCluster } from '../fixtures/cluster.js';
import { percentile, sleep } from '../fixtures/measure.js';
import { subscribeBench } from './pusher-subscribers.js';

const SOCKETS = Number(process.env['PUSHER_BENCH_SOCKETS'] ?? 2000);
const EVENTS = Number(process.env['PUSHER_BENCH_EVENTS'] ?? 500);
const NODE_COUNTS = (process.env['PUSHER_BENCH_NODES'] ?? '1,2').split(',').map(Number);
const CONCURRENCY = 8;


async function run(nodeCount: number): Promise<object> {
  const prefix = randomPrefix();
  const cluster = await startCluster(nodeCount, prefix, { HERALD_LOG_LEVEL: 'error' });
  const sockets: WebSocket[] = [];
  try {
    const subscribers = await subscribeBench(cluster.nodes.map((n) => n.port), SOCKETS);
    const { latencies } = subscribers;
    sockets.push(...subscribers.sockets);
    await sleep(500);
    const sdks = cluster.nodes.map((n) => new PusherServer({ appId: TEST_APP.id, key: TEST_APP.key, secret: TEST_APP.secret, host: '127.0.0.1', port: String(n.port), useTLS: false }));
    const start = Date.now();
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < EVENTS) {
        const sdk = sdks[next++ % nodeCount]!;
        await sdk.trigger('bench', 'tick', { at: Date.now() });
      }
    }));
    const triggered = Date.now() - start;
    const deadline = Date.now() + 60_000;
    while (subscribers.delivered() < SOCKETS * EVENTS && Date.now() < deadline) await sleep(20);
    const elapsed = Date.now() - start;
    latencies.sort((a, b) => a - b);
    return {
      nodes: nodeCount,
      sockets: SOCKETS,
      events: EVENTS,
      triggersPerSecond: Math.round((EVENTS / triggered) * 1000),
      deliveries: subscribers.delivered(),
      deliveriesPerSecond: Math.round((subscribers.delivered() / elapsed) * 1000),
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) },
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    await cluster.stop();
    await deletePrefix(prefix);
  }
}

for (const count of NODE_COUNTS) console.log(JSON.stringify(await run(count)));
