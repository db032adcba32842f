// Turns the base URL given to the client into a transport's endpoint URL.
import { HeraldClientError } from './errors.js';

/**
 * Parses the server's base URL (http, https, ws or wss; in a browser it may be relative to the
 * page). Throws `invalid_options` for anything else.
 */
export function parseBaseUrl(base: string): URL {
  let url: URL;
  try {
    url = new URL(base, typeof location === 'undefined' ? undefined : location.href);
  } catch (cause) {
    throw new HeraldClientError('invalid_options', `url is not a valid URL: ${JSON.stringify(base)}`, { cause });
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
    throw new HeraldClientError('invalid_options', `url must be http(s) or ws(s), got ${url.protocol}`);
  }
  return url;
}

/**
 * The endpoint `path` (like `/v1/ws`) under `base`, with the scheme a transport needs: `ws`
 * gives ws:/wss:, `http` gives http:/https:. A base that already ends with `path` is kept as is.
 */
export function endpointUrl(base: string, path: string, scheme: 'ws' | 'http'): string {
  const url = parseBaseUrl(base);
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  url.protocol = scheme === 'ws' ? (secure ? 'wss:' : 'ws:') : (secure ? 'https:' : 'http:');
  const prefix = url.pathname.replace(/\/+$/, '');
  url.pathname = prefix.endsWith(path) ? prefix : `${prefix}${path}`;
  url.hash = '';
  return url.toString();
}
