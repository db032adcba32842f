// A tiny typed event emitter: one listener throwing does not stop the others.

/** Removes the listener or handler it was returned for. Calling it twice is harmless. */
export type Unsubscribe = () => void;

/** Emits events named by the keys of `Events`, each with the payload type given there. */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  /** Calls `listener` for every `event` until the returned function is called. */
  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Removes `listener` from `event`. */
  off<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): void {
    this.listeners.get(event)?.delete(listener);
  }

  /**
   * Calls every listener of `event` in subscription order. A listener that throws is skipped past;
   * its error goes to `onListenerError` (never back to the emitter's caller, which is mid-protocol).
   */
  emit<E extends keyof Events>(event: E, payload: Events[E], onListenerError?: (error: unknown) => void): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set] as Array<(payload: Events[E]) => void>) {
      try {
        listener(payload);
      } catch (error) {
        onListenerError?.(error);
      }
    }
  }
}
