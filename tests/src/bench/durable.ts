// `npm run bench`: Herald's durable path. N sessions connected over the native protocol; session-targeted
// notifications published through the HTTP API with keep-alive; reports accepted/s, delivered/s, the
// group commits they took (from /metrics), publish-to-receive latency and server memory per idle
// connection. Loopback only; bounded in time.
import { Agent, request } from 'node:http';
import WebSocket from 'ws';
import { Herald } from '@herald/server-sdk';
import { freePort, serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from '../fixtures/server-process.js';
import { percentile, rssKiB, sleep } from '../fixtures/measure.js';

const SIZES = (process.env['BENCH_SIZES'] ?? '1000,5000').split(',').map(Number);
const PUBLISHES = Number(process.env['BENCH_PUBLISHES'] ?? 20_000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 64);
/** The fan-out phase: publishes addressed to every session (`to.all`), a few in flight. */
const FANOUT_PUBLISHES = Number(process.env['BENCH_FANOUT_PUBLISHES'] ?? 20);
const FANOUT_CONCURRENCY = Number(process.env['BENCH_FANOUT_CONCURRENCY'] ?? 2);


/** Storage transactions the server has committed so far (`herald_storage_commits_total`). */
async function commits(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /^herald_storage_commits_total (\d+)/m.exec(text);
  if (!m) throw new Error('the server reports no herald_storage_commits_total');
  return Number(m[1]);
}

interface Conn {
  ws: WebSocket;
  session: string;
  lastSeq: number;
  ackTimer: NodeJS.Timeout | null;
}

async function connectAll(url: string, tokens: string[], onNotification: (sentAt: number) => void): Promise<Conn[]> {
  const wsUrl = url.replace(/^http/, 'ws') + '/v1/ws';
  const conns: Conn[] = [];
  const batch = 200;
  for (let i = 0; i < tokens.length; i += batch) {
    const opened = await Promise.all(
      tokens.slice(i, i + batch).map(
        (token) =>
          new Promise<Conn>((resolve, reject) => {
            const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
            const conn: Conn = { ws, session: '', lastSeq: 0, ackTimer: null };
            ws.on('open', () => ws.send(JSON.stringify({ op: 'hello', token })));
            ws.on('error', reject);
            ws.on('message', (raw) => {
              const frame = JSON.parse(raw.toString()) as { op: string; session?: string; seq?: number; notification?: { data: { t: number } } };
              if (frame.op === 'welcome') {
                conn.session = frame.session!;
                resolve(conn);
              } else if (frame.op === 'notification') {
                conn.lastSeq = frame.seq!;
                onNotification(frame.notification!.data.t);
                // Acknowledge like the SDK does: cumulative, coalesced.
                conn.ackTimer ??= setTimeout(() => {
                  conn.ackTimer = null;
                  ws.send(`{"op":"ack","seq":${conn.lastSeq}}`);
                }, 50);
              } else if (frame.op === 'ping') {
                ws.send('{"op":"pong"}');
              }
            });
          }),
      ),
    );
    conns.push(...opened);
  }
  return conns;
}

async function runSize(server: ServerProcess, n: number, baseRss: number) {
  const sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });
  const tokens = await Promise.all(Array.from({ length: n }, (_, i) => sdk.createToken({ user: `u${i}` })));
  const latencies: number[] = [];
  let delivered = 0;
  let lastDelivery = 0;
  const conns = await connectAll(server.url, tokens, (sentAt) => {
    const now = performance.now();
    latencies.push(now - sentAt);
    delivered++;
    lastDelivery = now;
  });
  await sleep(2000);
  const idleRss = rssKiB(server.child.pid!);

  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const { hostname, port } = new URL(server.url);
  const publishOne = (to: object) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ to, module: 'bench', type: 'tick', data: { t: performance.now() } });
      const req = request(
        { agent, hostname, port, method: 'POST', path: `/v1/apps/${TEST_APP.id}/notifications`, headers: { authorization: `Bearer ${TEST_APP.secret}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 202 ? resolve() : reject(new Error(`publish answered ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  /** Publishes `count` notifications, `concurrency` in flight, then waits (30 s at most) for `count * perPublish` deliveries. */
  const phase = async (count: number, concurrency: number, to: (i: number) => object, perPublish: number) => {
    latencies.length = 0;
    delivered = 0;
    let next = 0;
    const commitsBefore = await commits(server.url);
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) await publishOne(to(next++));
      }),
    );
    const acceptedMs = performance.now() - start;
    // Acknowledgements and sent marks share these transactions with the publishes.
    const phaseCommits = (await commits(server.url)) - commitsBefore;
    const expected = count * perPublish;
    const deadline = Date.now() + 30_000;
    while (delivered < expected && Date.now() < deadline) await sleep(20);
    const deliveredMs = lastDelivery - start;
    latencies.sort((a, b) => a - b);
    return {
      accepted_per_s: Math.round(count / (acceptedMs / 1000)),
      delivered_per_s: Math.round(delivered / (deliveredMs / 1000)),
      commits_per_s: Math.round(phaseCommits / (acceptedMs / 1000)),
      publishes_per_commit: +(count / phaseCommits).toFixed(1),
      lost: expected - delivered,
      latency_p50_ms: +percentile(latencies, 50).toFixed(2),
      latency_p99_ms: +percentile(latencies, 99).toFixed(2),
    };
  };

  const targeted = await phase(PUBLISHES, CONCURRENCY, (i) => ({ sessions: [conns[i % n]!.session] }), 1);
  await sleep(1000);
  const fanout = await phase(FANOUT_PUBLISHES, FANOUT_CONCURRENCY, () => ({ all: true }), n);
  for (const c of conns) c.ws.terminate();
  agent.destroy();
  await sleep(500);
  return {
    targeted: { sessions: n, ...targeted, idle_rss_mib: +(idleRss / 1024).toFixed(1), kib_per_idle_conn: +((idleRss - baseRss) / n).toFixed(2) },
    fanout: { sessions: n, publishes: FANOUT_PUBLISHES, ...fanout },
  };
}

