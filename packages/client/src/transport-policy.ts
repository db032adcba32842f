// Which transport the next connection attempt uses: the first in the list, the next ones when it cannot connect, the first again later.

/** What to do after a failed attempt: try the next transport at once, or (every one failed in a row) start over after a backoff. */
export type FailureOutcome = 'next' | 'wrapped';

/** Longest wait before trying the preferred transport again, as a multiple of `upgradeAfter`. */
const MAX_UPGRADE_FACTOR = 8;

/**
 * Positions in the client's transport list, best first. Only failures below the protocol count (the
 * transport closed or timed out before `welcome` without a Herald close code): a refusal from Herald
 * proves the transport works. When every transport fails in a row the server is likely down, not
 * the path to it, so the next round starts from the best one again.
 *
 * Once connected on a fallback, `upgradeDelay()` says when to try the best one again; a failed try
 * goes straight back to the transport that worked, and doubles the next delay (up to 8 times).
 */
export class TransportPolicy {
  private index = 0;
  /** While trying the best transport again: the fallback to return to if it fails. */
  private probingFrom: number | null = null;
  private failedProbes = 0;

  constructor(
    private readonly count: number,
    private readonly upgradeAfter: number,
  ) {}

  /** Position of the transport for the next attempt. */
  get current(): number {
    return this.index;
  }

  /** The attempt on the current transport failed below the protocol. */
  failed(): FailureOutcome {
    if (this.probingFrom !== null) {
      this.index = this.probingFrom;
      this.probingFrom = null;
      this.failedProbes++;
      return 'next';
    }
    if (this.index + 1 < this.count) {
      this.index++;
      return 'next';
    }
    this.index = 0;
    return 'wrapped';
  }

  /** The attempt on the current transport got its welcome. */
  welcomed(): void {
    this.probingFrom = null;
    if (this.index === 0) this.failedProbes = 0;
  }

  /** Ms to stay on the current fallback before trying the best transport again; null when on the best. */
  upgradeDelay(): number | null {
    if (this.index === 0) return null;
    return this.upgradeAfter * Math.min(2 ** this.failedProbes, MAX_UPGRADE_FACTOR);
  }

  /** The next attempt tries the best transport, remembering the current one to come back to. */
  upgrade(): void {
    if (this.index === 0) return;
    this.probingFrom = this.index;
    this.index = 0;
  }
}
