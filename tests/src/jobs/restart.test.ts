// Jobs across a crash: the server is SIGKILLed while a client watches a job, restarted on the same data,
// and the job (kept in storage) completes; the client resumes its session and gets the result once.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Herald } from '@herald/server-sdk';
import type { Notification } from '@herald/protocol';
import { freePort, serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from '../fixtures/server-process.js';
import { recordingClient, waitUntil, type RecordingClient } from '../fixtures/clients.js';

describe('jobs across a server crash', () => {
  const dir = tempDir();
  let server: ServerProcess | undefined;
  let client: RecordingClient | undefined;
  after(async () => {
    client?.client.disconnect();
    await server?.kill('SIGTERM');
    dir.remove();
  });

  it('keeps a running job through SIGKILL and restart, and delivers its result once to the resumed session', async () => {
    const env = serverEnv(dir.path, await freePort());
    server = await startServerProcess(env);
    const sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });
    client = recordingClient(server.url, () => sdk.createToken({ user: 'crash' }));
    const session = await client.session();
    const job = await sdk.jobs.create({ session, kind: 'import' });
    const progress: number[] = [];
    const result = client.client.jobs.watch(job.id, { onProgress: (p) => progress.push(p.percent) });
    await sdk.jobs.progress(job.id, { percent: 40 });
    await client.waitFor(() => progress.includes(40), 'progress before the crash');

    await server.kill('SIGKILL');
    server = await startServerProcess(env);
    assert.deepEqual((await sdk.jobs.get(job.id)).progress, { percent: 40 }, 'the job survived the crash');
    // The acknowledgement of the first progress may have died with the server: this one can be held
    // back until the resumed client acknowledges it again, then it is written.
    await sdk.jobs.progress(job.id, { percent: 90 });
    await waitUntil(() => progress.includes(90), 'progress after the restart');
    assert.equal(client.client.sessionId, session, 'the session was resumed on the restarted server');
    await sdk.jobs.complete(job.id, { imported: 500 });

    assert.deepEqual(await result, { imported: 500 });
    await new Promise((r) => setTimeout(r, 300));
    const outcomes = client.seen.filter((n: Notification) => n.module === 'herald.jobs' && n.type === 'completed');
    assert.equal(outcomes.length, 1);
    assert.deepEqual(progress, [40, 90]);
  });
});
