// The client's options: their types, defaults, and the checks that reject bad ones at construction.
import { DEFAULT_BACKOFF } from './backoff.js';
import type { BackoffOptions } from './backoff.js';
import type { ChannelAuthOption } from './channel-auth.js';
import type { TokenSource } from './credentials.js';
import { HeraldClientError } from './errors.js';
import type { TransportFactory } from './transport.js';
import { webSocketTransport } from './transports/websocket.js';
import type { WebSocketConstructor } from './transports/websocket.js';
import { parseBaseUrl } from './url.js';

/** Options of `new HeraldClient(options)`. */
export interface HeraldClientOptions {
  /** Base URL of the server (http, https, ws or wss); the SDK appends `/v1/ws`. */
  url: string;
  /** A connection token, or a function returning a fresh one (called again after the token expires). */
  token: TokenSource;
  /** WebSocket class to use. Defaults to `globalThis.WebSocket`; in Node use `@herald/client/node`. */
  WebSocket?: WebSocketConstructor;
  /** Reconnect delay bounds in ms (full-jitter exponential). Default `{min: 500, max: 20000}`. */
  backoff?: Partial<BackoffOptions>;
  /** Connect as soon as the client is created (in a microtask, after listeners are attached). Default true. */
  autoConnect?: boolean;
  /** Give up on an attempt that has no `welcome` after this many ms, and retry. Default 10000. */
  connectTimeout?: number;
  /** Advanced: the transport to use instead of the WebSocket one (same delivery semantics). */
  transport?: TransportFactory;
  /** Signs private and presence channel subscriptions: your auth endpoint (Pusher's format) or a function. */
  channelAuth?: ChannelAuthOption;
}

/** Options after defaults and checks. */
export interface ResolvedOptions {
  url: string;
  token: TokenSource;
  transport: TransportFactory;
  backoff: BackoffOptions;
  autoConnect: boolean;
  connectTimeout: number;
}

function invalid(message: string): HeraldClientError {
  return new HeraldClientError('invalid_options', message);
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalid(`${name} must be a positive number`);
  return value;
}

/** Applies defaults; throws `invalid_options` (a HeraldClientError) for anything unusable. */
export function resolveOptions(options: HeraldClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options are required');
  if (typeof options.url !== 'string') throw invalid('url must be a string');
  parseBaseUrl(options.url);
  const { token } = options;
  if (!(typeof token === 'function' || (typeof token === 'string' && token !== ''))) {
    throw invalid('token must be a non-empty string or a function returning one');
  }
  let transport = options.transport;
  if (transport === undefined) {
    const WebSocketClass: WebSocketConstructor | undefined =
      options.WebSocket ?? (typeof WebSocket === 'undefined' ? undefined : WebSocket);
    if (typeof WebSocketClass !== 'function') {
      throw invalid('no WebSocket implementation: pass options.WebSocket, or in Node import from "@herald/client/node"');
    }
    transport = webSocketTransport(WebSocketClass);
  }
  const min = positive(options.backoff?.min, DEFAULT_BACKOFF.min, 'backoff.min');
  const max = positive(options.backoff?.max, Math.max(DEFAULT_BACKOFF.max, min), 'backoff.max');
  if (max < min) throw invalid('backoff.max must not be below backoff.min');
  return {
    url: options.url,
    token,
    transport,
    backoff: { min, max },
    autoConnect: options.autoConnect ?? true,
    connectTimeout: positive(options.connectTimeout, 10_000, 'connectTimeout'),
  };
}
