// Jobs on the wire: the `herald.jobs` notifications a session receives, and a job as the HTTP API reports it.
import type { JsonObject, JsonValue } from './json.js';

/** Module of the notifications that carry job events. Modules starting with `herald.` are reserved to the server. */
export const JOBS_MODULE = 'herald.jobs';

/** Prefix of modules that only the server itself publishes; the publish API refuses them. */
export const RESERVED_MODULE_PREFIX = 'herald.';

/** Why a job failed. `code` is the application's own (default `job_failed`), or `job_expired` when Herald expired it. */
export type JobError = {
  code: string;
  message: string;
};

/** The latest progress a job reported. `percent` is 0 to 100. */
export type JobProgress = {
  percent: number;
  message?: string;
};

/** Error code a job gets when it did not finish within its time-to-live. */
export const JOB_EXPIRED = 'job_expired';
/** Error code of a failure reported without a code. */
export const JOB_FAILED = 'job_failed';

/** A `herald.jobs` notification, by `type`: what the session learns about its job. `data.job` is the job id. */
export type JobEvent =
  | { type: 'started'; data: { job: string; kind: string; meta: JsonObject } }
  | { type: 'progress'; data: { job: string } & JobProgress }
  | { type: 'completed'; data: { job: string; result: JsonValue } }
  | { type: 'failed'; data: { job: string; error: JobError } };

export type JobEventType = JobEvent['type'];

/**
 * Where a job is: `running` until it completes or fails (the session is told), expires (the session
 * is told it failed with `job_expired`, the app gets `job.expired`) or is orphaned (its session
 * ended first; the app gets `job.orphaned`).
 */
export type JobState = 'running' | 'completed' | 'failed' | 'expired' | 'orphaned';

/** A job as `GET /v1/apps/{appId}/jobs/{id}` (and every other job call) answers it. */
export interface JobInfo {
  id: string;
  session: string;
  kind: string;
  meta: JsonObject;
  state: JobState;
  /** Latest progress reported, null before the first. */
  progress: JobProgress | null;
  /** Set when `state` is `completed`. */
  result?: JsonValue;
  /** Set when `state` is `failed` or `expired`. */
  error?: JobError;
  createdAt: number;
  updatedAt: number;
  /** While running: when the job expires. Once finished: until when its state can be read. */
  expiresAt: number;
  finishedAt: number | null;
}

/** Body of `POST /v1/apps/{appId}/jobs`. `ttl` (seconds) overrides the server's `jobTtl`. */
export interface CreateJobRequest {
  session: string;
  kind: string;
  meta?: JsonObject;
  ttl?: number;
}

/** Body of `POST /v1/apps/{appId}/jobs/{id}/fail`. */
export interface FailJobRequest {
  error: { code?: string; message: string };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a notification as a job event; null when it is not one (another module, or a shape this
 * version does not know). Clients use it instead of trusting the payload blindly.
 */
export function readJobEvent(n: { module: string; type: string; data: JsonValue }): JobEvent | null {
  if (n.module !== JOBS_MODULE || !isObject(n.data) || typeof n.data['job'] !== 'string') return null;
  const d = n.data;
  const job = d['job'] as string;
  switch (n.type) {
    case 'started':
      if (typeof d['kind'] !== 'string' || !isObject(d['meta'])) return null;
      return { type: 'started', data: { job, kind: d['kind'], meta: d['meta'] as JsonObject } };
    case 'progress': {
      if (typeof d['percent'] !== 'number') return null;
      const message = d['message'];
      if (message !== undefined && typeof message !== 'string') return null;
      return { type: 'progress', data: { job, percent: d['percent'], ...(message !== undefined ? { message } : {}) } };
    }
    case 'completed':
      return { type: 'completed', data: { job, result: d['result'] ?? null } };
    case 'failed': {
      const error = d['error'];
      if (!isObject(error) || typeof error['code'] !== 'string' || typeof error['message'] !== 'string') return null;
      return { type: 'failed', data: { job, error: { code: error['code'], message: error['message'] } } };
    }
    default:
      return null;
  }
}
