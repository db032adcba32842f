// Pusher fan-out on Redis with one node against two: raw protocol-7 sockets spread over the nodes on one channel,
// events triggered with the `pusher` SDK round-robin through the nodes; triggers/s, deliveries/s, trigger-to-receive latency.
// Run: `npm run build && node tests/dist/bench/pusher-cluster.js` (PUSHER_BENCH_SOCKETS, PUSHER_BENCH_EVENTS, PUSHER_BENCH_NODES). Loopback only.
import WebSocket from 'ws';
import { deletePrefix, randomPrefix } from '../fixtures/redis.js';
import { startCluster } from '../fixtures/cluster.js';
import { sleep } from '../fixtures/measure.js';
import { subscribeBench, triggerBench } from './pusher-subscribers.js';

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
    sockets.push(...subscribers.sockets);
    await sleep(500);
    const { figures } = await triggerBench(subscribers, cluster.nodes.map((n) => n.port), EVENTS, CONCURRENCY);
    return { nodes: nodeCount, sockets: SOCKETS, events: EVENTS, ...figures };
  } finally {
    for (const ws of sockets) ws.terminate();
    await cluster.stop();
    await deletePrefix(prefix);
  }
}

for (const count of NODE_COUNTS) console.log(JSON.stringify(await run(count)));
