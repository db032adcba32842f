// The context a route handler receives on a running server: one hidden class, with fast properties, for every request.
// The server once built it as an object literal with a `url` getter. V8 keeps such an object in dictionary mode,
// and at 500 publishes/s every request's objects then survived young-generation collections (about 2 MB
// promoted per collection, 5 ms pauses; docs/performance.md). This test reads V8's own view of the objects.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { loadConfig, startServer, type RequestContext, type RunningServer } from '@herald/server';
import { freePort, tempDir, TEST_APP } from './fixtures/server-process.js';

v8.setFlagsFromString('--allow-natives-syntax');
// Compiled after the flag is set, so the natives parse.
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

describe('route handler context', () => {
  const dir = tempDir();
  let server: RunningServer;
  const seen: RequestContext[] = [];
  before(async () => {
    server = await startServer(loadConfig({ env: { HERALD_DATA_DIR: dir.path, HERALD_PORT: String(await freePort()), HERALD_LOG_LEVEL: 'silent', HERALD_APP_ID: TEST_APP.id, HERALD_APP_KEY: TEST_APP.key, HERALD_APP_SECRET: TEST_APP.secret } }));
    server.router.on('GET', '/test/context/:n', (ctx) => {
      seen.push(ctx);
      ctx.res.end(`${ctx.params['n']}:${ctx.url.searchParams.get('q') ?? ''}`);
    });
  });
  after(async () => {
    await server.stop();
    dir.remove();
  });

  it('is one shape with fast properties across requests, and still parses the URL on demand', async () => {
    for (let n = 0; n < 3; n++) {
      const res = await fetch(`${server.url}/test/context/${n}?q=v${n}`);
      assert.equal(await res.text(), `${n}:v${n}`);
    }
    assert.equal(seen.length, 3);
    for (const ctx of seen) {
      assert.ok(hasFastProperties(ctx), 'a dictionary-mode context (an object literal with a getter) is back');
      assert.ok(haveSameMap(ctx, seen[0]!), 'contexts of different requests have different hidden classes');
    }
  });
});
