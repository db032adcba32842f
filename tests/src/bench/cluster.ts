// `npm run bench:cluster`: fan-out throughput on Redis with one node against two. Sessions are spread over the
// nodes (raw native-protocol sockets, acknowledging like the SDK); publishes go round-robin to the nodes.
// Two shapes: fan-out (each publish to every session) and single-recipient. Loopback only; bounded in time.
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { Herald } from '@herald/server-sdk';
import { TEST_APP } from '../fixtures/server-process.js';
import { deletePrefix, randomPrefix, SHARED_REDIS_URL } from '../fixtures/redis.js';
import { startCluster, type ClusterNodes } from '../fixtures/cluster.js';
import { percentile, sleep } from '../fixtures/measure.js';

const SESSIONS = Number(process.env['BENCH_SESSIONS'] ?? 2000);
const FANOUT_PUBLISHES = Number(process.env['BENCH_FANOUT_PUBLISHES'] ?? 200);
const SINGLE_PUBLISHES = Number(process.env['BENCH_SINGLE_PUBLISHES'] ?? 10_000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const NODE_COUNTS = (process.env['BENCH_NODES'] ?? '1,2').split(',').map(Number);


/** CPU seconds (user + system) a process has used so far; NaN when it cannot be read (Redis on another machine). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

async function redisPid(): Promise<number> {
  const redis = new Redis(SHARED_REDIS_URL);
  try {
    return Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
  } finally {
    redis.disconnect();
  }
}

/** CPU seconds used by Redis and by all the nodes together while `phase` runs. */
async function measured<T>(pids: { redis: number; nodes: number[] }, phase: () => Promise<T>): Promise<{ result: T; redisCpu: number; nodesCpu: number }> {
  const sum = (list: number[]) => list.reduce((a, b) => a + cpuSeconds(b), 0);
  const r0 = cpuSeconds(pids.redis);
  const n0 = sum(pids.nodes);
  const result = await phase();
  return { result, redisCpu: cpuSeconds(pids.redis) - r0, nodesCpu: sum(pids.nodes) - n0 };
}

interface Receiver {
  delivered: number;
  last: number;
  latencies: number[];
}

/** Opens `count` sessions, socket i on node i % nodes; every notification carries its publish time in data.t. */
async function connect(urls: string[], tokens: string[], rx: Receiver): Promise<{ sessions: string[]; close: () => void }> {
  const sockets: WebSocket[] = [];
  const sessions: string[] = [];
  for (let i = 0; i < tokens.length; i += 200) {
    const opened = await Promise.all(
      tokens.slice(i, i + 200).map(
        (token, k) =>
          new Promise<string>((resolve, reject) => {
            const ws = new WebSocket(`${urls[(i + k) % urls.length]!.replace(/^http/, 'ws')}/v1/ws`, { perMessageDeflate: false });
            sockets.push(ws);
            let lastSeq = 0;
            let ackTimer: NodeJS.Timeout | null = null;
            ws.on('open', () => ws.send(JSON.stringify({ op: 'hello', token })));
            ws.on('error', reject);
            ws.on('message', (raw) => {
              const frame = JSON.parse(raw.toString()) as { op: string; session?: string; seq?: number; notification?: { data: { t: number } } };
              if (frame.op === 'welcome') resolve(frame.session!);
              else if (frame.op === 'notification') {
                const now = performance.now();
                rx.delivered++;
                rx.last = now;
                rx.latencies.push(now - frame.notification!.data.t);
                lastSeq = frame.seq!;
                ackTimer ??= setTimeout(() => {
                  ackTimer = null;
                  ws.send(`{"op":"ack","seq":${lastSeq}}`);
                }, 50);
              } else if (frame.op === 'ping') ws.send('{"op":"pong"}');
            });
          }),
      ),
    );
    sessions.push(...opened);
  }
  return { sessions, close: () => sockets.forEach((s) => s.terminate()) };
}

/** Publishes `count` bodies with CONCURRENCY requests in flight, round-robin over the nodes; resolves with the elapsed ms. */
async function publishAll(urls: string[], count: number, body: (i: number) => object): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const one = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const { hostname, port } = new URL(urls[i % urls.length]!);
      const text = JSON.stringify(body(i));
      const req = request(
        { agent, hostname, port, method: 'POST', path: `/v1/apps/${TEST_APP.id}/notifications`, headers: { authorization: `Bearer ${TEST_APP.secret}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 202 ? resolve() : reject(new Error(`publish answered ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(text);
    });
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) await one(next++);
  }));
  agent.destroy();
  return performance.now() - start;
}

