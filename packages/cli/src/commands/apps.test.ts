// Tests of `herald apps` on a real SQLite data directory: list, create, rotate-secret, and the refusals.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorage, loadConfig } from '@herald/server';
import { UsageError, type CliIO } from '../command.js';
import { run } from './apps.js';

function capture(env: CliIO['env']): CliIO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', env, out: (t: string) => { io.stdout += t; }, err: (t: string) => { io.stderr += t; } };
  return io;
}

async function storedApp(dataDir: string, id: string) {
  const storage = createStorage(loadConfig({ env: { HERALD_DATA_DIR: dataDir } }));
  await storage.init();
  try {
    return await storage.getApp(id);
  } finally {
    await storage.close();
  }
}

describe('herald apps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-cli-apps-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { HERALD_DATA_DIR: dir };

  it('lists no apps in an empty data directory, with a hint', async () => {
    const io = capture(env);
    assert.equal(await run(['list'], io), 0);
    assert.match(io.stdout, /No apps\. Create one with: herald apps create --id ID/);
  });

  it('creates an app with generated credentials that are stored and printed once', async () => {
    const io = capture(env);
    assert.equal(await run(['create', '--id', 'shop', '--name', 'Shop', '--json'], io), 0, io.stderr);
    const printed = JSON.parse(io.stdout) as { id: string; key: string; secret: string };
    const app = await storedApp(dir, 'shop');
    assert.ok(app);
    assert.equal(app.secret, printed.secret);
    assert.equal(app.key, printed.key);
    assert.equal(app.name, 'Shop');
    assert.ok(printed.secret.length >= 32);
  });

  it('lists apps with id, key and name but never a secret', async () => {
    const io = capture(env);
    assert.equal(await run(['list'], io), 0);
    const app = await storedApp(dir, 'shop');
    assert.match(io.stdout, /^shop +shop-\S+ +\d{4}-\d\d-\d\dT\S+ +Shop$/m);
    assert.ok(!io.stdout.includes(app!.secret));
    const json = capture(env);
    await run(['list', '--json'], json);
    assert.deepEqual(Object.keys((JSON.parse(json.stdout) as { apps: object[] }).apps[0]!).sort(), ['createdAt', 'id', 'key', 'name']);
  });

  it('refuses to create an app whose id or key is taken', async () => {
    const io = capture(env);
    assert.equal(await run(['create', '--id', 'shop'], io), 1);
    assert.match(io.stderr, /an app "shop" exists already/);
    const key = (await storedApp(dir, 'shop'))!.key;
    const io2 = capture(env);
    assert.equal(await run(['create', '--id', 'other', '--key', key], io2), 1);
    assert.match(io2.stderr, /another app has the key/);
  });

  it('rotates a secret: the stored secret changes to the printed one, key and settings stay', async () => {
    const before = (await storedApp(dir, 'shop'))!;
    const io = capture(env);
    assert.equal(await run(['rotate-secret', '--id', 'shop', '--json'], io), 0, io.stderr);
    const { secret } = JSON.parse(io.stdout) as { secret: string };
    const afterRotation = (await storedApp(dir, 'shop'))!;
    assert.notEqual(secret, before.secret);
    assert.equal(afterRotation.secret, secret);
    assert.equal(afterRotation.key, before.key);
    assert.deepEqual(afterRotation.settings, before.settings);
  });

  it('refuses to rotate an unknown app, and an app the configuration defines', async () => {
    const io = capture(env);
    assert.equal(await run(['rotate-secret', '--id', 'ghost'], io), 1);
    assert.match(io.stderr, /no app "ghost"/);
    const configured = capture({ ...env, HERALD_APP_ID: 'shop', HERALD_APP_KEY: 'k', HERALD_APP_SECRET: 'configured-secret-123' });
    assert.equal(await run(['rotate-secret', '--id', 'shop'], configured), 1);
    assert.match(configured.stderr, /defined in the configuration/);
  });

  it('ignores HERALD_APP_ID and HERALD_APP_SECRET set for `herald send` (no key: not an app definition)', async () => {
    const io = capture({ ...env, HERALD_APP_ID: 'shop', HERALD_APP_SECRET: 'whatever' });
    assert.equal(await run(['list'], io), 0, io.stderr);
  });

  it('reports bad arguments as usage errors', async () => {
    for (const [argv, message] of [
      [[], /name an action/],
      [['frobnicate'], /unknown action "frobnicate"/],
      [['create'], /--id is required/],
      [['create', '--id', 'bad id'], /--id must be/],
      [['create', '--id', 'x', '--secret', 'short'], /at least 16/],
      [['list', 'extra'], /unexpected argument "extra"/],
    ] as Array<[string[], RegExp]>) {
      await assert.rejects(run(argv, capture(env)), (err: unknown) => err instanceof UsageError && message.test(err.message), argv.join(' '));
    }
  });
});