function table(rows: Array<Record<string, number>>): void {
  const cols = Object.keys(rows[0]!);
  console.log(`| ${cols.join(' | ')} |`);
  console.log(`|${cols.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${cols.map((c) => r[c]).join(' | ')} |`);
}

const dir = tempDir('herald-bench-');
try {
  const port = await freePort();
  const results = [];
  for (const n of SIZES) {
    // A fresh server per size, so each memory figure starts from the same empty process.
    const server = await startServerProcess(serverEnv(dir.path + `/n${n}`, port, { HERALD_LOG_LEVEL: 'error', HERALD_MAX_CONNECTIONS: '1000000' }));
    await sleep(500);
    const baseRss = rssKiB(server.child.pid!);
    results.push(await runSize(server, n, baseRss));
    await server.kill('SIGTERM');
  }
  console.log(`\nHerald durable path, SQLite synchronous=FULL with group commit (one transaction per event-loop turn).`);
  console.log(`\nSession-targeted: ${PUBLISHES} publishes, each to one of N connected sessions, ${CONCURRENCY} in flight\n`);
  table(results.map((r) => r.targeted));
  console.log(`\nFan-out: ${FANOUT_PUBLISHES} publishes to all N sessions (to.all: N inbox entries each), ${FANOUT_CONCURRENCY} in flight\n`);
  table(results.map((r) => r.fanout));
  if (results.length > 1) {
    const a = results[0]!.targeted;
    const b = results[results.length - 1]!.targeted;
    const slope = ((b.idle_rss_mib - a.idle_rss_mib) * 1024) / (b.sessions - a.sessions);
    console.log(`\nRSS slope ${a.sessions} -> ${b.sessions} idle connections: ${slope.toFixed(2)} KiB per connection`);
  }
} finally {
  dir.remove();
}
