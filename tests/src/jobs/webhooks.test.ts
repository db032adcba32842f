// Black-box webhook tests: the real server reports sessions ending and jobs orphaned or expired to a local
// HTTP receiver, signed so the server SDK verifies them; failed deliveries are retried.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Herald, readWebhook, verifyWebhook, WEBHOOK_SIGNATURE_HEADER } from '@herald/server-sdk';
import { JobError, State } from '@herald/client/node';
import type { WebhookEvent } from '@herald/protocol';
import { serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from '../fixtures/server-process.js';
import { recordingClient, waitUntil, type RecordingClient } from '../fixtures/clients.js';
import { startWebhookReceiver, type WebhookReceiver } from '../fixtures/webhook-receiver.js';

function find<N extends WebhookEvent['name']>(events: WebhookEvent[], name: N, test: (e: Extract<WebhookEvent, { name: N }>) => boolean) {
  return events.filter((e): e is Extract<WebhookEvent, { name: N }> => e.name === name).filter(test);
}

describe('webhooks through the real server', () => {
  const dir = tempDir();
  let server: ServerProcess;
  let receiver: WebhookReceiver;
  let sdk: Herald;
  const clients: RecordingClient[] = [];
  const connect = async (user: string) => {
    const c = recordingClient(server.url, await sdk.createToken({ user }));
    clients.push(c);
    return { c, session: await c.session() };
  };

  before(async () => {
    receiver = await startWebhookReceiver();
    server = await startServerProcess(serverEnv(dir.path, 0, {
      HERALD_APP_WEBHOOK_URL: receiver.url,
      HERALD_WEBHOOK_BATCH_MS: '20',
      HERALD_WEBHOOK_RETRY_MS: '100',
    }));
    sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });
  });
  after(async () => {
    for (const c of clients) c.client.disconnect();
    await server.kill('SIGTERM');
    await receiver.close();
    dir.remove();
  });

  it('reports a session the backend ended, and its unfinished job as orphaned, signed so the SDK verifies it', async () => {
    const { c, session } = await connect('orphan');
    const job = await sdk.jobs.create({ session, kind: 'report', meta: { report: 7 } });
    const done = await sdk.jobs.create({ session, kind: 'report' });
    await sdk.jobs.complete(done.id, 1);
    await sdk.endSession(session);
    await waitUntil(() => find(receiver.events(), 'job.orphaned', (e) => e.session === session).length > 0, 'the job.orphaned webhook');
    assert.deepEqual(find(receiver.events(), 'session.ended', (e) => e.session === session).map((e) => [e.reason, e.user, e.scope]), [['backend', 'orphan', 'browser']]);
    const orphaned = find(receiver.events(), 'job.orphaned', (e) => e.session === session);
    assert.deepEqual(orphaned.map((e) => [e.job, e.kind, e.meta, e.reason]), [[job.id, 'report', { report: 7 }, 'backend']], 'only the unfinished job');
    assert.equal((await sdk.jobs.get(job.id)).state, 'orphaned');
    await assert.rejects(sdk.jobs.complete(job.id, 1), /orphaned/);

    for (const request of receiver.requests) {
      const signature = request.headers[WEBHOOK_SIGNATURE_HEADER];
      assert.equal(verifyWebhook(request.raw, signature, TEST_APP.secret), true);
      assert.equal(verifyWebhook(request.raw, signature, 'another-secret'), false);
      assert.ok(readWebhook(request.raw, signature, TEST_APP.secret)?.time_ms);
      assert.equal(request.headers['content-type'], 'application/json');
    }
    await waitUntil(() => c.client.state === State.Closed, 'the client to be closed');
  });

  it('reports a session its client closed', async () => {
    const { c, session } = await connect('closer');
    c.client.close();
    await waitUntil(() => find(receiver.events(), 'session.ended', (e) => e.session === session).length > 0, 'the session.ended webhook');
    assert.deepEqual(find(receiver.events(), 'session.ended', (e) => e.session === session).map((e) => e.reason), ['client']);
  });

  it('expires a job past its ttl: the client watch rejects with job_expired and the app gets job.expired', async () => {
    const { c, session } = await connect('slow');
    const job = await sdk.jobs.create({ session, kind: 'slow', ttl: 1 });
    const outcome = c.client.jobs.watch(job.id).then(() => null, (e: unknown) => e);
    const error = await outcome;
    assert.ok(error instanceof JobError && error.code === 'job_expired', String(error));
    await waitUntil(() => find(receiver.events(), 'job.expired', (e) => e.job === job.id).length > 0, 'the job.expired webhook');
    const info = await sdk.jobs.get(job.id);
    assert.deepEqual([info.state, info.error?.code], ['expired', 'job_expired']);
    assert.ok(info.finishedAt! - info.createdAt >= 1000);
    await assert.rejects(sdk.jobs.complete(job.id, 'too late'), /expired/);
  });

  it('retries a webhook the receiver refused, with growing delays and the same signed body, until it is accepted', async () => {
    const { session } = await connect('retried');
    const before = receiver.requests.length;
    receiver.failNext(2, 503);
    await sdk.endSession(session);
    await waitUntil(() => find(receiver.events(), 'session.ended', (e) => e.session === session).length > 0, 'the accepted retry');
    const attempts = receiver.requests.slice(before);
    assert.deepEqual(attempts.map((r) => r.status), [503, 503, 204]);
    assert.ok(attempts.every((r) => r.raw.equals(attempts[0]!.raw)), 'every attempt carries the same body');
    const gaps = attempts.slice(1).map((r, i) => r.at - attempts[i]!.at);
    assert.ok(gaps[0]! >= 90 && gaps[1]! >= 190, `gaps ${gaps.join(', ')} ms should double from 100 ms`);
    assert.equal(verifyWebhook(attempts[2]!.raw, attempts[2]!.headers[WEBHOOK_SIGNATURE_HEADER], TEST_APP.secret), true);
  });
});

