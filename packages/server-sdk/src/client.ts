// Herald: the HTTP client an application backend uses to publish notifications and manage sessions.
import type { AdminSession, BatchItemResult, BatchPublishRequest, NotificationStatus, PublishRequest, PublishResult } from '@herald/protocol';
import { HeraldApiError, errorFromAnswer, isRecord } from './errors.js';
import { createConnectionToken, type TokenOptions } from './tokens.js';
import { HeraldJobs } from './jobs.js';

/** How to reach one app on a Herald server. */
export interface HeraldOptions {
  /** Base URL of the server, e.g. `https://herald.example.com` (a path prefix is kept). */
  url: string;
  appId: string;
  /** The app secret: authenticates API calls and signs connection tokens. Keep it server-side. */
  secret: string;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
  /** Per-call limit covering the whole answer, ms (default 10000). */
  timeoutMs?: number;
}

/** A session as `GET /v1/apps/{appId}/sessions/{id}` describes it: the one session view of the wire protocol. */
export type SessionInfo = AdminSession;

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Client for one app. Every method throws HeraldApiError on failure. Calls are not retried: after a
 * `network_error` a publish may or may not have been accepted, so retry with the same
 * `idempotencyKey` to be safe. Connections are reused (Node's fetch keeps them alive).
 */
export class Herald {
  readonly appId: string;
  /** Jobs: start work for a session and report its progress and outcome to it. */
  readonly jobs: HeraldJobs;
  // Private fields keep the secret out of console.log and JSON.stringify of the client.
  readonly #secret: string;
  readonly #appUrl: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: HeraldOptions) {
    const base = parseBaseUrl(options.url);
    if (!options.appId) throw new TypeError('Herald: appId is required');
    if (!options.secret) throw new TypeError('Herald: secret is required');
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new RangeError(`Herald: timeoutMs must be a positive number, got ${timeoutMs}`);
    this.appId = options.appId;
    this.#secret = options.secret;
    this.#appUrl = `${base}/v1/apps/${encodeURIComponent(options.appId)}`;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = timeoutMs;
    this.jobs = new HeraldJobs((method, path, body) => this.#call(method, path, body));
  }

  /** Publishes one notification; resolves once the server has stored it durably. */
  async publish(req: PublishRequest): Promise<PublishResult> {
    const { status, data } = await this.#call('POST', '/notifications', req);
    if (!isRecord(data) || typeof data['id'] !== 'string' || typeof data['recipients'] !== 'number') {
      throw invalid(status, 'publish answer lacks id and recipients');
    }
    return data as unknown as PublishResult;
  }

  /** Publishes several notifications in one call; each result is in the order of `reqs` and succeeds or fails alone. */
  async publishBatch(reqs: PublishRequest[]): Promise<BatchItemResult[]> {
    const body: BatchPublishRequest = { notifications: reqs };
    const { status, data } = await this.#call('POST', '/notifications/batch', body);
    const results = isRecord(data) ? data['results'] : undefined;
    if (!Array.isArray(results) || results.length !== reqs.length || !results.every((r) => isRecord(r) && typeof r['ok'] === 'boolean')) {
      throw invalid(status, `batch answer must hold one result per notification (${reqs.length})`);
    }
    return results as BatchItemResult[];
  }

  /** What became of a notification: how many sessions received and acknowledged it. */
  async status(id: string): Promise<NotificationStatus> {
    const { status, data } = await this.#call('GET', `/notifications/${encodeURIComponent(id)}`);
    if (!isRecord(data) || typeof data['id'] !== 'string' || typeof data['recipients'] !== 'number') {
      throw invalid(status, 'status answer lacks id and recipients');
    }
    return data as unknown as NotificationStatus;
  }

  /** Describes one session; throws `session_not_found` when it has ended or never existed. */
  async getSession(id: string): Promise<SessionInfo> {
    const { status, data } = await this.#call('GET', `/sessions/${encodeURIComponent(id)}`);
    if (!isRecord(data) || typeof data['id'] !== 'string') throw invalid(status, 'session answer lacks an id');
    return data as unknown as SessionInfo;
  }

  /** Ends a session for good: its client is disconnected and its inbox discarded. */
  async endSession(id: string): Promise<void> {
    await this.#call('DELETE', `/sessions/${encodeURIComponent(id)}`);
  }

  /** Signs a connection token for this app (no network call). */
  createToken(options: TokenOptions = {}): Promise<string> {
    return createConnectionToken({ appId: this.appId, secret: this.#secret }, options);
  }

  /** Sends one request; resolves with a 2xx answer's status and parsed JSON (undefined when empty), throws otherwise. */
  async #call(method: string, path: string, body?: unknown): Promise<{ status: number; data: unknown }> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#secret}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const url = this.#appUrl + path;
    const what = `${method} ${url}`;
    let status: number;
    let text: string;
    try {
      const res = await this.#fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        // A redirect would turn a POST into a GET and may drop the Authorization header; a wrong URL should fail loudly.
        redirect: 'error',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = res.status;
      // The timeout also covers reading the body, so a server that stalls mid-answer cannot hang the caller.
      text = await res.text();
    } catch (err) {
      throw networkError(what, this.#timeoutMs, err);
    }
    if (status < 200 || status > 299) throw errorFromAnswer(status, text);
    if (text === '') return { status, data: undefined };
    try {
      return { status, data: JSON.parse(text) as unknown };
    } catch (err) {
      throw new HeraldApiError('invalid_response', status, `${what}: HTTP ${status} answer is not JSON`, { cause: err });
    }
  }
}

function parseBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`Herald: url is not a valid URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`Herald: url must be http or https, got ${parsed.protocol}`);
  if (parsed.search || parsed.hash) throw new TypeError('Herald: url must not have a query or fragment');
  return parsed.href.replace(/\/+$/, '');
}

function networkError(what: string, timeoutMs: number, err: unknown): HeraldApiError {
  if (err instanceof Error && err.name === 'TimeoutError') {
    return new HeraldApiError('network_error', 0, `${what}: no answer within ${timeoutMs} ms (the server may still have acted on it)`, { cause: err });
  }
  // undici reports "fetch failed" and puts the useful part (ECONNREFUSED, ENOTFOUND...) in `cause`.
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new HeraldApiError('network_error', 0, `${what}: ${detail}`, { cause: err });
}

function invalid(status: number, message: string): HeraldApiError {
  return new HeraldApiError('invalid_response', status, `invalid answer: ${message}`);
}
