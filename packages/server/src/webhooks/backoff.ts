// Retry delays of webhook requests: exponential from the configured first delay, capped.

/** Longest wait between two attempts, ms. */
export const MAX_RETRY_DELAY_MS = 5 * 60_000;

/** Delay before attempt `failed + 1`, after `failed` failed attempts (failed >= 1). */
export function retryDelay(failed: number, firstMs: number, maxMs = MAX_RETRY_DELAY_MS): number {
  return Math.min(maxMs, firstMs * 2 ** Math.min(30, Math.max(0, failed - 1)));
}
