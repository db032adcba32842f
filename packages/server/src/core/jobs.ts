// Jobs: work a backend does for a session, whose progress and outcome reach the session through its inbox.
//
// Exactly one outcome per job reaches the session. Every outcome notice (completed, failed, expired)
// is published under the idempotency key `herald.jobs:<id>:outcome`, so the inbox itself decides
// which outcome wins: a finish whose notice was refused as a conflict never records its outcome,
// and a finish retried after a crash between publishing and recording stores no second notice.
// Only the publisher of the winning notice then records the outcome (compare-and-set in the store).
//
// Progress is coalesced: while the last progress notice of a job sits unacknowledged in the inbox,
// newer progress is only recorded (held back), and written once that notice is acknowledged. So a
// disconnected client's inbox holds at most one progress entry per job, and a chatty job cannot fill
// it up and crowd out its own outcome. Operations on one job run one at a time across every node
// (job-queue.ts: this node's queue, then the job's lock in the store), so their notices are published
// one at a time, progress never follows the outcome in the inbox, and a held-back report is never
// overwritten by an older one that another node's recheck was about to write.
import { randomBytes } from 'node:crypto';
import type { CreateJobRequest, JobError, JobEvent, JobInfo, JobProgress, JsonValue, SessionEndReason } from '@herald/protocol';
import { HeraldError } from '../errors.js';
import type { FinishedJob, JobOutcome, JobRecord, JobStore, RunningJob } from '../storage/job-store.js';
import type { Storage } from '../storage/storage.js';
import { JobNotices } from './job-notices.js';
import { expiredError, jobView } from './job-view.js';
import { JobQueue } from './job-queue.js';
import type { Publisher } from './publish.js';

export interface JobsOptions {
  /** Time-to-live of a job that does not ask for its own, ms. */
  ttlMs: number;
  now: () => number;
  onError: (err: unknown, context: string) => void;
  /** First wait before checking whether held-back progress can be written, ms; doubled up to `recheckMaxMs`. */
  recheckMs?: number;
  recheckMaxMs?: number;
  /** How often due jobs are expired, ms. */
  sweepMs?: number;
  /** Lease of a job's lock, ms (job-queue.ts): how long a node that died mid-operation blocks the job. Default 10 s. */
  lockTtlMs?: number;
}

/** Observers of jobs that end without an outcome from the backend (webhooks, metrics, logs). */
export interface JobObserver {
  orphaned?(job: FinishedJob, reason: SessionEndReason | null): void;
  expired?(job: FinishedJob): void;
}

/** Jobs expired or orphaned per round of a sweep or a session end. */
const ROUND = 100;

export class Jobs {
  readonly observers: JobObserver[] = [];
  private readonly notices: JobNotices;
  private readonly queue: JobQueue;
  private readonly rechecks = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly recheckMs: number;
  private readonly recheckMaxMs: number;
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private sweeping = false;
  private stopped = false;

  constructor(
    private readonly store: JobStore,
    private readonly storage: Storage,
    publisher: Publisher,
    private readonly options: JobsOptions,
  ) {
    this.notices = new JobNotices(publisher, storage);
    this.queue = new JobQueue(store, { lockTtlMs: options.lockTtlMs ?? 10_000, onError: options.onError });
    this.recheckMs = options.recheckMs ?? 100;
    this.recheckMaxMs = options.recheckMaxMs ?? 2000;
  }

  /** Starts expiring due jobs periodically. */
  start(): void {
    this.sweeper ??= setInterval(() => void this.sweep(), this.options.sweepMs ?? 1000);
    this.sweeper.unref();
  }

  /** Stops timers and waits for job operations under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    for (const timer of this.rechecks.values()) clearTimeout(timer);
    this.rechecks.clear();
    await this.queue.idle();
  }

  /** Creates a running job for a session of the app and tells the session (`started`). */
  async create(appId: string, request: CreateJobRequest): Promise<JobInfo> {
    const session = await this.storage.getSession(request.session);
    if (!session || session.appId !== appId) throw new HeraldError('session_not_found', `no session ${request.session}`);
    const now = this.options.now();
    const job = {
      id: `j${randomBytes(16).toString('base64url')}`,
      appId,
      sessionId: session.id,
      kind: request.kind,
      meta: request.meta ?? {},
      createdAt: now,
      expiresAt: now + (request.ttl !== undefined ? request.ttl * 1000 : this.options.ttlMs),
    };
    await this.store.create(job);
    // Stored first, so a job the session hears about always exists; undone when the session cannot hear.
    const sent = await this.notices.send(appId, session.id, { type: 'started', data: { job: job.id, kind: job.kind, meta: job.meta } }).catch(async (err: unknown) => {
      await this.store.remove(job.id).catch((e: unknown) => this.options.onError(e, 'job create rollback'));
      throw err;
    });
    switch (sent.kind) {
      case 'stored':
      case 'duplicate':
        break;
      case 'inbox_full':
        await this.store.remove(job.id);
        throw new HeraldError('inbox_full', `the inbox of session ${session.id} is full`);
      case 'session_gone':
      // Without an idempotency key there is no conflict; if there were, the session could not be told.
      case 'conflict':
        await this.store.remove(job.id);
        throw new HeraldError('session_not_found', `no session ${session.id}`);
      default:
        return assertNever(sent);
    }
    return jobView({ ...job, state: 'running', progress: null, progressNotice: null, progressHeld: false, updatedAt: now });
  }

