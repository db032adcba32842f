// Job notices: the `herald.jobs` notifications a job sends its session, published like any other
// notification (stored in the inbox, delivered, acknowledged, replayed on reconnect).
import { JOBS_MODULE, type JobEvent } from '@herald/protocol';
import { HeraldError } from '../errors.js';
import type { Storage } from '../storage/storage.js';
import type { Publisher } from './publish.js';

/** What became of a notice. `duplicate`: the same notice (same idempotency key and body) was stored before. */
export type NoticeOutcome =
  | { kind: 'stored'; id: string }
  | { kind: 'duplicate'; id: string }
  | { kind: 'session_gone' }
  | { kind: 'inbox_full' }
  /** Another notice was stored under the same idempotency key (another outcome won). */
  | { kind: 'conflict' };

export class JobNotices {
  constructor(
    private readonly publisher: Publisher,
    private readonly storage: Storage,
  ) {}

  /** Publishes `event` to the session; refusals are outcomes, storage failures reject. */
  async send(appId: string, sessionId: string, event: JobEvent, idempotencyKey?: string): Promise<NoticeOutcome> {
    try {
      const result = await this.publisher.publish(appId, {
        to: { sessions: [sessionId] },
        module: JOBS_MODULE,
        type: event.type,
        data: event.data,
        ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      });
      return { kind: result.duplicate ? 'duplicate' : 'stored', id: result.id };
    } catch (err) {
      if (!(err instanceof HeraldError)) throw err;
      switch (err.code) {
        case 'session_not_found':
          return { kind: 'session_gone' };
        case 'inbox_full':
          return { kind: 'inbox_full' };
        case 'idempotency_conflict':
          return { kind: 'conflict' };
        default:
          throw err;
      }
    }
  }

  /** True while the notice sits unacknowledged in its session's inbox (not yet acknowledged, expired or dropped). */
  async pending(appId: string, noticeId: string): Promise<boolean> {
    const status = await this.storage.getStatus(appId, noticeId);
    if (status === null) return false;
    return status.acknowledged + status.expired + status.dropped < status.recipients;
  }
}
