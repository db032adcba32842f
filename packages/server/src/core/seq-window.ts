// SeqWindow: the increasing seqs written to one connection and not yet acknowledged, so a cumulative ack can be counted.

/** Compacts the backing array once this many acknowledged slots sit at its front. */
const COMPACT_AT = 1024;

/**
 * A queue of increasing seqs. `acknowledge(seq)` removes every seq at or below `seq` and returns how
 * many it removed: a cumulative ack names a position, and metrics want the number of notifications.
 */
export class SeqWindow {
  private seqs: number[] = [];
  private head = 0;

  /** Seqs waiting for acknowledgement. */
  get size(): number {
    return this.seqs.length - this.head;
  }

  /** Records a written seq; seqs arrive in increasing order (Delivery never writes at or below its cursor). */
  push(seq: number): void {
    this.seqs.push(seq);
  }

  /** Removes every seq <= `seq`; returns how many were removed. */
  acknowledge(seq: number): number {
    // Binary search for the first seq above `seq` in [head, length).
    let lo = this.head;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid]! <= seq) lo = mid + 1;
      else hi = mid;
    }
    const removed = lo - this.head;
    this.head = lo;
    if (this.head === this.seqs.length) {
      this.seqs = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AT) {
      this.seqs = this.seqs.slice(this.head);
      this.head = 0;
    }
    return removed;
  }
}
