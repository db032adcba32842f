// Tests of connection token verification, with tokens minted by the server SDK and hand-made bad ones.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, type JWTPayload } from 'jose';
import { Herald, createConnectionToken } from '@herald/server-sdk';
import { HeraldError } from '../errors.js';
import { readAppIdFromToken, verifyConnectionToken } from './tokens.js';

const app = { id: 'app1', secret: 'secret-of-app1' };
const NOW = Date.UTC(2030, 0, 1);
const iat = NOW / 1000;

/** Signs any payload and header with the app secret, for claims the SDK would never produce. */
function sign(payload: Record<string, unknown>, alg = 'HS256', secret = app.secret): Promise<string> {
  return new SignJWT(payload as JWTPayload).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}

async function refused(token: string, code: 'invalid_token' | 'token_expired', reason: RegExp, now = NOW): Promise<void> {
  const err = await verifyConnectionToken(token, app, now).then(() => assert.fail('expected the token to be refused'), (e: unknown) => e);
  assert.ok(err instanceof HeraldError, `expected HeraldError, got ${String(err)}`);
  assert.equal(err.code, code);
  assert.equal(err.status, 401);
  assert.match(err.message, reason);
}

describe('verifyConnectionToken', () => {
  it('accepts a token from the server SDK and returns its user, scope and meta', async () => {
    const herald = new Herald({ url: 'http://localhost', appId: app.id, secret: app.secret });
    const token = await herald.createToken({ user: 'u1', scope: 'designer', meta: { plan: 'pro' }, ttl: 60 });
    const verified = await verifyConnectionToken(token, app);
    assert.equal(verified.userId, 'u1');
    assert.equal(verified.scope, 'designer');
    assert.deepEqual(verified.meta, { plan: 'pro' });
    const expectedExp = (Math.floor(Date.now() / 1000) + 60) * 1000;
    assert.ok(Math.abs(verified.exp - expectedExp) <= 1000, `exp ${verified.exp} is in ms, about ${expectedExp}`);
  });

  it('fills in an anonymous user, the browser scope and empty meta', async () => {
    const token = await createConnectionToken({ appId: app.id, secret: app.secret }, {}, NOW);
    assert.deepEqual(await verifyConnectionToken(token, app, NOW), { userId: null, scope: 'browser', meta: {}, exp: NOW + 3_600_000 });
  });

  it('refuses an expired token with token_expired, and accepts it the second before', async () => {
    const token = await createConnectionToken({ appId: app.id, secret: app.secret }, { ttl: 60 }, NOW);
    await verifyConnectionToken(token, app, NOW + 59_000);
    await refused(token, 'token_expired', /expired/, NOW + 60_000);
  });

  it('refuses a token signed with another secret, even an expired one, as invalid_token', async () => {
    const forged = await createConnectionToken({ appId: app.id, secret: 'guessed' }, { ttl: 60 }, NOW);
    await refused(forged, 'invalid_token', /signature/);
    await refused(forged, 'invalid_token', /signature/, NOW + 120_000);
  });

  it('refuses an unsigned (alg none) token', async () => {
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ app: app.id, exp: iat + 60 })}.`;
    await refused(unsigned, 'invalid_token', /algorithm "none"/);
  });

  it('refuses HMAC algorithms other than HS256, even with the right secret', async () => {
    await refused(await sign({ app: app.id, exp: iat + 60 }, 'HS512'), 'invalid_token', /algorithm "HS512"/);
  });

  it('refuses a token issued for another app', async () => {
    const token = await createConnectionToken({ appId: 'app2', secret: app.secret }, {}, NOW);
    await refused(token, 'invalid_token', /another app/);
    await refused(await sign({ exp: iat + 60 }), 'invalid_token', /another app/);
  });

  it('refuses a token without exp', async () => {
    await refused(await sign({ app: app.id }), 'invalid_token', /"exp"/);
    await refused(await sign({ app: app.id, exp: 'tomorrow' }), 'invalid_token', /"exp"/);
  });

  it('refuses bad sub, scope and meta claims', async () => {
    const base = { app: app.id, exp: iat + 60 };
    await refused(await sign({ ...base, sub: 42 }), 'invalid_token', /"sub"/);
    await refused(await sign({ ...base, sub: '' }), 'invalid_token', /"sub"/);
    await refused(await sign({ ...base, sub: 'u'.repeat(257) }), 'invalid_token', /"sub"/);
    await refused(await sign({ ...base, scope: 'has space' }), 'invalid_token', /"scope"/);
    await refused(await sign({ ...base, scope: 'x'.repeat(65) }), 'invalid_token', /"scope"/);
    await refused(await sign({ ...base, scope: 7 }), 'invalid_token', /"scope"/);
    await refused(await sign({ ...base, meta: [1, 2] }), 'invalid_token', /"meta"/);
    await refused(await sign({ ...base, meta: null }), 'invalid_token', /"meta"/);
    await refused(await sign({ ...base, meta: 'x' }), 'invalid_token', /"meta"/);
  });

  it('accepts the longest user id and scope, and scopes with every allowed character', async () => {
    const token = await sign({ app: app.id, exp: iat + 60, sub: 'u'.repeat(256), scope: 'a-Z_0.9:x' });
    const verified = await verifyConnectionToken(token, app, NOW);
    assert.equal(verified.userId?.length, 256);
    assert.equal(verified.scope, 'a-Z_0.9:x');
  });

  it('refuses malformed tokens as invalid_token', async () => {
    const good = await createConnectionToken({ appId: app.id, secret: app.secret }, {}, NOW);
    const [header, payload] = good.split('.');
    const junk = ['', 'abc', 'a.b.c', `${header}.${payload}`, `${header}.!!!.sig`, `${header}.${Buffer.from('[1]').toString('base64url')}.x`, `${good}x`];
    for (const token of junk) await refused(token, 'invalid_token', /Invalid connection token/);
  });
});

describe('readAppIdFromToken', () => {
  it('reads the app claim without verifying the signature', async () => {
    const token = await createConnectionToken({ appId: 'app9', secret: 'any' });
    assert.equal(readAppIdFromToken(token), 'app9');
  });

  it('returns null for anything without a string app claim', async () => {
    assert.equal(readAppIdFromToken('not a token'), null);
    assert.equal(readAppIdFromToken(''), null);
    assert.equal(readAppIdFromToken(await sign({ exp: iat })), null);
    assert.equal(readAppIdFromToken(await sign({ app: 5, exp: iat })), null);
  });
});