  async get(appId: string, id: string): Promise<JobInfo> {
    const job = await this.store.get(id);
    if (!job || job.appId !== appId) throw new HeraldError('job_not_found', `no job ${id}`);
    return jobView(job);
  }

  /** Records progress; writes it to the inbox unless the previous progress notice is still unacknowledged there. */
  progress(appId: string, id: string, progress: JobProgress): Promise<JobInfo> {
    return this.queue.run(id, async () => {
      const job = await this.running(appId, id);
      if (job.progressNotice !== null && (await this.notices.pending(appId, job.progressNotice))) {
        return jobView(await this.hold(job, progress));
      }
      const sent = await this.notices.send(appId, job.sessionId, { type: 'progress', data: { job: id, ...progress } });
      switch (sent.kind) {
        case 'stored':
        case 'duplicate':
          return jobView(this.recorded(id, await this.store.progress(id, { progress, notice: sent.id, at: this.options.now() })));
        case 'inbox_full':
        case 'conflict':
          // Progress may wait: it goes out once the inbox has room.
          return jobView(await this.hold(job, progress));
        case 'session_gone':
          await this.orphan(job, null);
          throw finished(id, 'orphaned');
        default:
          return assertNever(sent);
      }
    });
  }

  /** Completes a running job: the session receives `result` exactly once. */
  complete(appId: string, id: string, result: JsonValue): Promise<JobInfo> {
    return this.finishWith(appId, id, { state: 'completed', result }, { type: 'completed', data: { job: id, result } });
  }

  /** Fails a running job: the session receives `error` exactly once. */
  fail(appId: string, id: string, error: JobError): Promise<JobInfo> {
    return this.finishWith(appId, id, { state: 'failed', error }, { type: 'failed', data: { job: id, error } });
  }

