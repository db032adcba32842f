// Tests of `herald token`: argument parsing, and the printed token verified with jose.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jwtVerify } from 'jose';
import { UsageError, type CliIO } from '../command.js';
import { parseTokenArgs, run } from './token.js';

function capture(env: CliIO['env'] = {}): CliIO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', env, out: (t: string) => { io.stdout += t; }, err: (t: string) => { io.stderr += t; } };
  return io;
}

describe('herald token arguments', () => {
  it('reads every option', () => {
    const args = parseTokenArgs(['--app', 'a1', '--secret', 's', '--user', 'u1', '--scope', 'kiosk', '--ttl', '60', '--meta', '{"room":7}'], {});
    assert.deepEqual(args, { signer: { appId: 'a1', secret: 's' }, options: { user: 'u1', scope: 'kiosk', ttl: 60, meta: { room: 7 } } });
  });

  it('takes app and secret from the environment when the flags are left out, flags winning', () => {
    const env = { HERALD_APP_ID: 'env-app', HERALD_APP_SECRET: 'env-secret' };
    assert.deepEqual(parseTokenArgs([], env), { signer: { appId: 'env-app', secret: 'env-secret' }, options: { ttl: 3600 } });
    const args = parseTokenArgs(['--app', 'flag-app'], env);
    assert.ok(args !== 'help');
    assert.deepEqual(args.signer, { appId: 'flag-app', secret: 'env-secret' });
  });

  it('refuses missing credentials, bad numbers, bad JSON and unknown flags', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--secret', 's'], /--app is required \(or set HERALD_APP_ID\)/],
      [['--app', 'a'], /--secret is required/],
      [['--app', 'a', '--secret', 's', '--ttl', '0'], /--ttl/],
      [['--app', 'a', '--secret', 's', '--ttl', '1h'], /--ttl/],
      [['--app', 'a', '--secret', 's', '--meta', '{oops'], /--meta is not valid JSON/],
      [['--app', 'a', '--secret', 's', '--meta', '[1]'], /--meta must be a JSON object/],
      [['--app', 'a', '--secret', 's', '--nope'], /Unknown option '--nope'/],
      [['--app', 'a', '--secret', 's', 'extra'], /positional/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(() => parseTokenArgs(argv, {}), (err: unknown) => err instanceof UsageError && message.test(err.message), argv.join(' '));
    }
  });
});

describe('herald token', () => {
  it('prints one token, signed with the secret, carrying the requested claims', async () => {
    const io = capture({ HERALD_APP_SECRET: 'the-secret' });
    const before = Math.floor(Date.now() / 1000);
    const code = await run(['--app', 'a1', '--user', 'u1', '--scope', 'designer', '--ttl', '90', '--meta', '{"plan":"pro"}'], io);
    assert.equal(code, 0);
    assert.match(io.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const { payload, protectedHeader } = await jwtVerify(io.stdout.trim(), new TextEncoder().encode('the-secret'), { algorithms: ['HS256'] });
    assert.equal(protectedHeader.alg, 'HS256');
    assert.equal(payload['app'], 'a1');
    assert.equal(payload.sub, 'u1');
    assert.equal(payload['scope'], 'designer');
    assert.deepEqual(payload['meta'], { plan: 'pro' });
    assert.ok((payload.iat ?? 0) >= before);
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 90);
    assert.equal(io.stderr, '');
  });

  it('prints an anonymous one-hour token when only app and secret are given', async () => {
    const io = capture();
    assert.equal(await run(['--app', 'a1', '--secret', 's'], io), 0);
    const { payload } = await jwtVerify(io.stdout.trim(), new TextEncoder().encode('s'));
    assert.equal(payload.sub, undefined);
    assert.equal(payload['scope'], undefined);
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 3600);
  });

  it('prints its help with --help and -h, without needing credentials', async () => {
    for (const flag of ['--help', '-h']) {
      const io = capture();
      assert.equal(await run([flag], io), 0);
      assert.match(io.stdout, /^Usage: herald token/);
      assert.match(io.stdout, /HERALD_APP_SECRET/);
    }
  });
});
