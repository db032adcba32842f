// What the client proves itself with: the connection token and the session's resume pair.
import type { HelloFrame } from '@herald/protocol';
import { HeraldClientError } from './errors.js';

/** A connection token, or a function fetching a fresh one from the application's backend. */
export type TokenSource = string | (() => string | Promise<string>);

/** The session id and secret from `welcome`: enough to resume the session. */
export interface ResumePair {
  session: string;
  secret: string;
}

/**
 * Holds the token and the resume pair and builds `hello` frames from them.
 * A token function is called only when no usable token is held: on the first connect and after
 * the server said the token expired. Reconnects reuse the held token.
 */
export class Credentials {
  private token: string | undefined;
  /** The server said the held token expired: do not offer it again, fetch another if possible. */
  private stale = false;
  /** The session to resume, if any. */
  pair: ResumePair | null = null;

  constructor(private readonly source: TokenSource) {
    if (typeof source === 'string') this.token = source;
  }

  /** True when `fetchToken()` must run before the next `hello`. */
  needsToken(): boolean {
    return typeof this.source === 'function' && (this.token === undefined || this.stale);
  }

  /** Calls the token function. Throws `token_failed` when it throws or gives no token. */
  async fetchToken(): Promise<void> {
    if (typeof this.source !== 'function') return;
    let token: unknown;
    try {
      token = await this.source();
    } catch (cause) {
      throw new HeraldClientError('token_failed', 'The token function failed.', { cause });
    }
    if (typeof token !== 'string' || token === '') {
      throw new HeraldClientError('token_failed', 'The token function did not return a non-empty string.');
    }
    this.token = token;
    this.stale = false;
  }

  /** The server closed with TokenExpired: the held token is not offered again on a resume. */
  tokenExpired(): void {
    this.stale = true;
  }

  /** The `hello` for the next connection: resume when a pair is held, else open a new session. */
  hello(ack: number): HelloFrame {
    if (this.pair === null) return { op: 'hello', token: this.token ?? '' };
    const frame: HelloFrame = { op: 'hello', resume: { ...this.pair }, ack };
    // Sent along so the server can open a new session at once if the pair is no longer valid.
    if (this.token !== undefined && !this.stale) frame.token = this.token;
    return frame;
  }
}
