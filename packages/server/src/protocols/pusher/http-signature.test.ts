// Pusher HTTP request signatures: the documented vector, the 600 s window, body_md5, and query decoding.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hmacHex } from '../../auth/secrets.js';
import { parseQuery, stringToSign, verifyRequest } from './http-signature.js';

const DOC_APP = { id: '3', key: '278d425bdf160c739803', secret: '7ad3773142a6692b25b8' };
const BODY = Buffer.from('{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}');
const TS = 1353088179;
const QUERY = `auth_key=278d425bdf160c739803&auth_timestamp=${TS}&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f&auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c`;

describe('Pusher request signatures', () => {
  it('builds the documented string to sign', () => {
    assert.equal(
      stringToSign('post', '/apps/3/events', parseQuery(QUERY)),
      `POST\n/apps/3/events\nauth_key=278d425bdf160c739803&auth_timestamp=${TS}&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f`,
    );
  });

  it('orders any parameters by UTF-16 code units, as Array#sort does, leaving auth_signature out', () => {
    const names = ['b', 'a', 'auth_signature', 'Z', 'aa', 'é', 'a_b', '10', '9', 'body_md5', '😀', 'z'];
    for (let n = 0; n < 50; n++) {
      const shuffled = [...names].sort(() => Math.random() - 0.5).slice(0, 1 + (n % names.length));
      const params = new Map(shuffled.map((k) => [k, 'v'] as const));
      const expected = shuffled.filter((k) => k !== 'auth_signature').sort().map((k) => `${k}=v`).join('&');
      assert.equal(stringToSign('GET', '/p', params), `GET\n/p\n${expected}`);
    }
  });

  it('accepts the documented request within the 600 s window', () => {
    const check = verifyRequest(DOC_APP, { method: 'POST', path: '/apps/3/events', query: QUERY, body: BODY }, TS + 599);
    assert.equal(check.ok, true);
  });

  it('refuses a timestamp 600 s or more away, either side', () => {
    for (const now of [TS + 600, TS - 600, TS + 3600]) {
      const check = verifyRequest(DOC_APP, { method: 'POST', path: '/apps/3/events', query: QUERY, body: BODY }, now);
      assert.ok(!check.ok && /Timestamp expired/.test(check.reason), String(now));
    }
  });

  it('refuses a changed body, path, method or key, and a missing signature', () => {
    const base = { method: 'POST', path: '/apps/3/events', query: QUERY, body: BODY };
    assert.equal(verifyRequest(DOC_APP, { ...base, body: Buffer.from('{}') }, TS).ok, false);
    assert.equal(verifyRequest(DOC_APP, { ...base, path: '/apps/4/events' }, TS).ok, false);
    assert.equal(verifyRequest(DOC_APP, { ...base, method: 'PUT' }, TS).ok, false);
    assert.equal(verifyRequest({ ...DOC_APP, key: 'other' }, base, TS).ok, false);
    assert.equal(verifyRequest(DOC_APP, { ...base, query: QUERY.replace(/&auth_signature=.*$/, '') }, TS).ok, false);
  });

  it('signs unescaped values, so a percent-encoded query verifies like the raw one', () => {
    const params = parseQuery('info=user_count%2Csubscription_count&filter_by_prefix=presence-');
    assert.equal(params.get('info'), 'user_count,subscription_count');
    assert.equal(parseQuery('Name=a+b').get('name'), 'a+b');
    assert.equal(parseQuery('name=a+b', true).get('name'), 'a b');
  });

  /** A GET signed over `signedPath` and the query `signedQuery` decodes to, sent as `sentPath?sentQuery`. */
  function signedGet(signedPath: string, signed: Record<string, string>, send: (query: string) => string): { path: string; query: string } {
    const params = new Map(Object.entries({ auth_key: DOC_APP.key, auth_timestamp: String(TS), auth_version: '1.0', ...signed }));
    const signature = hmacHex(DOC_APP.secret, stringToSign('GET', signedPath, params));
    const query = [...params].map(([k, v]) => `${k}=${send(v)}`).join('&');
    return { path: signedPath, query: `${query}&auth_signature=${signature}` };
  }

  it('accepts a form-encoded query whose + stands for a space, and a literal + signed as such', () => {
    const spaced = signedGet('/apps/3/channels', { filter_by_prefix: 'a b' }, (v) => v.replace(/ /g, '+'));
    assert.equal(verifyRequest(DOC_APP, { method: 'GET', ...spaced, body: Buffer.alloc(0) }, TS).ok, true);
    const plus = signedGet('/apps/3/channels', { filter_by_prefix: 'a+b' }, (v) => v);
    assert.equal(verifyRequest(DOC_APP, { method: 'GET', ...plus, body: Buffer.alloc(0) }, TS).ok, true);
    const wrong = signedGet('/apps/3/channels', { filter_by_prefix: 'a b' }, (v) => v.replace(/ /g, '-'));
    assert.equal(verifyRequest(DOC_APP, { method: 'GET', ...wrong, body: Buffer.alloc(0) }, TS).ok, false);
  });

  it('accepts a percent-encoded path signed in its decoded form, and in the form sent', () => {
    const decoded = signedGet('/apps/3/channels/private-a@b', {}, (v) => v);
    assert.equal(verifyRequest(DOC_APP, { method: 'GET', path: '/apps/3/channels/private-a%40b', query: decoded.query, body: Buffer.alloc(0) }, TS).ok, true);
    const raw = signedGet('/apps/3/channels/private-a%40b', {}, (v) => v);
    assert.equal(verifyRequest(DOC_APP, { method: 'GET', ...raw, body: Buffer.alloc(0) }, TS).ok, true);
    assert.equal(verifyRequest(DOC_APP, { method: 'GET', path: '/apps/3/channels/private-a%41b', query: decoded.query, body: Buffer.alloc(0) }, TS).ok, false);
  });
});
