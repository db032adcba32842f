// Jobs on the client: watch a job's progress and outcome, and hear about jobs started for this session.
//
// Job events arrive as `herald.jobs` notifications through the session's inbox, so they survive
// reconnects like any notification. An outcome can arrive before the application calls watch() (the
// backend was fast, or the client was offline): outcomes are kept for a while and settle a later
// watch() at once.
import { JOBS_MODULE, readJobEvent, type JobError as JobErrorBody, type JobProgress, type JsonObject, type JsonValue } from '@herald/protocol';
import type { SessionEvent } from './events.js';
import { State, type StateChange } from './state.js';
import { Emitter, type Unsubscribe } from './emitter.js';
import type { NotificationFilter, NotificationHandler } from './listeners.js';

/** A job the backend started for this session. */
export interface StartedJob {
  id: string;
  kind: string;
  meta: JsonObject;
}

/** Events of `client.jobs`. */
export interface JobsEvents {
  started: StartedJob;
}

export interface WatchOptions {
  /** Called with the latest progress known (at once, if some arrived before watch()) and with each later one. */
  onProgress?: (progress: JobProgress) => void;
  /** Stops watching: the promise rejects with the signal's reason. The job itself goes on. */
  signal?: AbortSignal;
}

/**
 * Why a watched job did not complete: `code` is the backend's error code (`job_failed` by default),
 * `job_expired` when the job outlived its time-to-live, or `session_lost` when this client's session
 * ended before the outcome arrived (it can no longer arrive).
 */
export class JobError extends Error {
  readonly code: string;
  readonly job: string;

  constructor(job: string, error: JobErrorBody) {
    super(error.message);
    this.name = 'JobError';
    this.code = error.code;
    this.job = job;
  }
}

/** What `Jobs` needs from the client: its notification, session and state events. */
export interface JobsHost {
  on(filter: NotificationFilter, handler: NotificationHandler): Unsubscribe;
  on(event: 'session', listener: (event: SessionEvent) => void): Unsubscribe;
  on(event: 'state', listener: (change: StateChange) => void): Unsubscribe;
}

export interface JobsOptions {
  /** How long an outcome nobody watched yet is kept, ms. Default 10 minutes. */
  keepMs?: number;
  /** Most jobs remembered; the oldest unwatched ones are forgotten first. Default 1000. */
  maxJobs?: number;
  now?: () => number;
}

type Known =
  | { state: 'running'; progress: JobProgress | null; at: number }
  | { state: 'completed'; result: JsonValue; at: number }
  | { state: 'failed'; error: JobErrorBody; at: number };

interface Watcher {
  resolve: (result: JsonValue) => void;
  reject: (error: unknown) => void;
  onProgress: ((progress: JobProgress) => void) | undefined;
}

/** `client.jobs`: jobs of this client's session. */
export class Jobs {
  private readonly emitter = new Emitter<JobsEvents>();
  /** In order of last change, oldest first (re-inserted on every change). */
  private readonly known = new Map<string, Known>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly keepMs: number;
  private readonly maxJobs: number;
  private readonly now: () => number;

  constructor(host: JobsHost, options: JobsOptions = {}) {
    this.keepMs = options.keepMs ?? 10 * 60_000;
    this.maxJobs = options.maxJobs ?? 1000;
    this.now = options.now ?? Date.now;
    host.on({ module: JOBS_MODULE }, (n) => this.receive(n));
    host.on('session', (event) => {
      if (event.kind === 'lost') this.sessionLost();
    });
    // close() ends the session on purpose: its jobs can no longer report either.
    host.on('state', (change) => {
      if (change.to === State.Closed && change.reason === 'close-called') this.sessionLost();
    });
  }

  /** Listens to jobs started for this session. */
  on<E extends keyof JobsEvents>(event: E, listener: (payload: JobsEvents[E]) => void): Unsubscribe {
    return this.emitter.on(event, listener);
  }

