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

  it('gives a wildcard its own prefix too, and paths of any depth below it', () => {
    const bare = router.match('GET', '/dashboard');
    assert.deepEqual(bare.kind === 'found' && bare.params, { '*': '' });
    const deep = `/dashboard/${Array.from({ length: 40 }, (_, i) => `d${i}`).join('/')}`;
    const match = router.match('GET', deep);
    assert.deepEqual(match.kind === 'found' && match.params, { '*': deep.slice('/dashboard/'.length) });
    assert.equal(router.match('GET', '/apps/a/channels/c/x/y').kind, 'not_found');
  });

  it('tries routes in the order they were registered, also after a path of that depth was matched', () => {
    const ordered = new Router();
    const first = () => undefined;
    const second = () => undefined;
    const later = () => undefined;
    ordered.on('GET', '/a/:x', first).on('GET', '/a/b', second).on('GET', '/files/*', first);
    const hit = ordered.match('GET', '/a/b');
    assert.equal(hit.kind === 'found' && hit.handler, first, 'the parameter route came first');
    assert.equal(ordered.match('GET', '/c/d').kind, 'not_found');
    ordered.on('GET', '/c/d', later);
    const added = ordered.match('GET', '/c/d');
    assert.equal(added.kind === 'found' && added.handler, later, 'a route added after a match of its depth is found');
    assert.equal(ordered.match('POST', '/files/x/y/z').kind, 'method_not_allowed');
  });
});
