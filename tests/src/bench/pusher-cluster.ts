// Pusher fan-out on Redis with one node against two: raw protocol-7 sockets spread over the nodes on one channel,
// events triggered with the `pusher` SDK round-robin through the nodes; triggers/s, deliveries/s, trigger-to-receive latency.
// Run: `npm run build && node tests/dist/bench/pusher-cluster.js` (PUSHER_BENCH_SOCKETS, PUSHER_BENCH_EVENTS, PUSHER_BENCH_NODES). Loopback only.
import WebSocket from 'ws';
import PusherServer from 'pusher';
import { TEST_APP } from '../fixtures/server-process.js';
import { deletePrefix, randomPrefix } from '../fixtures/redis.js';
import { startCluster } from '../fixtures/cluster.js';

const SOCKETS = Number(process.env['PUSHER_BENCH_SOCKETS'] ?? 2000);
const EVENTS = Number(process.env['PUSHER_BENCH_EVENTS'] ?? 500);
const NODE_COUNTS = (process.env['PUSHER_BENCH_NODES'] ?? '1,2').split(',').map(Number);
const CONCURRENCY = 8;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(nodeCount: number): Promise<object> {
  const prefix = randomPrefix();
  const cluster = await startCluster(nodeCount, prefix, { HERALD_LOG_LEVEL: 'error' });
  const sockets: WebSocket[] = [];
  try {
    const latencies: number[] = [];
    let delivered = 0;
    for (let i = 0; i < SOCKETS; i += 200) {
      await Promise.all(Array.from({ length: Math.min(200, SOCKETS - i) }, (_, k) => new Promise<void>((resolve, reject) => {
        const node = cluster.nodes[(i + k) % nodeCount]!;
        const ws = new WebSocket(`ws://127.0.0.1:${node.port}/app/${TEST_APP.key}?protocol=7`);
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
    while (delivered < SOCKETS * EVENTS && Date.now() < deadline) await sleep(20);
    const elapsed = Date.now() - start;
    latencies.sort((a, b) => a - b);
    return {
      nodes: nodeCount,
      sockets: SOCKETS,
      events: EVENTS,
      triggersPerSecond: Math.round((EVENTS / triggered) * 1000),
      deliveries: delivered,
      deliveriesPerSecond: Math.round((delivered / elapsed) * 1000),
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) },
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    await cluster.stop();
    await deletePrefix(prefix);
  }
}

for (const count of NODE_COUNTS) console.log(JSON.stringify(await run(count)));
