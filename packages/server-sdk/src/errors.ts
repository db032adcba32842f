// HeraldApiError: every failure of a server SDK call, with a stable code the caller can switch on.
import { isErrorCode, type ErrorCode } from '@herald/protocol';

/**
 * A code from the server's error catalogue, or one of the two failures that happen before the
 * server has answered: `network_error` (no HTTP answer: refused, reset, timed out) and
 * `invalid_response` (an answer that is not Herald's JSON, e.g. a proxy's HTML error page).
 */
export type HeraldApiErrorCode = ErrorCode | 'network_error' | 'invalid_response';

/** Thrown by every `Herald` method that talks to the server. */
export class HeraldApiError extends Error {
  readonly code: HeraldApiErrorCode;
  /** HTTP status of the answer; 0 when there was none (`network_error`). */
  readonly status: number;

  constructor(code: HeraldApiErrorCode, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HeraldApiError';
    this.code = code;
    this.status = status;
  }
}

/**
 * Builds the error for a non-2xx answer from its status and raw body. A body that is not
 * `{error: {code, message}}` with a code this SDK knows becomes `invalid_response`, keeping the
 * status and whatever text helps the reader (a proxy in front of Herald answers in its own format).
 */
export function errorFromAnswer(status: number, body: string): HeraldApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return new HeraldApiError('invalid_response', status, `HTTP ${status} without a JSON error body: ${preview(body)}`);
  }
  const error = isRecord(parsed) ? parsed['error'] : undefined;
  const code = isRecord(error) ? error['code'] : undefined;
  const message = isRecord(error) && typeof error['message'] === 'string' ? error['message'] : '';
  if (isErrorCode(code)) return new HeraldApiError(code, status, message || code);
  if (typeof code === 'string') {
    // A newer server may send codes this SDK does not know yet; keep the code visible in the message.
    return new HeraldApiError('invalid_response', status, `HTTP ${status} with unknown error code "${code}": ${message}`);
  }
  return new HeraldApiError('invalid_response', status, `HTTP ${status} without a Herald error body: ${preview(body)}`);
}

/** True for a non-null, non-array object: the shape of every JSON answer the SDK reads. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}...` : flat || '(empty)';
}
