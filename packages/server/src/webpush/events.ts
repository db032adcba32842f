// What Web Push delivery reports to observers (metrics, logs): one event per outcome, and running totals.

/** One outcome of one push request, or the decision not to push to online users. */
export type PushEvent =
  | { kind: 'sent'; appId: string }
  /** The push service said 404/410 (`status`), or the subscription's expirationTime passed (null): it was deleted. */
  | { kind: 'removed'; appId: string; status: number | null }
  /** Given up: a final refusal, retries exhausted, or shutdown. `status` null when no answer came. */
  | { kind: 'failed'; appId: string; status: number | null }
  /** A 429, 5xx or network failure that will be tried again. */
  | { kind: 'retried'; appId: string; status: number | null }
  /** Users not pushed to because they had a live session (and `push.always` was not set). */
  | { kind: 'skipped'; appId: string; users: number };

export type PushEventKind = PushEvent['kind'];

/** Running totals since start, per kind (`skipped` counts users). */
export type PushCounters = Record<PushEventKind, number>;

export function emptyCounters(): PushCounters {
  return { sent: 0, removed: 0, failed: 0, retried: 0, skipped: 0 };
}

/** Adds one event to the totals. */
export function tally(counters: PushCounters, event: PushEvent): void {
  switch (event.kind) {
    case 'skipped':
      counters.skipped += event.users;
      return;
    case 'sent':
    case 'removed':
    case 'failed':
    case 'retried':
      counters[event.kind]++;
      return;
    default: {
      const unreachable: never = event;
      throw new Error(`unknown push event ${JSON.stringify(unreachable)}`);
    }
  }
}
