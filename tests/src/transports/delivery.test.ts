// The delivery promise over every transport: the same tests, the same assertions, run over WebSocket, SSE and long-poll.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Herald } from '@herald/server-sdk';
import { State } from '@herald/client/node';
import { freePort, serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from '../fixtures/server-process.js';
import { waitUntil, type RecordingClient } from '../fixtures/clients.js';
import { startTcpProxy } from '../fixtures/tcp-proxy.js';
import { pinnedClient, TRANSPORTS } from './matrix.js';

const CRASH_SESSIONS = 30;

for (const transport of TRANSPORTS) {
  describe(`delivery over ${transport}`, () => {
    const dir = tempDir();
    let server: ServerProcess;
    let env: Record<string, string>;
    let sdk: Herald;
    const clients: RecordingClient[] = [];
    const connect = (token: string | (() => Promise<string>), url = server.url) => {
      const c = pinnedClient(transport, url, token);
      clients.push(c);
      return c;
    };
    const token = (user: string) => () => sdk.createToken({ user });

    before(async () => {
      env = serverEnv(dir.path, await freePort(), { HERALD_LONG_POLL_TIMEOUT_MS: '2000', HERALD_SEND_BUFFER_BYTES: '65536' });
      server = await startServerProcess(env);
      sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret, timeoutMs: 2000 });
    });
    after(async () => {
      for (const c of clients) c.client.disconnect();
      await server.kill('SIGTERM');
      dir.remove();
    });

    it('delivers a notification, and its status counts delivery and acknowledgement', async () => {
      const c = connect(token('alice'));
      const session = await c.session();
      const r = await sdk.publish({ to: { users: ['alice'] }, module: 'reports', type: 'ready', data: { report: 12 } });
      assert.equal(r.recipients, 1);
      await c.waitFor(() => c.seen.length === 1, 'the notification');
      assert.deepEqual(c.seen[0]!.data, { report: 12 });
      assert.equal(c.client.transport, transport);
      assert.equal((await sdk.getSession(session)).transport, transport);
      let status = await sdk.status(r.id);
      for (let i = 0; i < 150 && status.acknowledged < 1; i++) {
        await new Promise((res) => setTimeout(res, 20));
        status = await sdk.status(r.id);
      }
      assert.deepEqual({ recipients: status.recipients, delivered: status.delivered, acknowledged: status.acknowledged }, { recipients: 1, delivered: 1, acknowledged: 1 });
    });

    it('delivers a stream of notifications once each, in publish order', async () => {
      const c = connect(token('stream'));
      const session = await c.session();
      const ids: string[] = [];
      for (let i = 0; i < 300; i++) ids.push((await sdk.publish({ to: { sessions: [session] }, module: 'stream', type: 'n', data: i })).id);
      await c.waitFor(() => c.seen.length >= ids.length, 'every notification', 20_000);
      assert.deepEqual(c.seen.map((n) => n.id), ids);
    });

    it('resumes a client whose connection is cut mid-stream with no loss and no duplicates', async () => {
      const proxy = await startTcpProxy(server.port);
      try {
        const c = connect(token('cut'), `http://127.0.0.1:${proxy.port}`);
        const session = await c.session();
        const ids: string[] = [];
        for (let i = 0; i < 200; i++) {
          ids.push((await sdk.publish({ to: { sessions: [session] }, module: 'stream', type: 'n', data: i })).id);
          if (i % 50 === 25) proxy.cut();
        }
        await c.waitFor(() => c.seen.length >= ids.length, 'every notification after the cuts', 20_000);
        assert.deepEqual(c.seen.map((n) => n.id), ids, 'each notification once, in publish order');
        assert.equal(c.client.sessionId, session, 'the same session was resumed');
      } finally {
        await proxy.close();
      }
    });

    it('keeps notifications for a disconnected session and delivers them when it comes back', async () => {
      const c = connect(token('away'));
      const session = await c.session();
      c.client.disconnect();
      await waitUntil(() => c.client.state === State.Disconnected, 'disconnect');
      const r = await sdk.publish({ to: { sessions: [session] }, module: 'm', type: 'while-away' });
      assert.equal(r.recipients, 1);
      c.client.connect();
      await c.waitFor(() => c.seen.some((n) => n.id === r.id), 'the notification sent while away');
      assert.equal(c.client.sessionId, session);
      assert.equal(c.seen.length, 1);
    });

    it('replays an inbox many times larger than the send buffer, in order, without dropping the connection', async () => {
      const c = connect(token('backlog'));
      const session = await c.session();
      c.client.disconnect();
      await waitUntil(() => c.client.state === State.Disconnected, 'disconnect');
      const big = 'x'.repeat(20_000);
      const ids: string[] = [];
      for (let i = 0; i < 60; i++) ids.push((await sdk.publish({ to: { sessions: [session] }, module: 'backlog', type: 'n', data: { i, big } })).id);
      c.client.connect();
      await c.waitFor(() => c.seen.length >= ids.length, 'the whole backlog (1.2 MB through a 64 KiB buffer)', 20_000);
      assert.deepEqual(c.seen.map((n) => n.id), ids);
      assert.deepEqual(c.closeCodes, [], 'no slow-consumer close');
    });

    it('refuses a forged token with a close code that stops reconnecting', async () => {
      const forged = await new Herald({ url: server.url, appId: TEST_APP.id, secret: 'not-the-secret' }).createToken({ user: 'mallory' });
      const f = connect(forged);
      await waitUntil(() => f.client.state === State.Closed, 'the forged client to be refused');
      assert.deepEqual(f.closeCodes, [4001]);
    });

    it('stops and forgets the session when the backend ends it (4003)', async () => {
      const c = connect(token('ended'));
      const session = await c.session();
      await sdk.endSession(session);
      await waitUntil(() => c.client.state === State.Closed, 'the client to stop');
      assert.deepEqual(c.closeCodes, [4003]);
      assert.equal(c.client.sessionId, null);
    });

    it('ends the session on the server when the client closes it', async () => {
      const c = connect(token('closer'));
      const session = await c.session();
      c.client.close();
      let gone = false;
      for (let i = 0; i < 100 && !gone; i++) {
        gone = await sdk.getSession(session).then(() => false, () => true);
        if (!gone) await new Promise((res) => setTimeout(res, 20));
      }
      assert.ok(gone, 'the session no longer exists');
    });

    it('delivers every accepted notification exactly once, in order, after SIGKILL and restart', async () => {
      const crash = Array.from({ length: CRASH_SESSIONS }, (_, i) => connect(token(`k${i}`)));
      const sessions = await Promise.all(crash.map((c) => c.session()));
      const accepted: string[] = [];
      const inDoubt = new Set<string>();
      let n = 0;
      let stop = false;
      // One publisher, one publish at a time, so acceptance order is well defined.
      const publisher = (async () => {
        while (!stop) {
          const data = n++;
          try {
            accepted.push((await sdk.publish({ to: { sessions }, module: 'crash', type: 'n', data })).id);
          } catch {
            // A publish interrupted by the crash may or may not have landed.
            inDoubt.add(String(data));
            await new Promise((res) => setTimeout(res, 20));
          }
        }
      })();
      await waitUntil(() => accepted.length >= 100, 'publishes before the crash', 20_000);
      await server.kill('SIGKILL');
      const before = accepted.length;
      await new Promise((res) => setTimeout(res, 300));
      server = await startServerProcess(env);
      await waitUntil(() => accepted.length >= before + 100, 'publishes after the restart', 20_000);
      stop = true;
      await publisher;

      const acceptedSet = new Set(accepted);
      await waitUntil(() => crash.every((c) => accepted.every((id) => c.seen.some((x) => x.id === id))), 'every accepted notification at every session', 30_000);
      for (const [i, c] of crash.entries()) {
        const ids = c.seen.map((x) => x.id);
        assert.equal(new Set(ids).size, ids.length, `session ${i} saw a duplicate`);
        assert.deepEqual(ids.filter((id) => acceptedSet.has(id)), accepted, `session ${i} missed or reordered accepted notifications`);
        for (const x of c.seen.filter((y) => !acceptedSet.has(y.id))) assert.ok(inDoubt.has(String(x.data)), `session ${i} saw a notification nobody published`);
        assert.equal(c.client.sessionId, sessions[i], `session ${i} was resumed, not replaced`);
        assert.equal(c.client.transport, transport);
      }
    });
  });
}
