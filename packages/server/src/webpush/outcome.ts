// What a push service's answer means for a subscription (RFC 8030 §5-8), and when to try again.

/** The verdict on one push attempt. */
export type PushVerdict =
  | { kind: 'sent' }
  /** 404 / 410: the subscription is expired or unsubscribed; delete it. */
  | { kind: 'gone'; status: number }
  /** 429, 5xx or a network failure: try again later (after `retryAfterMs` when the service said). */
  | { kind: 'retry'; status: number | null; retryAfterMs: number | null }
  /** Anything else (400, 401/403 VAPID trouble, 413...): retrying the same request cannot help. */
  | { kind: 'failed'; status: number };

/** An answer from the push service, or null status for a request that got no answer. */
export interface PushAnswer {
  status: number | null;
  retryAfter?: string | undefined;
}

export function verdict(answer: PushAnswer, now: number): PushVerdict {
  const { status } = answer;
  if (status === null) return { kind: 'retry', status: null, retryAfterMs: null };
  if (status >= 200 && status < 300) return { kind: 'sent' };
  if (status === 404 || status === 410) return { kind: 'gone', status };
  if (status === 429 || status >= 500) return { kind: 'retry', status, retryAfterMs: parseRetryAfter(answer.retryAfter, now) };
  return { kind: 'failed', status };
}

/** `Retry-After` as ms from `now`: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names a weekday and month; Date.parse alone would also take numbers like "-3".
  const date = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export interface RetryPolicy {
  /** Attempts per subscription, the first included. */
  attempts: number;
  /** First backoff ceiling, ms; it doubles per retry (full jitter below it). */
  baseDelayMs: number;
  /** Longest wait before one retry, ms: a service asking for longer is given up on. */
  maxDelayMs: number;
}

/**
 * Wait before retry number `retry` (0 for the first retry), or null to give up. A `Retry-After` is
 * honoured exactly (never retried sooner); without one, full-jitter exponential backoff.
 */
export function retryDelay(retry: number, retryAfterMs: number | null, policy: RetryPolicy, random: () => number = Math.random): number | null {
  if (retry + 1 >= policy.attempts) return null;
  if (retryAfterMs !== null) return retryAfterMs <= policy.maxDelayMs ? retryAfterMs : null;
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry));
}