  /** A session ended: its running jobs are orphaned (and observers told). */
  async sessionEnded(sessionId: string, reason: SessionEndReason): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      const jobs = await this.store.running(sessionId, ROUND);
      for (const job of jobs) {
        await this.queue.run(job.id, async () => {
          const current = await this.store.get(job.id);
          if (current?.state === 'running') await this.orphan(current, reason);
        });
      }
      if (jobs.length < ROUND) return;
    }
  }

  /** Expires running jobs past their deadline and purges finished ones past their keep time. Returns jobs expired or orphaned. */
  async expireDue(): Promise<number> {
    const now = this.options.now();
    let ended = 0;
    for (const job of await this.store.due(now, ROUND)) {
      try {
        if (await this.queue.run(job.id, () => this.expire(job.id, now))) ended++;
      } catch (err) {
        this.options.onError(err, 'job expiry');
      }
    }
    await this.store.sweep(now);
    return ended;
  }

  private async sweep(): Promise<void> {
    if (this.sweeping || this.stopped) return;
    this.sweeping = true;
    try {
      await this.expireDue();
    } catch (err) {
      this.options.onError(err, 'job sweep');
    } finally {
      this.sweeping = false;
    }
  }

  private async finishWith(appId: string, id: string, outcome: JobOutcome & { state: 'completed' | 'failed' }, event: JobEvent): Promise<JobInfo> {
    return this.queue.run(id, async () => {
      const job = await this.running(appId, id);
      const sent = await this.notices.send(appId, job.sessionId, event, outcomeKey(id));
      switch (sent.kind) {
        case 'stored':
        case 'duplicate':
          break;
        case 'inbox_full':
          throw new HeraldError('inbox_full', `the inbox of session ${job.sessionId} is full; job ${id} keeps running, retry later`);
        case 'conflict':
          throw new HeraldError('job_finished', `another outcome of job ${id} was already delivered to its session`);
        case 'session_gone':
          await this.orphan(job, null);
          throw finished(id, 'orphaned');
        default:
          return assertNever(sent);
      }
      const done = await this.finishRecord(job, outcome);
      if (done.kind === 'finished') return jobView(done.job);
      throw finished(id, done.kind === 'already_finished' ? done.job.state : 'removed');
    });
  }

  /** Runs inside the job's queue. Returns true when this call ended the job. */
  private async expire(id: string, now: number): Promise<boolean> {
    const job = await this.store.get(id);
    if (!job || job.state !== 'running' || job.expiresAt > now) return false;
    const sent = await this.notices.send(job.appId, job.sessionId, { type: 'failed', data: { job: id, error: expiredError() } }, outcomeKey(id));
    switch (sent.kind) {
      case 'session_gone':
        return this.orphan(job, null);
      case 'stored':
      case 'duplicate':
      // A full inbox cannot take the notice; the app still learns it from job.expired.
      case 'inbox_full':
      // An outcome notice was stored by a finish that did not record it (its process died in between):
      // the session has its outcome; the job is closed so it is not retried forever.
      case 'conflict':
        break;
      default:
        return assertNever(sent);
    }
    const done = await this.finishRecord(job, { state: 'expired' });
    if (done.kind !== 'finished') return false;
    this.notify((o) => o.expired?.(done.job));
    return true;
  }

  /** Marks a running job orphaned; returns true (and tells observers) when this call did it. */
  private async orphan(job: RunningJob, reason: SessionEndReason | null): Promise<boolean> {
    const done = await this.finishRecord(job, { state: 'orphaned', reason });
    if (done.kind !== 'finished') return false;
    this.notify((o) => o.orphaned?.(done.job, reason));
    return true;
  }

  /** A finished job stays readable as long as it was allowed to run. */
  private async finishRecord(job: RunningJob, outcome: JobOutcome) {
    const now = this.options.now();
    const done = await this.store.finish(job.id, outcome, now, now + (job.expiresAt - job.createdAt));
    this.cancelRecheck(job.id);
    return done;
  }

  private async running(appId: string, id: string): Promise<RunningJob> {
    const job = await this.store.get(id);
    if (!job || job.appId !== appId) throw new HeraldError('job_not_found', `no job ${id}`);
    if (job.state !== 'running') throw finished(id, job.state);
    return job;
  }

  private recorded(id: string, job: JobRecord | null): JobRecord {
    if (!job) throw new HeraldError('job_not_found', `no job ${id}`);
    return job;
  }

  private async hold(job: RunningJob, progress: JobProgress): Promise<JobRecord> {
    const record = this.recorded(job.id, await this.store.progress(job.id, { progress, notice: null, at: this.options.now() }));
    this.scheduleRecheck(job.appId, job.id, this.recheckMs);
    return record;
  }

  private scheduleRecheck(appId: string, id: string, delay: number): void {
    if (this.stopped || this.rechecks.has(id)) return;
    const timer = setTimeout(() => {
      this.rechecks.delete(id);
      this.queue.run(id, () => this.recheck(appId, id, delay)).catch((err: unknown) => {
        this.options.onError(err, 'job progress');
        this.scheduleRecheck(appId, id, Math.min(delay * 2, this.recheckMaxMs));
      });
    }, delay);
    timer.unref();
    this.rechecks.set(id, timer);
  }

  private cancelRecheck(id: string): void {
    clearTimeout(this.rechecks.get(id));
    this.rechecks.delete(id);
  }

  /** Writes held-back progress once the previous progress notice is acknowledged; otherwise looks again later. */
  private async recheck(appId: string, id: string, delay: number): Promise<void> {
    const job = await this.store.get(id);
    if (!job || job.state !== 'running' || !job.progressHeld || job.progress === null) return;
    const later = () => this.scheduleRecheck(appId, id, Math.min(delay * 2, this.recheckMaxMs));
    if (job.progressNotice !== null && (await this.notices.pending(appId, job.progressNotice))) return later();
    const sent = await this.notices.send(appId, job.sessionId, { type: 'progress', data: { job: id, ...job.progress } });
    switch (sent.kind) {
      case 'stored':
      case 'duplicate':
        await this.store.progress(id, { progress: job.progress, notice: sent.id, at: this.options.now() });
        return;
      case 'inbox_full':
      case 'conflict':
        return later();
      case 'session_gone':
        // The session's end orphans the job (sessionEnded, or expiry if that was missed).
        return;
      default:
        return assertNever(sent);
    }
  }

  private notify(call: (observer: JobObserver) => void): void {
    for (const observer of this.observers) {
      try {
        call(observer);
      } catch (err) {
        this.options.onError(err, 'job observer');
      }
    }
  }
}

/** The idempotency key of a job's outcome notice: one outcome per job can be stored. */
export function outcomeKey(jobId: string): string {
  return `herald.jobs:${jobId}:outcome`;
}

function finished(id: string, state: string): HeraldError {
  return new HeraldError('job_finished', state === 'orphaned' ? `job ${id} is orphaned: its session has ended` : `job ${id} has already finished (${state})`);
}

function assertNever(value: never): never {
  throw new Error(`unhandled case ${JSON.stringify(value)}`);
}
