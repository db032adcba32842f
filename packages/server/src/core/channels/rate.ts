// A one-second fixed-window counter: the "N per second" limits (client events per connection, backend events per app).

export class RateWindow {
  private start = 0;
  private used = 0;

  /** `limit` per second; 0 means unlimited. */
  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `points` from the current second; false (taking nothing) when that would exceed the limit. */
  take(points = 1): boolean {
    if (this.limit <= 0) return true;
    const t = this.now();
    if (t - this.start >= 1000) {
      this.start = t;
      this.used = 0;
    }
    if (this.used + points > this.limit) return false;
    this.used += points;
    return true;
  }
}
