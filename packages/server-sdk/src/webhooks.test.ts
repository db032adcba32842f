// Tests of webhook verification: the exact body and the app secret, nothing else, pass.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { readWebhook, verifyWebhook } from './webhooks.js';

const SECRET = 'the-app-secret';
const BODY = JSON.stringify({ time_ms: 1, events: [{ name: 'job.expired', time_ms: 1, job: 'j1', kind: 'k', meta: {}, session: 's1' }] });
const sign = (body: string | Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('verifyWebhook', () => {
  it('accepts the signature of the exact body, as a string or as bytes', () => {
    assert.equal(verifyWebhook(BODY, sign(BODY), SECRET), true);
    assert.equal(verifyWebhook(Buffer.from(BODY), sign(BODY), SECRET), true);
    assert.equal(verifyWebhook(new Uint8Array(Buffer.from(BODY)), sign(BODY), SECRET), true);
  });

  it('refuses a changed body, another secret, and malformed or missing signatures', () => {
    assert.equal(verifyWebhook(BODY.replace('j1', 'j2'), sign(BODY), SECRET), false);
    assert.equal(verifyWebhook(JSON.stringify(JSON.parse(BODY), null, 1), sign(BODY), SECRET), false, 're-serialized JSON is another body');
    assert.equal(verifyWebhook(BODY, sign(BODY, 'other'), SECRET), false);
    assert.equal(verifyWebhook(BODY, sign(BODY).slice('sha256='.length), SECRET), false);
    assert.equal(verifyWebhook(BODY, 'sha256=zz', SECRET), false);
    assert.equal(verifyWebhook(BODY, sign(BODY).slice(0, -2), SECRET), false);
    assert.equal(verifyWebhook(BODY, undefined, SECRET), false);
    assert.equal(verifyWebhook(BODY, [sign(BODY)], SECRET), false);
    assert.equal(verifyWebhook(BODY, sign(BODY, ''), ''), false, 'an empty secret verifies nothing');
  });
});

describe('readWebhook', () => {
  it('returns the payload of a verified body and null otherwise', () => {
    assert.deepEqual(readWebhook(BODY, sign(BODY), SECRET), JSON.parse(BODY));
    assert.equal(readWebhook(BODY, sign(BODY, 'x'), SECRET), null);
    assert.equal(readWebhook('not json', sign('not json'), SECRET), null);
    assert.equal(readWebhook('{"events":[]}', sign('{"events":[]}'), SECRET), null);
  });
});
