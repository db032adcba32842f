// Unit tests of PushSubscription parsing, subscription ids and the push service host allow-list.
import assert from 'node:assert/strict';
import { createECDH, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { HeraldConfigError } from '../config/errors.js';
import { HeraldError } from '../errors.js';
import { hostAllowed, parseHostPatterns, parseSubscription, subscriptionId } from './subscription.js';

const HOSTS = parseHostPatterns('fcm.googleapis.com, *.push.apple.com');

function browserSubscription(endpoint = 'https://fcm.googleapis.com/fcm/send/abc:def') {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { endpoint, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } };
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof HeraldError) return err.code;
    throw err;
  }
  return 'accepted';
}

describe('parseSubscription', () => {
  it('accepts what a browser sends, keeping the endpoint exactly', () => {
    const sub = { ...browserSubscription('https://web.push.apple.com/QGuQyavXutnMH%3D'), expirationTime: 1_800_000_000_000.5 };
    assert.deepEqual(parseSubscription(sub, HOSTS), { endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, expirationTime: 1_800_000_000_000 });
  });

  it('refuses endpoints that are not https, carry credentials or point at a host off the list', () => {
    assert.equal(code(() => parseSubscription(browserSubscription('http://fcm.googleapis.com/x'), HOSTS)), 'invalid_request');
    assert.equal(code(() => parseSubscription(browserSubscription('https://u:p@fcm.googleapis.com/x'), HOSTS)), 'invalid_request');
    assert.equal(code(() => parseSubscription(browserSubscription('https://169.254.169.254/latest'), HOSTS)), 'push_endpoint_not_allowed');
    assert.equal(code(() => parseSubscription(browserSubscription('https://push.apple.com.evil.test/x'), HOSTS)), 'push_endpoint_not_allowed');
    assert.equal(code(() => parseSubscription(browserSubscription(`https://fcm.googleapis.com/${'x'.repeat(2100)}`), HOSTS)), 'invalid_request');
    assert.equal(code(() => parseSubscription(browserSubscription('not a url'), HOSTS)), 'invalid_request');
  });

  it('refuses keys a push could not be encrypted to', () => {
    const sub = browserSubscription();
    const notOnCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url');
    for (const keys of [
      { ...sub.keys, p256dh: notOnCurve },
      { ...sub.keys, p256dh: sub.keys.p256dh.slice(0, 40) },
      { ...sub.keys, auth: randomBytes(8).toString('base64url') },
      { ...sub.keys, auth: 'not base64!' },
      { p256dh: sub.keys.p256dh },
    ]) {
      assert.equal(code(() => parseSubscription({ ...sub, keys }, HOSTS)), 'invalid_request', JSON.stringify(keys));
    }
    assert.equal(code(() => parseSubscription({ ...sub, expirationTime: 'tomorrow' }, HOSTS)), 'invalid_request');
    assert.equal(code(() => parseSubscription([sub], HOSTS)), 'invalid_request');
  });
});

describe('subscriptionId', () => {
  it('is the same for the same endpoint, differs between endpoints, and does not contain the endpoint', () => {
    const id = subscriptionId('https://fcm.googleapis.com/fcm/send/abc');
    assert.match(id, /^[\w-]{22}$/);
    assert.equal(subscriptionId('https://fcm.googleapis.com/fcm/send/abc'), id);
    assert.notEqual(subscriptionId('https://fcm.googleapis.com/fcm/send/abd'), id);
  });
});

describe('push service host patterns', () => {
  it('match exact hosts, subdomains of *.domain, and anything for *', () => {
    assert.ok(hostAllowed('FCM.googleapis.com', HOSTS));
    assert.ok(hostAllowed('web.push.apple.com', HOSTS));
    assert.ok(!hostAllowed('push.apple.com', HOSTS));
    assert.ok(!hostAllowed('android.googleapis.com', HOSTS));
    assert.ok(hostAllowed('anything.test', parseHostPatterns('*')));
    assert.deepEqual(parseHostPatterns(' a.test ,, *.b.test '), ['a.test', '*.b.test']);
  });

  it('are a configuration error when malformed', () => {
    assert.throws(() => parseHostPatterns('a.test,https://b.test'), HeraldConfigError);
    assert.throws(() => parseHostPatterns('*b.test'), HeraldConfigError);
  });
});