  /**
   * Resolves with the job's result once it completes; rejects with a JobError if it fails, expires or
   * the session is lost. Works whether the outcome arrives later or already arrived (kept `keepMs`).
   */
  watch(id: string, options: WatchOptions = {}): Promise<JsonValue> {
    const known = this.known.get(id);
    if (known?.state === 'completed') return Promise.resolve(known.result);
    if (known?.state === 'failed') return Promise.reject(new JobError(id, known.error));
    const { onProgress, signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<JsonValue>((resolve, reject) => {
      const watcher: Watcher = { resolve, reject, onProgress };
      let set = this.watchers.get(id);
      if (!set) {
        set = new Set();
        this.watchers.set(id, set);
      }
      set.add(watcher);
      signal?.addEventListener('abort', () => {
        if (this.unwatch(id, watcher)) reject(signal.reason);
      }, { once: true });
      const progress = known?.progress;
      // Asynchronously, like every later call, so the caller has its promise before the first one.
      if (progress && onProgress) {
        queueMicrotask(() => {
          if (this.watchers.get(id)?.has(watcher)) onProgress(progress);
        });
      }
    });
  }

  private receive(notification: Parameters<NotificationHandler>[0]): void {
    const event = readJobEvent(notification);
    if (event === null) return;
    const id = event.data.job;
    const known = this.known.get(id);
    // Once the outcome is in, nothing about the job changes (a late or repeated notice is ignored).
    if (known !== undefined && known.state !== 'running') return;
    switch (event.type) {
      case 'started':
        this.remember(id, { state: 'running', progress: known?.progress ?? null, at: this.now() });
        this.emitStarted({ id, kind: event.data.kind, meta: event.data.meta });
        return;
      case 'progress': {
        const { job: _job, ...progress } = event.data;
        this.remember(id, { state: 'running', progress, at: this.now() });
        this.callProgress(id, progress);
        return;
      }
      case 'completed':
        this.remember(id, { state: 'completed', result: event.data.result, at: this.now() });
        this.settle(id, (w) => w.resolve(event.data.result));
        return;
      case 'failed':
        this.remember(id, { state: 'failed', error: event.data.error, at: this.now() });
        this.settle(id, (w) => w.reject(new JobError(id, event.data.error)));
        return;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }

  /** Every listener is called even if one throws; the first error then goes to the client (as `handler_error`). */
  private emitStarted(job: StartedJob): void {
    const failures: unknown[] = [];
    this.emitter.emit('started', job, (error) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  }

  /** Every watcher is called even if one throws; the first error then goes to the client (as `handler_error`). */
  private callProgress(id: string, progress: JobProgress): void {
    const failures: unknown[] = [];
    for (const w of [...(this.watchers.get(id) ?? [])]) {
      try {
        w.onProgress?.(progress);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  private settle(id: string, call: (w: Watcher) => void): void {
    const set = this.watchers.get(id);
    this.watchers.delete(id);
    for (const w of set ?? []) call(w);
  }

  private unwatch(id: string, watcher: Watcher): boolean {
    const set = this.watchers.get(id);
    if (!set?.delete(watcher)) return false;
    if (set.size === 0) this.watchers.delete(id);
    return true;
  }

  /** The session is gone: its running jobs can no longer report. Known outcomes stay valid. */
  private sessionLost(): void {
    for (const [id, known] of [...this.known]) {
      if (known.state === 'running') this.known.delete(id);
    }
    for (const id of [...this.watchers.keys()]) {
      this.settle(id, (w) => w.reject(new JobError(id, { code: 'session_lost', message: 'The session ended before the job did.' })));
    }
  }

  private remember(id: string, state: Known): void {
    this.known.delete(id);
    this.known.set(id, state);
    const cutoff = state.at - this.keepMs;
    for (const [key, entry] of this.known) {
      if (this.known.size <= this.maxJobs && entry.at > cutoff) break;
      // Watched jobs are kept whatever their age: their watchers still wait for them.
      if (!this.watchers.has(key)) this.known.delete(key);
    }
  }
}
