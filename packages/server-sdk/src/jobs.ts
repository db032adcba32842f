// Jobs from the backend: start a job for a session, report its progress, complete or fail it, read its state.
import type { CreateJobRequest, JobInfo, JobProgress, JsonValue } from '@herald/protocol';
import { HeraldApiError, isRecord } from './errors.js';

/** Sends one API request for the app (the Herald client's authenticated call). */
export type ApiCall = (method: string, path: string, body?: unknown) => Promise<{ status: number; data: unknown }>;

/**
 * `herald.jobs`: the session that a job is created for receives `started`, progress and exactly one
 * outcome through its inbox, even across reconnects. Every method resolves with the job's state and
 * throws HeraldApiError (`job_not_found`, `job_finished` once it completed, failed, expired or was
 * orphaned, `inbox_full` for an outcome the session cannot take yet: retry later).
 */
export class HeraldJobs {
  readonly #call: ApiCall;

  constructor(call: ApiCall) {
    this.#call = call;
  }

  /** Creates a job for `session` (which is told `started` with `kind` and `meta`). `ttl`: seconds before it expires. */
  async create(request: CreateJobRequest): Promise<JobInfo> {
    return this.#job('POST', '', request);
  }

  /** Reports progress (percent 0-100). Updates may be coalesced: the session is sure to see the latest, not every one. */
  async progress(id: string, progress: JobProgress): Promise<JobInfo> {
    return this.#job('POST', `/${encodeURIComponent(id)}/progress`, progress);
  }

  /** Completes the job; its session receives `result` exactly once. Repeating the call after a network error is safe. */
  async complete(id: string, result: JsonValue = null): Promise<JobInfo> {
    return this.#job('POST', `/${encodeURIComponent(id)}/complete`, { result });
  }

  /** Fails the job; its session's `watch()` rejects with this error. `code` defaults to `job_failed`. */
  async fail(id: string, error: { code?: string; message: string }): Promise<JobInfo> {
    return this.#job('POST', `/${encodeURIComponent(id)}/fail`, { error });
  }

  /** The job's current state. */
  async get(id: string): Promise<JobInfo> {
    return this.#job('GET', `/${encodeURIComponent(id)}`);
  }

  async #job(method: string, path: string, body?: unknown): Promise<JobInfo> {
    const { status, data } = await this.#call(method, `/jobs${path}`, body);
    if (!isRecord(data) || typeof data['id'] !== 'string' || typeof data['state'] !== 'string') {
      throw new HeraldApiError('invalid_response', status, 'invalid answer: a job answer lacks id and state');
    }
    return data as unknown as JobInfo;
  }
}
