// Pusher HTTP request signatures: the documented vector, the 600 s window, body_md5, and query decoding.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
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
});
