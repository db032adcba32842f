// Tests of herald.jobs against a real HTTP server on port 0 that records requests and answers with a job.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Herald, HeraldApiError } from './index.js';

interface Recorded { method: string; url: string; body: string; auth: string | undefined }

let server: Server;
let herald: Herald;
const requests: Recorded[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: {} };

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString(), auth: req.headers.authorization });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  herald = new Herald({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, appId: 'app', secret: 's3cret' });
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const JOB = { id: 'j/1', session: 's1', kind: 'report', meta: {}, state: 'running', progress: null, createdAt: 1, updatedAt: 1, expiresAt: 2, finishedAt: null };

describe('herald.jobs', () => {
  it('calls each job route with the app secret and returns the job', async () => {
    answer = { status: 200, body: JOB };
    requests.length = 0;
    assert.deepEqual(await herald.jobs.create({ session: 's1', kind: 'report', meta: { r: 1 }, ttl: 60 }), JOB);
    await herald.jobs.progress('j/1', { percent: 50, message: 'half' });
    await herald.jobs.complete('j/1', { rows: 2 });
    await herald.jobs.complete('j/1');
    await herald.jobs.fail('j/1', { code: 'quota', message: 'no' });
    await herald.jobs.get('j/1');
    assert.deepEqual(requests.map((r) => [r.method, r.url, r.body]), [
      ['POST', '/v1/apps/app/jobs', '{"session":"s1","kind":"report","meta":{"r":1},"ttl":60}'],
      ['POST', '/v1/apps/app/jobs/j%2F1/progress', '{"percent":50,"message":"half"}'],
      ['POST', '/v1/apps/app/jobs/j%2F1/complete', '{"result":{"rows":2}}'],
      ['POST', '/v1/apps/app/jobs/j%2F1/complete', '{"result":null}'],
      ['POST', '/v1/apps/app/jobs/j%2F1/fail', '{"error":{"code":"quota","message":"no"}}'],
      ['GET', '/v1/apps/app/jobs/j%2F1', ''],
    ]);
    assert.ok(requests.every((r) => r.auth === 'Bearer s3cret'));
  });

  it('throws the server error code, and invalid_response for an answer that is not a job', async () => {
    answer = { status: 409, body: { error: { code: 'job_finished', message: 'done' } } };
    await assert.rejects(herald.jobs.complete('j1', 1), (e) => e instanceof HeraldApiError && e.code === 'job_finished' && e.status === 409);
    answer = { status: 200, body: { ok: true } };
    await assert.rejects(herald.jobs.get('j1'), (e) => e instanceof HeraldApiError && e.code === 'invalid_response');
  });
});
