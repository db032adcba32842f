// Unit tests of VAPID keys: pair checks, subjects, and the keyring storing AppRecord.settings.vapid.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeraldConfigError } from '../config/errors.js';
import { SqliteStorage } from '../storage/sqlite/sqlite.js';
import { checkKeyPair, DEFAULT_VAPID_SUBJECT, isValidSubject, VapidKeyring } from './vapid.js';
import { generateVAPIDKeys } from './web-push-lib.js';

async function storageWithApp(settings: Record<string, never> | { vapid: unknown } = {}): Promise<SqliteStorage> {
  const storage = new SqliteStorage({ path: ':memory:', synchronous: 'NORMAL' });
  await storage.init();
  await storage.putApp({ id: 'a', key: 'ka', secret: 'sa', name: 'A', createdAt: 1, settings: { other: true, ...settings } as never });
  return storage;
}

describe('checkKeyPair', () => {
  it('accepts a generated pair and names what is wrong with others', () => {
    const pair = generateVAPIDKeys();
    const other = generateVAPIDKeys();
    assert.equal(checkKeyPair(pair.publicKey, pair.privateKey), null);
    assert.match(checkKeyPair(other.publicKey, pair.privateKey)!, /does not belong/);
    assert.match(checkKeyPair(pair.publicKey.slice(2), pair.privateKey)!, /65-byte/);
    assert.match(checkKeyPair(pair.publicKey, pair.privateKey.slice(4))!, /32 bytes/);
    assert.match(checkKeyPair(pair.publicKey, 'A'.repeat(43))!, /not a valid|does not belong/);
  });
});

describe('isValidSubject', () => {
  it('accepts mailto: addresses and https: URLs only', () => {
    assert.ok(isValidSubject('mailto:ops@example.com'));
    assert.ok(isValidSubject('https://example.com/contact'));
    assert.ok(!isValidSubject('http://example.com'));
    assert.ok(!isValidSubject('mailto:nobody'));
    assert.ok(!isValidSubject('ops@example.com'));
  });
});

describe('VapidKeyring', () => {
  it('generates a pair once, stores it as settings.vapid {publicKey, privateKey, subject}, keeping other settings', async () => {
    const storage = await storageWithApp();
    const keyring = new VapidKeyring(storage, { subject: '', configured: null });
    const [one, two] = await Promise.all([keyring.forApp('a'), keyring.forApp('a')]);
    assert.ok(one && two);
    assert.deepEqual(one, two, 'concurrent first uses share one generation');
    assert.equal(checkKeyPair(one.publicKey, one.privateKey), null);
    assert.equal(one.subject, DEFAULT_VAPID_SUBJECT);
    const app = await storage.getApp('a');
    assert.deepEqual(app?.settings, { other: true, vapid: { publicKey: one.publicKey, privateKey: one.privateKey, subject: DEFAULT_VAPID_SUBJECT } });
    assert.deepEqual(await keyring.forApp('a'), one);
    assert.equal(await keyring.forApp('missing'), null);
    await storage.close();
  });

  it('uses keys written by others (herald keys) at once, with their subject unless one is configured', async () => {
    const pair = generateVAPIDKeys();
    const storage = await storageWithApp({ vapid: { ...pair, subject: 'https://example.com/ops' } });
    assert.deepEqual(await new VapidKeyring(storage, { subject: '', configured: null }).forApp('a'), { ...pair, subject: 'https://example.com/ops' });
    const overridden = await new VapidKeyring(storage, { subject: 'mailto:ops@example.com', configured: null }).forApp('a');
    assert.deepEqual(overridden, { ...pair, subject: 'mailto:ops@example.com' });
    assert.deepEqual((await storage.getApp('a'))?.settings['vapid'], { ...pair, subject: 'https://example.com/ops' }, 'the override is not written');
    await storage.close();
  });

  it('stores configured keys over stored ones, and replaces malformed ones, warning each time', async () => {
    const configured = generateVAPIDKeys();
    const storage = await storageWithApp({ vapid: { publicKey: 'junk', privateKey: 'junk' } });
    const warnings: string[] = [];
    const keys = await new VapidKeyring(storage, { subject: '', configured: null, warn: (m) => warnings.push(m) }).forApp('a');
    assert.equal(checkKeyPair(keys!.publicKey, keys!.privateKey), null);
    const replaced = await new VapidKeyring(storage, { subject: '', configured, warn: (m) => warnings.push(m) }).forApp('a');
    assert.deepEqual(replaced, { ...configured, subject: DEFAULT_VAPID_SUBJECT });
    assert.deepEqual((await storage.getApp('a'))?.settings['vapid'], { ...configured, subject: DEFAULT_VAPID_SUBJECT });
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /malformed/);
    assert.match(warnings[1]!, /configured keys differ/);
    await storage.close();
  });

  it('refuses a bad configured pair or subject at construction', async () => {
    const storage = await storageWithApp();
    const pair = generateVAPIDKeys();
    assert.throws(() => new VapidKeyring(storage, { subject: 'ops', configured: null }), HeraldConfigError);
    assert.throws(() => new VapidKeyring(storage, { subject: '', configured: { publicKey: pair.publicKey, privateKey: generateVAPIDKeys().privateKey } }), HeraldConfigError);
    await storage.close();
  });
});
