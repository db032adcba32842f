// Unit tests of the webhook wiring: the real Sessions and Jobs report to a real dispatcher, posting to a loopback receiver.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { WebhookEvent, WebhookPayload } from '@herald/protocol';
import { Delivery } from '../core/delivery.js';
import { Jobs } from '../core/jobs.js';
import { Publisher } from '../core/publish.js';
import { Sessions } from '../core/sessions.js';
import { SqliteJobStore } from '../storage/sqlite/job-store.js';
import { SqliteStorage } from '../storage/sqlite/sqlite.js';
import { WebhookDispatcher } from './dispatcher.js';
import { reportToWebhooks } from './setup.js';

const T0 = 1_700_000_000_000;

describe('reportToWebhooks', () => {
  let clock: number;
  let server: Server;
  let events: WebhookEvent[];
  let storage: SqliteStorage;
  let store: SqliteJobStore;
  let sessions: Sessions;
  let jobs: Jobs;
  let webhooks: WebhookDispatcher;

  beforeEach(async () => {
    clock = T0;
    events = [];
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        events.push(...(JSON.parse(Buffer.concat(chunks).toString()) as WebhookPayload).events);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const now = () => clock;
    const onError = (err: unknown) => assert.fail(String(err));
    storage = new SqliteStorage({ path: ':memory:', synchronous: 'NORMAL' });
    store = new SqliteJobStore({ path: ':memory:', synchronous: 'NORMAL' });
    await storage.init();
    await store.init();
    await storage.putApp({ id: 'a', key: 'k', secret: 's', name: 'a', createdAt: T0, settings: {} });
    const delivery = new Delivery(storage, { readBatch: 100, now, onError });
    sessions = new Sessions(storage, delivery, { node: 'n1', sessionTtlMs: 10_000, heartbeatMs: 25_000, maxConnectionsPerApp: 10, now });
    const publisher = new Publisher(storage, delivery, { maxInbox: 100, defaultTtlSeconds: 3600, idempotencyTtlMs: 60_000, now });
    jobs = new Jobs(store, storage, publisher, { ttlMs: 60_000, now, onError });
    sessions.events.push({ ended: (s, reason) => void jobs.sessionEnded(s.id, reason) });
    webhooks = new WebhookDispatcher(new Map([['a', { url, events: null }]]), {
      batchMs: 5, retryMs: 10, attempts: 2, timeoutMs: 1000, now, secret: async () => 's', report: () => undefined,
    });
    reportToWebhooks(webhooks, sessions, jobs, now);
  });
  afterEach(async () => {
    await jobs.stop();
    await webhooks.close();
    await store.close();
    await storage.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function until(predicate: () => boolean): Promise<void> {
    for (let i = 0; i < 400 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(predicate(), `timed out; events: ${JSON.stringify(events)}`);
  }

  it('reports a session that stayed disconnected past its ttl as ended (expired), with its orphaned job', async () => {
    await storage.createSession({ id: 's1', appId: 'a', userId: 'u1', scope: 'kiosk', meta: {}, resumeHash: 'h', ttlMs: 10_000, createdAt: T0 });
    const job = await jobs.create('a', { session: 's1', kind: 'print' });
    clock = T0 + 10_001;
    assert.equal(await sessions.expire(), 1);
    await until(() => events.length === 2);
    assert.deepEqual(events, [
      { name: 'session.ended', time_ms: clock, session: 's1', user: 'u1', scope: 'kiosk', reason: 'expired', dropped: 1 },
      { name: 'job.orphaned', time_ms: clock, job: job.id, kind: 'print', meta: {}, session: 's1', reason: 'expired' },
    ]);
  });

  it('reports a job that expired', async () => {
    await storage.createSession({ id: 's1', appId: 'a', userId: null, scope: 'browser', meta: { a: 1 }, resumeHash: 'h', ttlMs: 10_000, createdAt: T0 });
    const job = await jobs.create('a', { session: 's1', kind: 'print', meta: { copies: 2 }, ttl: 5 });
    clock = T0 + 5000;
    await jobs.expireDue();
    await until(() => events.length === 1);
    assert.deepEqual(events, [{ name: 'job.expired', time_ms: clock, job: job.id, kind: 'print', meta: { copies: 2 }, session: 's1' }]);
  });
});
