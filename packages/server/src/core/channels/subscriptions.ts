// A socket's subscriptions by channel: most sockets hold one, kept inline; a Map only from the second on.

/**
 * The part of a Map the hub uses, for the subscriptions of one socket. One subscription costs no Map
 * (a Map and its table are most of a subscribed socket's own memory). Keys come back in insertion
 * order, as a Map's do: the inline slot is only filled while no other key is held.
 */
export class Subscriptions<V> {
  private firstKey: string | null = null;
  private firstValue: V | undefined = undefined;
  private more: Map<string, V> | null = null;

  get(key: string): V | undefined {
    return key === this.firstKey ? this.firstValue : this.more?.get(key);
  }

  set(key: string, value: V): void {
    if (key === this.firstKey || (this.firstKey === null && !this.more?.size)) {
      this.firstKey = key;
      this.firstValue = value;
      return;
    }
    (this.more ??= new Map()).set(key, value);
  }

  delete(key: string): boolean {
    if (key !== this.firstKey) return this.more?.delete(key) ?? false;
    this.firstKey = null;
    this.firstValue = undefined;
    return true;
  }

  /** The channels, oldest subscription first (a copy: safe to change the subscriptions while iterating it). */
  keys(): string[] {
    const keys = this.firstKey === null ? [] : [this.firstKey];
    if (this.more) for (const key of this.more.keys()) keys.push(key);
    return keys;
  }
}
