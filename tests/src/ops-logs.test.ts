// Logs of the real server: one JSON line per lifecycle event and refusal, and never a secret, token or resume secret.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Herald } from '@herald/server-sdk';
import { serverEnv, startServerProcess, tempDir, TEST_APP, type ServerProcess } from './fixtures/server-process.js';
import { recordingClient } from './fixtures/clients.js';

const ADMIN_TOKEN = 'admin-token-never-logged-0123456789';

/** Opens a raw native-protocol connection, sends `hello`, and resolves with the first frame and the close code (if it closes). */
function handshake(url: string, hello: object): Promise<{ first: Record<string, unknown>; ws: WebSocket }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/ws`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => ws.send(JSON.stringify({ op: 'hello', ...hello })));
    ws.once('message', (data) => resolve({ first: JSON.parse(data.toString()) as Record<string, unknown>, ws }));
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    ws.once('close', () => resolve());
    ws.close();
  });
}

describe('server logs', () => {
  const dir = tempDir();
  let server: ServerProcess;
  let output = '';
  /** Every string that must never appear in a log line. */
  const secrets = new Set<string>([TEST_APP.secret, ADMIN_TOKEN]);

  before(async () => {
    server = await startServerProcess(serverEnv(dir.path, 0, { HERALD_LOG_LEVEL: 'trace', HERALD_ADMIN_TOKEN: ADMIN_TOKEN }));
    const sdk = new Herald({ url: server.url, appId: TEST_APP.id, secret: TEST_APP.secret });

    // Token connect, then a resume with the secret from the welcome.
    const token = await sdk.createToken({ user: 'logged-user' });
    secrets.add(token);
    const opened = await handshake(server.url, { token });
    assert.equal(opened.first['op'], 'welcome');
    const session = opened.first['session'] as string;
    const resumeSecret = opened.first['secret'] as string;
    secrets.add(resumeSecret);
    await closed(opened.ws);
    const resumed = await handshake(server.url, { resume: { session, secret: resumeSecret } });
    assert.equal(resumed.first['resumed'], true);
    await sdk.publish({ to: { sessions: [session] }, module: 'm', type: 't', data: { note: 'payload' } });
    await closed(resumed.ws);

    // Refusals: a wrong resume secret, a forged token, a wrong app secret, a wrong admin token.
    const wrongResume = 'wrong-resume-secret-never-logged';
    const forged = `${token.slice(0, -6)}AAAAAA`;
    secrets.add(wrongResume).add(forged);
    await closed((await handshake(server.url, { resume: { session, secret: wrongResume } })).ws);
    await closed((await handshake(server.url, { token: forged })).ws);
    const wrongSecret = 'wrong-app-secret-never-logged';
    secrets.add(wrongSecret);
    const refused = await fetch(`${server.url}/v1/apps/${TEST_APP.id}/notifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${wrongSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: { all: true }, module: 'm', type: 't' }),
    });
    assert.equal(refused.status, 401);
    const wrongAdmin = 'wrong-admin-token-never-logged';
    secrets.add(wrongAdmin);
    assert.equal((await fetch(`${server.url}/admin/api/overview`, { headers: { authorization: `Bearer ${wrongAdmin}` } })).status, 401);
    assert.equal((await fetch(`${server.url}/admin/api/overview`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status, 200);

    // A token minted by the server's own endpoint, used by the real SDK client.
    const minted = (await (await fetch(`${server.url}/v1/apps/${TEST_APP.id}/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_APP.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'sdk-user' }),
    })).json()) as { token: string };
    secrets.add(minted.token);
    const c = recordingClient(server.url, minted.token);
    await c.session();
    c.client.close();
    await new Promise((r) => setTimeout(r, 200));

    await server.kill('SIGTERM');
    output = server.output();
  });
  after(() => dir.remove());

  const lines = () => output.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('HERALD_READY'));

  it('writes every log line as one JSON object with a level, a time and the node', () => {
    assert.ok(lines().length >= 8, `too few log lines:\n${output}`);
    for (const line of lines()) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      assert.equal(typeof entry['level'], 'number', line);
      assert.equal(typeof entry['time'], 'number', line);
      assert.equal(typeof entry['node'], 'string', line);
    }
  });

  it('logs one line per session lifecycle event and per refusal', () => {
    const events = lines().map((l) => JSON.parse(l) as { event?: string; code?: string });
    const count = (event: string, code?: string) => events.filter((e) => e.event === event && (code === undefined || e.code === code)).length;
    assert.equal(count('session_opened'), 2, 'the raw token connect and the SDK client');
    assert.equal(count('session_resumed'), 1);
    assert.ok(count('session_disconnected') >= 2);
    assert.equal(count('session_ended'), 1, 'the SDK client closed its session');
    assert.ok(count('refused', 'session_not_found') >= 1, 'the wrong resume secret');
    assert.ok(count('refused', 'invalid_token') >= 1, 'the forged token');
    assert.equal(count('refused', 'unauthorized'), 2, 'the wrong app secret and the wrong admin token');
    assert.equal(count('shutdown_started'), 1);
  });

  it('never writes an app secret, admin token, connection token or resume secret', () => {
    assert.ok(secrets.size >= 9);
    for (const secret of secrets) {
      assert.ok(!output.includes(secret), `a log line contains the secret ${secret.slice(0, 12)}…`);
      // A JWT's signature alone is as good as the token for nobody, but its payload+signature would be: check the signature part too.
      const signature = secret.split('.')[2];
      if (signature) assert.ok(!output.includes(signature), 'a log line contains a token signature');
    }
    assert.ok(!output.includes('payload'), 'notification data is not logged');
  });
});
