// The job routes of Herald's HTTP API: create, progress, complete, fail, read. Documented in docs/jobs.md.
import type { Jobs } from '../core/jobs.js';
import { validateComplete, validateCreateJob, validateFail, validateProgress, type JobLimits } from '../core/job-requests.js';
import type { Storage } from '../storage/storage.js';
import { authenticateApp } from './auth.js';
import { readJson, sendJson } from './body.js';
import type { RequestContext, Router } from './router.js';

export interface JobsApiDeps {
  storage: Storage;
  jobs: Jobs;
  maxBodyBytes: number;
  limits: JobLimits;
}

export function registerJobsApi(router: Router, deps: JobsApiDeps): void {
  const { storage, limits } = deps;
  const authorized = async (ctx: RequestContext): Promise<{ appId: string; jobs: Jobs; jobId: string }> => {
    const app = await authenticateApp(storage, ctx.params['appId']!, ctx.req);
    return { appId: app.id, jobs: deps.jobs, jobId: ctx.params['jobId'] ?? '' };
  };
  const body = (ctx: RequestContext) => readJson(ctx.req, deps.maxBodyBytes);

  router.on('POST', '/v1/apps/:appId/jobs', async (ctx) => {
    const { appId, jobs } = await authorized(ctx);
    sendJson(ctx.res, 201, await jobs.create(appId, validateCreateJob(await body(ctx), limits)));
  });

  router.on('GET', '/v1/apps/:appId/jobs/:jobId', async (ctx) => {
    const { appId, jobs, jobId } = await authorized(ctx);
    sendJson(ctx.res, 200, await jobs.get(appId, jobId));
  });

  router.on('POST', '/v1/apps/:appId/jobs/:jobId/progress', async (ctx) => {
    const { appId, jobs, jobId } = await authorized(ctx);
    sendJson(ctx.res, 200, await jobs.progress(appId, jobId, validateProgress(await body(ctx))));
  });

  router.on('POST', '/v1/apps/:appId/jobs/:jobId/complete', async (ctx) => {
    const { appId, jobs, jobId } = await authorized(ctx);
    sendJson(ctx.res, 200, await jobs.complete(appId, jobId, validateComplete(await body(ctx), limits)));
  });

  router.on('POST', '/v1/apps/:appId/jobs/:jobId/fail', async (ctx) => {
    const { appId, jobs, jobId } = await authorized(ctx);
    sendJson(ctx.res, 200, await jobs.fail(appId, jobId, validateFail(await body(ctx))));
  });
}
