// HeraldError: every refusal the server makes, carrying a stable code from the protocol catalogue.
import { ERRORS, type ErrorBody, type ErrorCode } from '@herald/protocol';

export class HeraldError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message?: string) {
    super(message ?? ERRORS[code].message);
    this.name = 'HeraldError';
    this.code = code;
    this.status = ERRORS[code].status;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/** Wraps anything thrown into a HeraldError; unknown failures become internal_error (their text is not leaked). */
export function toHeraldError(err: unknown): HeraldError {
  return err instanceof HeraldError ? err : new HeraldError('internal_error');
}
