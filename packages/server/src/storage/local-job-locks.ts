// Job locks kept in this process's memory: enough for a job store that one process alone uses (the SQLite file).
import { performance } from 'node:perf_hooks';

/** Per-job locks with the semantics of JobStore.lock/unlock, on a monotonic clock. */
export class LocalJobLocks {
  private readonly held = new Map<string, { token: string; until: number }>();

  lock(id: string, token: string, ttlMs: number): boolean {
    const now = performance.now();
    const current = this.held.get(id);
    if (current && current.token !== token && current.until > now) return false;
    this.held.set(id, { token, until: now + ttlMs });
    return true;
  }

  unlock(id: string, token: string): void {
    if (this.held.get(id)?.token === token) this.held.delete(id);
  }
}
