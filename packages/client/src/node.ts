// @herald/client/node: the same API, with the `ws` package as the default WebSocket.
import WebSocket from 'ws';
import { HeraldClient } from './client.js';
import type { HeraldClientOptions } from './options.js';

export * from './index.js';

/** Creates a client for Node: `options.WebSocket` defaults to the `ws` package's WebSocket. */
export function createClient(options: HeraldClientOptions): HeraldClient {
  return new HeraldClient({ ...options, WebSocket: options.WebSocket ?? WebSocket });
}
