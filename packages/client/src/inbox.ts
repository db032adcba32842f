// De-duplication and acknowledgement coalescing for one session's inbox.

/** Tuning for acknowledgements. */
export interface InboxOptions {
  /** Sends `{op:'ack', seq}`; returns false when there is no open connection to send it on. */
  sendAck: (seq: number) => boolean;
  /** Longest wait before a processed notification is acknowledged (ms). Default 50. */
  ackDelay?: number;
  /** Acknowledge at once when this many processed notifications are unacknowledged. Default 100. */
  ackEvery?: number;
}

/**
 * Tracks the highest seq the application has processed, refuses anything at or below it, and
 * sends cumulative acks: at most one per `ackDelay`, or at once after `ackEvery` notifications.
 * Acks that cannot be sent (no connection) are not lost: the next `hello` carries `lastSeq`.
 */
export class Inbox {
  private readonly sendAck: (seq: number) => boolean;
  private readonly ackDelay: number;
  private readonly ackEvery: number;
  private processed = 0;
  /** Highest seq the server is known to hold as acknowledged. */
  private acked = 0;
  private unacked = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: InboxOptions) {
    this.sendAck = options.sendAck;
    this.ackDelay = options.ackDelay ?? 50;
    this.ackEvery = options.ackEvery ?? 100;
  }

  /** Highest seq processed: what a resume `hello` sends as `ack`. 0 when nothing was. */
  get lastSeq(): number {
    return this.processed;
  }

  /**
   * Claims `seq` for processing. False for a duplicate (a replay after resume) or an older seq:
   * the caller must drop it. True records it at once as the highest processed, so a re-entrant
   * call can never deliver it twice.
   */
  accept(seq: number): boolean {
    if (seq <= this.processed) return false;
    this.processed = seq;
    return true;
  }

  /** Called after the handlers for an accepted seq ran: acknowledges now or soon. */
  done(): void {
    this.unacked++;
    if (this.unacked >= this.ackEvery) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.ackDelay);
  }

  /** Sends the pending acknowledgement now, if there is one. */
  flush(): void {
    this.clearTimer();
    if (this.processed <= this.acked) {
      this.unacked = 0;
      return;
    }
    if (this.sendAck(this.processed)) {
      this.acked = this.processed;
      this.unacked = 0;
    }
  }

  /**
   * A connection was welcomed and the server holds `serverAcked`. Anything at or below it was
   * processed elsewhere or before, so it counts as processed here too; if the server is behind
   * (it did not take the hello's ack), it is acknowledged again at once.
   */
  connected(serverAcked: number): void {
    this.acked = serverAcked;
    if (serverAcked > this.processed) this.processed = serverAcked;
    if (this.processed > this.acked) this.flush();
    else this.unacked = 0;
  }

  /** The connection is gone: stop the ack timer. The position is kept for the next hello. */
  suspend(): void {
    this.clearTimer();
  }

  /** The session is gone (or a new one began): forget every position. */
  reset(): void {
    this.clearTimer();
    this.processed = 0;
    this.acked = 0;
    this.unacked = 0;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
