// Opening ioredis connections that fail fast: no endless retry at start, no command queued while Redis is away.
import { Redis, type RedisOptions } from 'ioredis';
import { HeraldError } from '../../errors.js';
import { redactUrl } from './errors.js';

export interface ConnectionOptions {
  url: string;
  /** Connect timeout, and how long any command may wait for its answer, ms. */
  timeoutMs: number;
  /** Reported for connection errors (logs); ioredis otherwise prints unhandled 'error' events itself. */
  onError?: (err: Error) => void;
}

/** Reconnect delays once running: quick first, then one attempt every half second. */
function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 4), 500);
}

/**
 * Options that make every command settle promptly: commands are refused while disconnected
 * (no offline queue), in-flight commands fail when the connection drops (no resend: a resent
 * publish could commit twice), and a command with no answer fails after `timeoutMs`.
 * Reconnection is on only after the first connection succeeded, so start-up fails fast.
 */
function redisOptions(options: ConnectionOptions, started: () => boolean, extra: Partial<RedisOptions>): RedisOptions {
  return {
    lazyConnect: true,
    connectTimeout: options.timeoutMs,
    commandTimeout: options.timeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    enableAutoPipelining: true,
    retryStrategy: (attempt) => (started() ? reconnectDelay(attempt) : null),
    ...extra,
  };
}

/** Connects, or rejects with storage_unavailable naming the (redacted) URL and the cause. */
export async function openConnection(options: ConnectionOptions, extra: Partial<RedisOptions> = {}): Promise<Redis> {
  let started = false;
  let lastError: Error | null = null;
  const client = new Redis(options.url, redisOptions(options, () => started, extra));
  client.on('error', (err: Error) => {
    lastError = err;
    if (started) options.onError?.(err);
  });
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    const cause = lastError ?? err;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new HeraldError('storage_unavailable', `Cannot reach Redis at ${redactUrl(options.url)}: ${detail}`);
  }
  started = true;
  return client;
}
