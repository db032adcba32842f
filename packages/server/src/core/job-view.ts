// The public view of a stored job (JobInfo): what the HTTP API answers, without storage bookkeeping.
import { JOB_EXPIRED, type JobInfo } from '@herald/protocol';
import type { JobRecord } from '../storage/job-store.js';

export function jobView(job: JobRecord): JobInfo {
  const view: JobInfo = {
    id: job.id,
    session: job.sessionId,
    kind: job.kind,
    meta: job.meta,
    state: job.state,
    progress: job.progress,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    expiresAt: job.expiresAt,
    finishedAt: job.state === 'running' ? null : job.finishedAt,
  };
  switch (job.state) {
    case 'running':
    case 'orphaned':
      break;
    case 'completed':
      view.result = job.result;
      break;
    case 'failed':
      view.error = job.error;
      break;
    case 'expired':
      view.error = expiredError();
      break;
    default: {
      const unreachable: never = job;
      return unreachable;
    }
  }
  return view;
}

/** The error a job gets when it did not finish in time. */
export function expiredError() {
  return { code: JOB_EXPIRED, message: 'The job did not finish within its time-to-live.' };
}
