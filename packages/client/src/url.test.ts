// Unit tests for building endpoint URLs from the client's base URL.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { endpointUrl } from './url.js';
import { HeraldClientError } from './errors.js';

describe('endpointUrl', () => {
  it('maps http to ws and https to wss', () => {
    assert.equal(endpointUrl('http://example.test', '/v1/ws', 'ws'), 'ws://example.test/v1/ws');
    assert.equal(endpointUrl('https://example.test:8443', '/v1/ws', 'ws'), 'wss://example.test:8443/v1/ws');
    assert.equal(endpointUrl('wss://example.test', '/v1/sse', 'http'), 'https://example.test/v1/sse');
  });

  it('keeps a base path and query, drops trailing slashes and the hash', () => {
    assert.equal(endpointUrl('https://example.test/herald/?x=1#h', '/v1/ws', 'ws'), 'wss://example.test/herald/v1/ws?x=1');
  });

  it('does not append the path twice', () => {
    assert.equal(endpointUrl('ws://example.test/v1/ws', '/v1/ws', 'ws'), 'ws://example.test/v1/ws');
  });

  it('rejects other schemes and garbage with invalid_options', () => {
    for (const bad of ['ftp://example.test', 'not a url']) {
      assert.throws(() => endpointUrl(bad, '/v1/ws', 'ws'), (e: unknown) => e instanceof HeraldClientError && e.code === 'invalid_options');
    }
  });
});