describe('webhooks of a config-file app with an event filter', () => {
  const dir = tempDir();
  let server: ServerProcess;
  let receiver: WebhookReceiver;
  let sdk: Herald;

  before(async () => {
    receiver = await startWebhookReceiver();
    const config = join(dir.path, 'herald.json');
    writeFileSync(config, JSON.stringify({
      apps: [{ id: 'filtered', key: 'filtered-key', secret: 'filtered-secret', webhooks: { url: receiver.url, events: ['job.expired'] } }],
    }));
    server = await startServerProcess({ HERALD_PORT: '0', HERALD_DATA_DIR: dir.path, HERALD_CONFIG: config, HERALD_WEBHOOK_BATCH_MS: '20' });
    sdk = new Herald({ url: server.url, appId: 'filtered', secret: 'filtered-secret' });
  });
  after(async () => {
    await server.kill('SIGTERM');
    await receiver.close();
    dir.remove();
  });

  it('sends only the events the app asked for, signed with its own secret', async () => {
    const c = recordingClient(server.url, await sdk.createToken({ user: 'f' }));
    const session = await c.session();
    const job = await sdk.jobs.create({ session, kind: 'k', ttl: 1 });
    await waitUntil(() => receiver.events().length > 0, 'the job.expired webhook', 5000);
    await sdk.endSession(session);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(receiver.events().map((e) => e.name), ['job.expired']);
    assert.equal(find(receiver.events(), 'job.expired', (e) => e.job === job.id).length, 1);
    const [request] = receiver.requests;
    assert.equal(request?.headers['x-herald-app'], 'filtered');
    assert.equal(verifyWebhook(request!.raw, request!.headers[WEBHOOK_SIGNATURE_HEADER], 'filtered-secret'), true);
    c.client.disconnect();
  });
});
