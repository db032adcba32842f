// Tests of connection token minting: the claims a server will read, and the ttl rules.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { Herald, createConnectionToken } from './index.js';

const secret = 'app-secret';
const key = new TextEncoder().encode(secret);

describe('connection tokens', () => {
  it('signs HS256 with the app secret and carries app, user, scope and meta', async () => {
    const herald = new Herald({ url: 'http://localhost', appId: 'app1', secret });
    const token = await herald.createToken({ user: 'u1', scope: 'designer', meta: { plan: 'pro', seats: 3 }, ttl: 120 });
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
    assert.equal(payload['app'], 'app1');
    assert.equal(payload.sub, 'u1');
    assert.equal(payload['scope'], 'designer');
    assert.deepEqual(payload['meta'], { plan: 'pro', seats: 3 });
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 120);
  });

  it('defaults to one hour and leaves out the claims that were not given', async () => {
    const now = Date.UTC(2030, 0, 1);
    const token = await createConnectionToken({ appId: 'app1', secret }, {}, now);
    const { payload } = await jwtVerify(token, key, { currentDate: new Date(now) });
    assert.deepEqual(payload, { app: 'app1', iat: now / 1000, exp: now / 1000 + 3600 });
  });

  it('cannot be verified with another secret', async () => {
    const token = await createConnectionToken({ appId: 'app1', secret });
    await assert.rejects(jwtVerify(token, new TextEncoder().encode('other')), /signature verification failed/);
  });

  it('refuses a ttl that is not a positive integer', async () => {
    for (const ttl of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await assert.rejects(createConnectionToken({ appId: 'a', secret }, { ttl }), RangeError, `ttl ${ttl}`);
    }
  });
});
