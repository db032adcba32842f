// Wraps a Storage so every asynchronous operation reports its duration and failures (storage latency metrics).
import type { Storage } from '../storage/storage.js';

/** Receives one report per storage operation. */
export interface StorageTimer {
  operation(op: string, seconds: number, failed: boolean): void;
}

/**
 * Returns a Storage that behaves exactly like `storage` and times every method that returns a
 * promise. A Proxy rather than a class, so methods added to the interface later are timed too.
 */
export function timeStorage(storage: Storage, timer: StorageTimer): Storage {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(storage, {
    get(target, prop) {
      // Getters run against the real object, so backends may use #private fields.
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let fn = wrapped.get(prop);
      if (fn === undefined) {
        const op = String(prop);
        const method = value as (...args: unknown[]) => unknown;
        fn = (...args: unknown[]): unknown => {
          const start = process.hrtime.bigint();
          const result = method.apply(target, args);
          if (!(result instanceof Promise)) return result;
          const seconds = () => Number(process.hrtime.bigint() - start) / 1e9;
          return result.then(
            (v: unknown) => {
              timer.operation(op, seconds(), false);
              return v;
            },
            (err: unknown) => {
              timer.operation(op, seconds(), true);
              throw err;
            },
          );
        };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}
