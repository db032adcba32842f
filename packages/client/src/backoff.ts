// Full-jitter exponential backoff: a pure function, so its bounds are easy to test.

/** Backoff bounds in milliseconds. */
export interface BackoffOptions {
  /** Ceiling of the first attempt's delay. */
  min: number;
  /** Ceiling no delay ever exceeds. */
  max: number;
}

/** Default reconnect bounds: first retry within 0.5 s, never more than 20 s apart. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = { min: 500, max: 20_000 };

/**
 * Delay before reconnect attempt `attempt` (0-based): a uniform random value in
 * `[0, min(max, min * 2^attempt))`. Full jitter spreads a crowd of clients that lost the
 * same server, so they do not all come back in the same instant.
 * `random` returns a value in [0, 1) and defaults to Math.random.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions & { random?: () => number },
): number {
  const { min, max } = options;
  const random = options.random ?? Math.random;
  // Cap the exponent so 2^attempt cannot overflow to Infinity on very long outages.
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(max, min * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
