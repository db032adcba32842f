// `npm run bench:idle`: memory per idle SSE connection (RSS slope from 1k to 5k streams) and the CPU that idle
// SSE and long-poll clients cost the server. Loopback only; bounded in time (about a minute with the defaults).
import { Herald } from '@herald/server-sdk';
import { serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from '../fixtures/server-process.js';
import { cpuMs, openIdleLongPoll, openIdleSse, rssKiB, type IdleClients } from '../fixtures/idle-clients.js';
import { sleep } from '../fixtures/measure.js';

const SIZES = (process.env['BENCH_SIZES'] ?? '1000,5000').split(',').map(Number);
const IDLE_MS = Number(process.env['BENCH_IDLE_MS'] ?? 30_000);

async function tokensFor(server: ServerProcess, n: number, prefix: string): Promise<string[]> {
  const sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });
  return Promise.all(Array.from({ length: n }, (_, i) => sdk.createToken({ user: `${prefix}${i}` })));
}

/** Settles, then the server's RSS. */
async function settledRss(server: ServerProcess): Promise<number> {
  await sleep(2000);
  return rssKiB(server.child.pid!);
}

async function idleCpu(server: ServerProcess): Promise<number> {
  const before = cpuMs(server.child.pid!);
  await sleep(IDLE_MS);
  return cpuMs(server.child.pid!) - before;
}

const dir = tempDir('herald-bench-idle-');
const opened: IdleClients[] = [];
const servers: ServerProcess[] = [];
try {
  const env = (name: string) => serverEnv(`${dir.path}/${name}`, 0, { HERALD_LOG_LEVEL: 'error', HERALD_MAX_CONNECTIONS: '1000000' });

  // SSE: one server, streams added up to each size; the RSS slope between sizes is the cost of one more idle stream.
  const sseServer = await startServerProcess(env('sse'));
  servers.push(sseServer);
  await sleep(500);
  const rows: Array<{ streams: number; rss_mib: number }> = [{ streams: 0, rss_mib: +((await settledRss(sseServer)) / 1024).toFixed(1) }];
  let have = 0;
  for (const n of SIZES) {
    opened.push(await openIdleSse(sseServer.url, await tokensFor(sseServer, n - have, `sse${have}-`)));
    have = n;
    rows.push({ streams: n, rss_mib: +((await settledRss(sseServer)) / 1024).toFixed(1) });
  }
  const sseCpu = await idleCpu(sseServer);

  // Long-poll: the same number of clients as the largest SSE size, each with a poll waiting (default timeout 25 s).
  const lpServer = await startServerProcess(env('lp'));
  servers.push(lpServer);
  const largest = SIZES[SIZES.length - 1]!;
  const lp = await openIdleLongPoll(lpServer.url, await tokensFor(lpServer, largest, 'lp'));
  opened.push(lp);
  await sleep(1000);
  const pollsBefore = lp.polls;
  const lpCpu = await idleCpu(lpServer);
  const renewals = lp.polls - pollsBefore;

  console.log(`\nHerald idle HTTP-transport clients (loopback, heartbeat 25 s, long-poll timeout 25 s)\n`);
  console.log('| idle SSE streams | server RSS MiB |');
  console.log('|---|---|');
  for (const r of rows) console.log(`| ${r.streams} | ${r.rss_mib} |`);
  const a = rows[1]!;
  const b = rows[rows.length - 1]!;
  if (b.streams > a.streams) console.log(`\nRSS slope ${a.streams} -> ${b.streams} idle SSE streams: ${(((b.rss_mib - a.rss_mib) * 1024) / (b.streams - a.streams)).toFixed(2)} KiB per stream`);
  console.log(`Server CPU over ${IDLE_MS / 1000} s idle with ${largest} SSE streams: ${sseCpu} ms (${((sseCpu / IDLE_MS) * 100).toFixed(2)}% of one core)`);
  console.log(`Server CPU over ${IDLE_MS / 1000} s idle with ${largest} long-poll clients: ${lpCpu} ms (${((lpCpu / IDLE_MS) * 100).toFixed(2)}% of one core), ${renewals} empty polls answered and renewed meanwhile`);
} finally {
  for (const c of opened) c.close();
  for (const s of servers) await s.kill('SIGTERM');
  dir.remove();
}
