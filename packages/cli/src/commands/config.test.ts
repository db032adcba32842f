// Tests of `herald config check | print`: validation messages, exit codes, and secrets never printed.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, type CliIO } from '../command.js';
import { run } from './config.js';

function capture(env: CliIO['env']): CliIO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', env, out: (t: string) => { io.stdout += t; }, err: (t: string) => { io.stderr += t; } };
  return io;
}

describe('herald config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-cli-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const secrets = { app: 'app-secret-that-must-not-print', admin: 'admin-token-that-must-not-print', file: 'file-app-secret-must-not-print', redis: 'redis-password-must-not-print' };
  const file = join(dir, 'herald.json');
  writeFileSync(file, JSON.stringify({ port: 7801, redisUrl: `redis://user:${secrets.redis}@127.0.0.1:6379`, apps: [{ id: 'f', key: 'fk', secret: secrets.file }] }));
  const env = {
    HERALD_CONFIG: file,
    HERALD_DATA_DIR: join(dir, 'data'),
    HERALD_APP_ID: 'e',
    HERALD_APP_KEY: 'ek',
    HERALD_APP_SECRET: secrets.app,
    HERALD_ADMIN_TOKEN: secrets.admin,
  };

  it('check accepts a valid configuration and summarizes it', async () => {
    const io = capture(env);
    assert.equal(await run(['check'], io), 0, io.stderr);
    assert.match(io.stdout, /^Configuration OK: listens on 127\.0\.0\.1:7801, storage sqlite in .*data, 2 configured app\(s\)\.$/m);
  });

  it('check --connect opens the storage and reports it reachable', async () => {
    const io = capture(env);
    assert.equal(await run(['check', '--connect'], io), 0, io.stderr);
    assert.match(io.stdout, /\(reachable\)/);
  });

  it('check names the bad setting and exits 1', async () => {
    for (const [extra, message] of [
      [{ HERALD_PORT: 'eighty' }, /HERALD_PORT must be an integer/],
      [{ HERALD_PROT: '1' }, /unknown environment variable HERALD_PROT/],
      [{ HERALD_CONFIG: join(dir, 'missing.json') }, /cannot read/],
    ] as Array<[Record<string, string>, RegExp]>) {
      const io = capture({ ...env, ...extra });
      assert.equal(await run(['check'], io), 1);
      assert.match(io.stderr, message);
    }
  });

  it('print shows the effective configuration as JSON with every secret masked', async () => {
    const io = capture(env);
    assert.equal(await run(['print'], io), 0, io.stderr);
    for (const secret of Object.values(secrets)) assert.ok(!io.stdout.includes(secret), `printed a secret: ${secret}`);
    const printed = JSON.parse(io.stdout) as Record<string, unknown>;
    assert.equal(printed['port'], 7801);
    assert.equal(printed['adminToken'], `*** (${secrets.admin.length} characters)`);
    assert.equal(printed['redisUrl'], 'redis://***@127.0.0.1:6379');
    assert.deepEqual((printed['apps'] as Array<{ id: string }>).map((a) => a.id), ['f', 'e']);
  });

  it('refuses unknown actions and misplaced flags', async () => {
    await assert.rejects(run([], capture(env)), (e: unknown) => e instanceof UsageError && /name an action/.test(e.message));
    await assert.rejects(run(['show'], capture(env)), (e: unknown) => e instanceof UsageError && /unknown action "show"/.test(e.message));
    await assert.rejects(run(['print', '--connect'], capture(env)), (e: unknown) => e instanceof UsageError && /--connect belongs to config check/.test(e.message));
  });
});
