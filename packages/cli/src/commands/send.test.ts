// Tests of `herald send`: argument parsing, and a publish against a real HTTP server on port 0.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError, type CliIO } from '../command.js';
import { parseSendArgs, run } from './send.js';

const creds = ['--url', 'http://h', '--app', 'a1', '--secret', 's'];

function capture(env: CliIO['env'] = {}): CliIO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', env, out: (t: string) => { io.stdout += t; }, err: (t: string) => { io.stderr += t; } };
  return io;
}

describe('herald send arguments', () => {
  it('builds the publish request, adding up repeated and mixed targets', () => {
    const args = parseSendArgs([...creds, '--to-session', 's1', '--to-session', 's2', '--to-user', 'u1', '--to-scope', 'kiosk',
      '--to-channel', 'orders', '--except', 's2', '--module', 'orders', '--type', 'shipped', '--data', '{"id":42}',
      '--key', 'order-42', '--ttl', '300', '--idempotency-key', 'k1'], {});
    assert.deepEqual(args, {
      url: 'http://h', appId: 'a1', secret: 's',
      request: {
        to: { sessions: ['s1', 's2'], users: ['u1'], scopes: ['kiosk'], channels: ['orders'], except: 's2' },
        module: 'orders', type: 'shipped', data: { id: 42 }, key: 'order-42', ttl: 300, idempotencyKey: 'k1',
      },
    });
  });

  it('sends to everyone with --all, leaves data out when not given, and reads the server from the environment', () => {
    const env = { HERALD_URL: 'http://env', HERALD_APP_ID: 'env-app', HERALD_APP_SECRET: 'env-secret' };
    assert.deepEqual(parseSendArgs(['--all', '--module', 'm', '--type', 't'], env), {
      url: 'http://env', appId: 'env-app', secret: 'env-secret', request: { to: { all: true }, module: 'm', type: 't' },
    });
  });

  it('accepts any JSON value as data', () => {
    for (const [text, value] of [['"hi"', 'hi'], ['3', 3], ['null', null], ['[1,2]', [1, 2]]] as const) {
      const args = parseSendArgs([...creds, '--all', '--module', 'm', '--type', 't', '--data', text], {});
      assert.ok(args !== 'help');
      assert.deepEqual(args.request.data, value);
    }
  });

  it('refuses a missing target, module, type or server, and bad data', () => {
    const cases: Array<[string[], RegExp]> = [
      [[...creds, '--module', 'm', '--type', 't'], /name a target/],
      [[...creds, '--except', 's1', '--module', 'm', '--type', 't'], /name a target/],
      [[...creds, '--all', '--type', 't'], /--module is required/],
      [[...creds, '--all', '--module', 'm'], /--type is required/],
      [['--app', 'a', '--secret', 's', '--all', '--module', 'm', '--type', 't'], /--url is required \(or set HERALD_URL\)/],
      [[...creds, '--all', '--module', 'm', '--type', 't', '--data', 'hello'], /--data is not valid JSON/],
      [[...creds, '--all', '--module', 'm', '--type', 't', '--ttl', '-1'], /--ttl/],
      [[...creds, '--all=yes', '--module', 'm', '--type', 't'], /--all/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(() => parseSendArgs(argv, {}), (err: unknown) => err instanceof UsageError && message.test(err.message), argv.join(' '));
    }
  });
});

describe('herald send', () => {
  let server: Server;
  let url: string;
  let answer: { status: number; body: unknown };
  const received: Array<{ url: string; auth: string; body: unknown }> = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        received.push({ url: req.url ?? '', auth: req.headers.authorization ?? '', body: JSON.parse(body) as unknown });
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('publishes and prints the answer as JSON', async () => {
    answer = { status: 202, body: { id: 'n1', recipients: 2 } };
    const io = capture({ HERALD_APP_SECRET: 's3' });
    const code = await run(['--url', url, '--app', 'a1', '--to-user', 'u1', '--module', 'm', '--type', 't', '--data', '{"x":1}'], io);
    assert.equal(code, 0, io.stderr);
    assert.deepEqual(JSON.parse(io.stdout), { id: 'n1', recipients: 2 });
    assert.deepEqual(received.at(-1), { url: '/v1/apps/a1/notifications', auth: 'Bearer s3', body: { to: { users: ['u1'] }, module: 'm', type: 't', data: { x: 1 } } });
  });

  it('exits 1 and prints the error code when the server refuses', async () => {
    answer = { status: 400, body: { error: { code: 'invalid_target', message: 'No such session: s9' } } };
    const io = capture();
    const code = await run(['--url', url, '--app', 'a1', '--secret', 's', '--to-session', 's9', '--module', 'm', '--type', 't'], io);
    assert.equal(code, 1);
    assert.equal(io.stdout, '');
    assert.equal(io.stderr, 'herald send: invalid_target (HTTP 400): No such session: s9\n');
  });

  it('turns a malformed --url into a usage error before sending anything', async () => {
    const count = received.length;
    await assert.rejects(run(['--url', 'not a url', '--app', 'a', '--secret', 's', '--all', '--module', 'm', '--type', 't'], capture()), UsageError);
    assert.equal(received.length, count);
  });

  it('prints its help', async () => {
    const io = capture();
    assert.equal(await run(['--help'], io), 0);
    assert.match(io.stdout, /^Usage: herald send/);
  });
});
