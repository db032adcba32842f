// The client's options: their types, defaults, and the checks that reject bad ones at construction.
import { DEFAULT_BACKOFF } from './backoff.js';
import type { BackoffOptions } from './backoff.js';
import type { ChannelAuthOption } from './channel-auth.js';
import type { TokenSource } from './credentials.js';
import { HeraldClientError } from './errors.js';
import type { TransportFactory } from './transport.js';
import type { FetchLike } from './transports/http.js';
import { longPollTransport } from './transports/long-poll.js';
import { sseTransport } from './transports/sse.js';
import { webSocketTransport } from './transports/websocket.js';
import type { WebSocketConstructor } from './transports/websocket.js';
import { parseBaseUrl } from './url.js';

/** The built-in transports, by name. */
export type TransportName = 'websocket' | 'sse' | 'long-poll';

/** The default transport order: WebSocket, then Server-Sent Events, then long-polling. */
export const DEFAULT_TRANSPORTS: readonly TransportName[] = ['websocket', 'sse', 'long-poll'];

/** Options of `new HeraldClient(options)`. */
export interface HeraldClientOptions {
  /** Base URL of the server (http, https, ws or wss); the SDK appends `/v1/ws`, `/v1/sse` or `/v1/poll`. */
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
  /**
   * Transports to use, best first. The client falls back down the list when one cannot connect
   * (refused, closed before `welcome`, timed out) and tries the first one again later (`upgradeAfter`).
   * Default `['websocket', 'sse', 'long-poll']`. An entry may also be a TransportFactory (a custom transport).
   */
  transports?: Array<TransportName | TransportFactory>;
  /** `fetch` for SSE and long-poll. Defaults to `globalThis.fetch` (browsers, Node 18+). */
  fetch?: FetchLike;
  /** Ms on a fallback transport before trying the first one again (doubling after each failed try, up to 8x). Default 300000. */
  upgradeAfter?: number;
  /** Advanced: one transport to use instead of `transports` (same delivery semantics). */
  transport?: TransportFactory;
  /** Signs private and presence channel subscriptions: your auth endpoint (Pusher's format) or a function. */
  channelAuth?: ChannelAuthOption;
}

/** Options after defaults and checks. */
export interface ResolvedOptions {
  url: string;
  token: TokenSource;
  /** Transport factories, best first. */
  transports: TransportFactory[];
  upgradeAfter: number;
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
  const transports = resolveTransports(options);
  const min = positive(options.backoff?.min, DEFAULT_BACKOFF.min, 'backoff.min');
  const max = positive(options.backoff?.max, Math.max(DEFAULT_BACKOFF.max, min), 'backoff.max');
  if (max < min) throw invalid('backoff.max must not be below backoff.min');
  return {
    url: options.url,
    token,
    transports,
    upgradeAfter: positive(options.upgradeAfter, 300_000, 'upgradeAfter'),
    backoff: { min, max },
    autoConnect: options.autoConnect ?? true,
    connectTimeout: positive(options.connectTimeout, 10_000, 'connectTimeout'),
  };
}

/** The transport factories the options ask for; a transport that cannot work here is an `invalid_options` error. */
function resolveTransports(options: HeraldClientOptions): TransportFactory[] {
  if (options.transport !== undefined) {
    if (typeof options.transport !== 'function') throw invalid('transport must be a TransportFactory function');
    return [options.transport];
  }
  const names = options.transports ?? DEFAULT_TRANSPORTS;
  if (!Array.isArray(names) || names.length === 0) throw invalid('transports must be a non-empty array of transport names');
  if (new Set(names).size !== names.length) throw invalid('transports must not repeat a transport');
  return names.map((name): TransportFactory => {
    if (typeof name === 'function') return name;
    switch (name) {
      case 'websocket': {
        const WebSocketClass: WebSocketConstructor | undefined = options.WebSocket ?? (typeof WebSocket === 'undefined' ? undefined : WebSocket);
        if (typeof WebSocketClass !== 'function') {
          throw invalid('no WebSocket implementation: pass options.WebSocket, in Node import from "@herald/client/node", or leave "websocket" out of transports');
        }
        return webSocketTransport(WebSocketClass);
      }
      case 'sse':
      case 'long-poll': {
        const fetchImpl = options.fetch ?? defaultFetch();
        if (typeof fetchImpl !== 'function') throw invalid(`no fetch implementation for ${name}: pass options.fetch`);
        return name === 'sse' ? sseTransport(fetchImpl) : longPollTransport(fetchImpl);
      }
      default:
        throw invalid(`unknown transport ${JSON.stringify(name)}: use ${DEFAULT_TRANSPORTS.map((n) => `"${n}"`).join(', ')}`);
    }
  });
}

/** `globalThis.fetch`, called through a wrapper: browsers refuse a fetch called with another `this`. */
function defaultFetch(): FetchLike | undefined {
  if (typeof globalThis.fetch !== 'function') return undefined;
  return (url, init) => globalThis.fetch(url, init);
}
