// Idle SSE and long-poll clients cost no busy CPU: the server's CPU time over an idle interval stays near zero.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Herald } from '@herald/server-sdk';
import { serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from '../fixtures/server-process.js';
import { cpuMs, openIdleLongPoll, openIdleSse, type IdleClients } from '../fixtures/idle-clients.js';

const CLIENTS = 300;
const IDLE_MS = 3000;

// A busy-waiting transport burns most of a core; the server's own periodic work (sweeps, metrics) and a
// loaded shared machine cost a few percent. The exact idle cost is measured by `npm run bench:idle`.
const BUSY_BOUND = 0.1;

describe('idle HTTP-transport clients', () => {
  const dir = tempDir();
  const servers: ServerProcess[] = [];
  const opened: IdleClients[] = [];
  after(async () => {
    for (const c of opened) c.close();
    for (const s of servers) await s.kill('SIGTERM');
    dir.remove();
  });

  async function start(name: string, env: Record<string, string>) {
    const server = await startServerProcess(serverEnv(`${dir.path}/${name}`, 0, env));
    servers.push(server);
    const sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });
    const tokens = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => sdk.createToken({ user: `${name}${i}` })));
    return { server, tokens };
  }

  async function cpuOver(server: ServerProcess): Promise<number> {
    await new Promise((r) => setTimeout(r, 500));
    const before = cpuMs(server.child.pid!);
    await new Promise((r) => setTimeout(r, IDLE_MS));
    return cpuMs(server.child.pid!) - before;
  }

  it(`${CLIENTS} idle SSE streams never busy-wait: well under a tenth of one CPU, three heartbeat sweeps included`, async () => {
    const { server, tokens } = await start('sse', { HERALD_HEARTBEAT_MS: '1000' });
    const sse = await openIdleSse(server.url, tokens);
    opened.push(sse);
    const used = await cpuOver(server);
    assert.equal(sse.open, CLIENTS);
    assert.ok(used < IDLE_MS * BUSY_BOUND, `server used ${used} ms of CPU in ${IDLE_MS} ms`);
  });

  it(`${CLIENTS} long polls waiting for notifications never busy-wait: well under a tenth of one CPU`, async () => {
    const { server, tokens } = await start('lp', { HERALD_HEARTBEAT_MS: '10000', HERALD_LONG_POLL_TIMEOUT_MS: '10000' });
    const lp = await openIdleLongPoll(server.url, tokens);
    opened.push(lp);
    const polls = lp.polls;
    const used = await cpuOver(server);
    assert.equal(lp.open, CLIENTS);
    assert.equal(lp.polls, polls, 'every poll kept waiting through the interval');
    assert.ok(used < IDLE_MS * BUSY_BOUND, `server used ${used} ms of CPU in ${IDLE_MS} ms`);
  });
});
