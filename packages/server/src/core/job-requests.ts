// Validation of the job API bodies: every refusal names the field and carries a stable code.
import { JOB_EXPIRED, JOB_FAILED, type CreateJobRequest, type JobError, type JobProgress, type JsonObject, type JsonValue } from '@herald/protocol';
import { HeraldError } from '../errors.js';

const NAME = /^[\w.:/-]{1,128}$/;
/** Longest progress or error message, characters. */
export const MAX_JOB_MESSAGE = 1024;

export interface JobLimits {
  maxPayloadBytes: number;
  maxTtlSeconds: number;
}

function object(raw: unknown, keys: readonly string[]): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new HeraldError('invalid_request', 'the body must be a JSON object');
  const rec = raw as Record<string, unknown>;
  for (const k of Object.keys(rec)) {
    if (!keys.includes(k)) throw new HeraldError('invalid_request', `${k} is not a field here (expected ${keys.join(', ')})`);
  }
  return rec;
}

function message(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || raw.length > MAX_JOB_MESSAGE) throw new HeraldError('invalid_request', `${field} must be a string of at most ${MAX_JOB_MESSAGE} characters`);
  return raw;
}

function sized(value: JsonValue, field: string, limits: JobLimits): void {
  if (Buffer.byteLength(JSON.stringify(value)) > limits.maxPayloadBytes) {
    throw new HeraldError('payload_too_large', `${field} is larger than ${limits.maxPayloadBytes} bytes`);
  }
}

/** `{session, kind, meta?, ttl?}`. */
export function validateCreateJob(raw: unknown, limits: JobLimits): CreateJobRequest {
  const rec = object(raw, ['session', 'kind', 'meta', 'ttl']);
  const { session, kind, meta, ttl } = rec;
  if (typeof session !== 'string' || session.length === 0 || session.length > 256) throw new HeraldError('invalid_request', 'session must be a session id');
  if (typeof kind !== 'string' || !NAME.test(kind)) throw new HeraldError('invalid_request', 'kind must be 1-128 characters of letters, digits, _ . : / -');
  if (meta !== undefined && (typeof meta !== 'object' || meta === null || Array.isArray(meta))) throw new HeraldError('invalid_request', 'meta must be an object');
  if (meta !== undefined) sized(meta as JsonObject, 'meta', limits);
  if (ttl !== undefined && !(Number.isInteger(ttl) && (ttl as number) > 0 && (ttl as number) <= limits.maxTtlSeconds)) {
    throw new HeraldError('invalid_request', `ttl must be an integer from 1 to ${limits.maxTtlSeconds} (seconds)`);
  }
  return { session, kind, ...(meta !== undefined ? { meta: meta as JsonObject } : {}), ...(ttl !== undefined ? { ttl: ttl as number } : {}) };
}

/** `{percent, message?}` with percent from 0 to 100. */
export function validateProgress(raw: unknown): JobProgress {
  const rec = object(raw, ['percent', 'message']);
  const percent = rec['percent'];
  if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new HeraldError('invalid_request', 'percent must be a number from 0 to 100');
  }
  return rec['message'] === undefined ? { percent } : { percent, message: message(rec['message'], 'message') };
}

/** `{result}`: any JSON value within the payload limit (absent means null). */
export function validateComplete(raw: unknown, limits: JobLimits): JsonValue {
  const rec = object(raw, ['result']);
  const result = (rec['result'] ?? null) as JsonValue;
  sized(result, 'result', limits);
  return result;
}

/** `{error: {code?, message}}`; the code defaults to job_failed, and job_expired is Herald's own. */
export function validateFail(raw: unknown): JobError {
  const error = object(raw, ['error'])['error'];
  const rec = object(error, ['code', 'message']);
  const code = rec['code'] ?? JOB_FAILED;
  if (typeof code !== 'string' || !NAME.test(code)) throw new HeraldError('invalid_request', 'error.code must be 1-128 characters of letters, digits, _ . : / -');
  if (code === JOB_EXPIRED) throw new HeraldError('invalid_request', `error.code ${JOB_EXPIRED} is reserved for jobs Herald expires`);
  return { code, message: message(rec['message'], 'error.message') };
}
