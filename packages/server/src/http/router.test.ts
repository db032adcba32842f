// The router's matching and the request target: paths as received, URL parsing only where it changes them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RequestTarget, Router } from './router.js';

describe('RequestTarget', () => {
  it('takes a plain path as received, without the query', () => {
    assert.equal(new RequestTarget('/apps/app-id/events?auth_key=k&x=%2F').pathname, '/apps/app-id/events');
    assert.equal(new RequestTarget('/herald-sw.js').pathname, '/herald-sw.js');
    assert.equal(new RequestTarget('/v1/apps/a%20b/sessions').pathname, '/v1/apps/a%20b/sessions');
  });

  it('resolves what URL parsing would change: dot segments, encoded dots, backslashes', () => {
    assert.equal(new RequestTarget('/dashboard/../metrics').pathname, '/metrics');
    assert.equal(new RequestTarget('/dashboard/%2e%2E/metrics').pathname, '/metrics');
    assert.equal(new RequestTarget('/dashboard/./app.js').pathname, '/dashboard/app.js');
    assert.equal(new RequestTarget('/dashboard\\..\\metrics').pathname, '/metrics');
    assert.equal(new RequestTarget('http://elsewhere/healthz?x=1').pathname, '/healthz');
  });

  it('builds the URL only when asked, with the query parameters', () => {
    const target = new RequestTarget('/v1/apps/a/sessions?offset=5&limit=2');
    assert.equal(target.url.searchParams.get('offset'), '5');
    assert.equal(target.url, target.url, 'built once');
  });
});

describe('Router', () => {
  const router = new Router()
    .on('GET', '/apps/:appId/channels/:channel', () => undefined)
    .on('POST', '/apps/:appId/events', () => undefined)
    .on('GET', '/dashboard/*', () => undefined);

  it('matches literal and parameter segments, parameters decoded', () => {
    const match = router.match('GET', '/apps/a/channels/private-a%40b');
    assert.equal(match.kind, 'found');
    assert.deepEqual(match.kind === 'found' && match.params, { appId: 'a', channel: 'private-a@b' });
  });

  it('tells a path with another method from a path it does not know', () => {
    assert.equal(router.match('GET', '/apps/a/events').kind, 'method_not_allowed');
    assert.equal(router.match('POST', '/apps/a/nothing').kind, 'not_found');
    assert.equal(router.match('HEAD', '/apps/a/channels/c').kind, 'found');
  });

  it('gives the rest of the path to a trailing wildcard', () => {
    const match = router.match('GET', '/dashboard/assets/app.js');
    assert.deepEqual(match.kind === 'found' && match.params, { '*': 'assets/app.js' });
  });
});
