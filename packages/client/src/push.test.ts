// Unit tests of the push API outside a browser: option checks and the unsupported answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeraldClientError } from './errors.js';
import { createPush } from './push.js';

const isCode = (code: string) => (err: unknown) => err instanceof HeraldClientError && err.code === code;

describe('createPush', () => {
  it('needs an app id and a client or a token', () => {
    assert.throws(() => createPush({ url: 'http://localhost:7700', appId: '', token: 't' }), isCode('invalid_options'));
    assert.throws(() => createPush({ url: 'http://localhost:7700', appId: 'dev' }), isCode('invalid_options'));
    assert.throws(() => createPush({ url: 'ftp://localhost', appId: 'dev', token: 't' }), isCode('invalid_options'));
  });

  it('says push is unsupported where there is no service worker, and refuses to subscribe', async () => {
    const push = createPush({ url: 'http://localhost:7700', appId: 'dev', client: { sessionAuthorization: null } });
    assert.equal(push.supported(), false);
    assert.equal(push.permission(), 'unsupported');
    assert.equal(await push.subscription(), null);
    await assert.rejects(push.subscribe(), isCode('push_unsupported'));
    const stop = push.onMessage(() => assert.fail('no messages outside a browser'));
    stop();
  });
});