async function waitDelivered(rx: Receiver, expected: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (rx.delivered < expected && Date.now() < deadline) await sleep(20);
}

async function run(nodeCount: number) {
  const prefix = randomPrefix();
  let cluster: ClusterNodes | null = null;
  try {
    cluster = await startCluster(nodeCount, prefix, { HERALD_LOG_LEVEL: 'error', HERALD_MAX_CONNECTIONS: '1000000', HERALD_MAX_INBOX: '1000000' });
    const urls = cluster.nodes.map((n) => n.url);
    const sdk = new Herald({ url: urls[0]!, appId: TEST_APP.id, secret: TEST_APP.secret });
    const tokens = await Promise.all(Array.from({ length: SESSIONS }, (_, i) => sdk.createToken({ user: `u${i}`, scope: 'bench' })));
    const rx: Receiver = { delivered: 0, last: 0, latencies: [] };
    const { sessions, close } = await connect(urls, tokens, rx);
    await sleep(500);

    const pids = { redis: await redisPid(), nodes: cluster.nodes.map((n) => n.child.pid!) };

    // Fan-out: every publish to every session.
    const fanStart = performance.now();
    const fan = await measured(pids, async () => {
      const acceptMs = await publishAll(urls, FANOUT_PUBLISHES, () => ({ to: { scopes: ['bench'] }, module: 'bench', type: 'fan', data: { t: performance.now() } }));
      await waitDelivered(rx, FANOUT_PUBLISHES * SESSIONS);
      return acceptMs;
    });
    const fanAcceptMs = fan.result;
    const fanDeliveries = rx.delivered;
    const fanMs = rx.last - fanStart;
    const fanLat = rx.latencies.sort((a, b) => a - b);

    // Single recipient: each publish to one session.
    rx.delivered = 0;
    rx.latencies = [];
    const oneStart = performance.now();
    const one = await measured(pids, async () => {
      const acceptMs = await publishAll(urls, SINGLE_PUBLISHES, (i) => ({ to: { sessions: [sessions[i % sessions.length]] }, module: 'bench', type: 'one', data: { t: performance.now() } }));
      await waitDelivered(rx, SINGLE_PUBLISHES);
      return acceptMs;
    });
    const oneAcceptMs = one.result;
    const oneMs = rx.last - oneStart;
    const oneLat = rx.latencies.sort((a, b) => a - b);
    close();
    return {
      nodes: nodeCount,
      sessions: SESSIONS,
      fanout_publishes_per_s: Math.round(FANOUT_PUBLISHES / (fanAcceptMs / 1000)),
      fanout_deliveries_per_s: Math.round(fanDeliveries / (fanMs / 1000)),
      fanout_lost: FANOUT_PUBLISHES * SESSIONS - fanDeliveries,
      fanout_p50_ms: +percentile(fanLat, 50).toFixed(1),
      fanout_p99_ms: +percentile(fanLat, 99).toFixed(1),
      fanout_cpu_ms_per_1k_redis: +((fan.redisCpu * 1e6) / fanDeliveries).toFixed(1),
      fanout_cpu_ms_per_1k_nodes: +((fan.nodesCpu * 1e6) / fanDeliveries).toFixed(1),
      single_accepted_per_s: Math.round(SINGLE_PUBLISHES / (oneAcceptMs / 1000)),
      single_delivered_per_s: Math.round(rx.delivered / (oneMs / 1000)),
      single_p50_ms: +percentile(oneLat, 50).toFixed(1),
      single_p99_ms: +percentile(oneLat, 99).toFixed(1),
      single_cpu_ms_per_1k_redis: +((one.redisCpu * 1e6) / SINGLE_PUBLISHES).toFixed(1),
      single_cpu_ms_per_1k_nodes: +((one.nodesCpu * 1e6) / SINGLE_PUBLISHES).toFixed(1),
    };
  } finally {
    await cluster?.stop();
    await deletePrefix(prefix);
  }
}

const results = [];
for (const n of NODE_COUNTS) results.push(await run(n));
console.log(`\nHerald on Redis: ${SESSIONS} sessions spread over the nodes; fan-out = ${FANOUT_PUBLISHES} publishes to every session, single = ${SINGLE_PUBLISHES} one-recipient publishes; concurrency ${CONCURRENCY}\n`);
const cols = Object.keys(results[0]!) as Array<keyof (typeof results)[number]>;
console.log(`| ${cols.join(' | ')} |`);
console.log(`|${cols.map(() => '---').join('|')}|`);
for (const r of results) console.log(`| ${cols.map((c) => r[c]).join(' | ')} |`);
