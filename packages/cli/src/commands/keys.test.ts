// Tests of `herald keys`: VAPID keys generated with web-push, stored in settings.vapid, shown, and not replaced by accident.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey } from 'node:crypto';
import { createStorage, loadConfig, type Storage } from '@herald/server';
import { UsageError, type CliIO } from '../command.js';
import { run } from './keys.js';

function capture(env: CliIO['env']): CliIO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', env, out: (t: string) => { io.stdout += t; }, err: (t: string) => { io.stderr += t; } };
  return io;
}

async function withStore<T>(dataDir: string, fn: (s: Storage) => Promise<T>): Promise<T> {
  const storage = createStorage(loadConfig({ env: { HERALD_DATA_DIR: dataDir } }));
  await storage.init();
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

describe('herald keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-cli-keys-'));
  const env = { HERALD_DATA_DIR: dir };
  before(() => withStore(dir, (s) => s.putApp({ id: 'shop', key: 'shop-key', secret: 'shop-secret-0123456789', name: 'Shop', createdAt: 1, settings: { other: 1 } })));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a P-256 key pair and stores it as settings.vapid {publicKey, privateKey, subject}, keeping other settings', async () => {
    const io = capture(env);
    assert.equal(await run(['generate', '--app', 'shop', '--subject', 'mailto:ops@example.com', '--json'], io), 0, io.stderr);
    const shown = JSON.parse(io.stdout) as { publicKey: string; privateKey?: string };
    assert.equal(shown.privateKey, undefined, 'the private key is not printed unless asked');
    const app = await withStore(dir, (s) => s.getApp('shop'));
    const vapid = app!.settings['vapid'] as { publicKey: string; privateKey: string; subject: string };
    assert.deepEqual(Object.keys(vapid).sort(), ['privateKey', 'publicKey', 'subject']);
    assert.equal(vapid.publicKey, shown.publicKey);
    assert.equal(vapid.subject, 'mailto:ops@example.com');
    assert.equal(app!.settings['other'], 1);
    const raw = Buffer.from(vapid.publicKey, 'base64url');
    assert.equal(raw.length, 65);
    assert.equal(raw[0], 4, 'an uncompressed EC point');
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') }, format: 'jwk' });
    assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(Buffer.from(vapid.privateKey, 'base64url').length, 32);
  });

  it('refuses to replace existing keys without --force, and replaces them with it', async () => {
    const before = await withStore(dir, (s) => s.getApp('shop'));
    const io = capture(env);
    assert.equal(await run(['generate', '--app', 'shop'], io), 1);
    assert.match(io.stderr, /has VAPID keys already; --force/);
    assert.equal(await run(['generate', '--app', 'shop', '--force'], capture(env)), 0);
    const afterForce = await withStore(dir, (s) => s.getApp('shop'));
    assert.notDeepEqual(afterForce!.settings['vapid'], before!.settings['vapid']);
  });

  it('shows the public key and subject, and the private key only with --private', async () => {
    const app = await withStore(dir, (s) => s.getApp('shop'));
    const vapid = app!.settings['vapid'] as { publicKey: string; privateKey: string };
    const io = capture(env);
    assert.equal(await run(['show', '--app', 'shop'], io), 0);
    assert.ok(io.stdout.includes(vapid.publicKey));
    assert.ok(!io.stdout.includes(vapid.privateKey));
    const priv = capture(env);
    await run(['show', '--app', 'shop', '--private'], priv);
    assert.ok(priv.stdout.includes(vapid.privateKey));
  });

  it('reports an unknown app, an app without keys, and bad arguments', async () => {
    const io = capture(env);
    assert.equal(await run(['show', '--app', 'ghost'], io), 1);
    assert.match(io.stderr, /no app "ghost"/);
    await withStore(dir, (s) => s.putApp({ id: 'bare', key: 'bare-key', secret: 'bare-secret-0123456789', name: 'Bare', createdAt: 1, settings: {} }));
    const bare = capture(env);
    assert.equal(await run(['show', '--app', 'bare'], bare), 1);
    assert.match(bare.stderr, /has no VAPID keys; create them with: herald keys generate --app bare/);
    await assert.rejects(run(['generate', '--app', 'bare', '--subject', 'ops@example.com'], capture(env)), (e: unknown) => e instanceof UsageError && /mailto: or https:/.test(e.message));
    await assert.rejects(run(['show'], capture(env)), (e: unknown) => e instanceof UsageError && /--app is required/.test(e.message));
    await assert.rejects(run(['rotate', '--app', 'x'], capture(env)), (e: unknown) => e instanceof UsageError && /unknown action/.test(e.message));
  });
});
