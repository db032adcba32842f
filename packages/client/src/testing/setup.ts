// Test helper: a scripted server plus a Node client pointed at it, torn down after the test.
import type { TestContext } from 'node:test';
import type { HeraldClient } from '../client.js';
import { createClient } from '../node.js';
import type { HeraldClientOptions } from '../options.js';
import { record } from './recorder.js';
import type { Recording } from './recorder.js';
import { ScriptedServer } from './scripted-server.js';

/** What `harness()` gives a test. */
export interface Harness {
  server: ScriptedServer;
  client: HeraldClient;
  rec: Recording;
}

/** Starts a scripted server and a client (not yet connected, fast backoff, WebSocket only: the scripted server speaks nothing else) for one test. */
export async function harness(t: TestContext, options: Partial<HeraldClientOptions> = {}): Promise<Harness> {
  const server = await ScriptedServer.start();
  const client = createClient({ url: server.url, token: 'tok-1', autoConnect: false, backoff: { min: 10, max: 40 }, transports: ['websocket'], ...options });
  const rec = record(client);
  t.after(async () => {
    client.disconnect();
    await server.stop();
  });
  return { server, client, rec };
}
