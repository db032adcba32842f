// RateSeries: per-second counts over the last minutes, for the dashboard's live chart (cheap, no metrics library).

/** Counts of one second. */
export interface RatePoint {
  /** Start of the second, ms since the epoch. */
  t: number;
  accepted: number;
  delivered: number;
  acknowledged: number;
}

export type RateKind = 'accepted' | 'delivered' | 'acknowledged';

/** A ring of per-second buckets; old seconds are overwritten, so memory is fixed. */
export class RateSeries {
  private readonly buckets: RatePoint[];

  constructor(
    private readonly seconds = 120,
    private readonly now: () => number = Date.now,
  ) {
    this.buckets = Array.from({ length: seconds }, () => ({ t: -1, accepted: 0, delivered: 0, acknowledged: 0 }));
  }

  add(kind: RateKind, count: number): void {
    const t = Math.floor(this.now() / 1000) * 1000;
    const bucket = this.buckets[(t / 1000) % this.seconds]!;
    if (bucket.t !== t) {
      bucket.t = t;
      bucket.accepted = 0;
      bucket.delivered = 0;
      bucket.acknowledged = 0;
    }
    bucket[kind] += count;
  }

  /** The last `count` complete or current seconds, oldest first, zeros where nothing happened. */
  last(count = 60): RatePoint[] {
    const n = Math.min(count, this.seconds);
    const current = Math.floor(this.now() / 1000) * 1000;
    const points: RatePoint[] = [];
    for (let i = n - 1; i >= 0; i--) {
      const t = current - i * 1000;
      const bucket = this.buckets[(t / 1000) % this.seconds]!;
      points.push(bucket.t === t ? { ...bucket } : { t, accepted: 0, delivered: 0, acknowledged: 0 });
    }
    return points;
  }
}
