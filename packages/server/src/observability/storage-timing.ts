// Wraps a Storage so every asynchronous operation reports its duration and failures (storage latency metrics).
import type { Storage } from '../storage/storage.js';
import { wrapMethods } from '../storage/wrap.js';

/** Receives one report per storage operation. */
export interface StorageTimer {
  operation(op: string, seconds: number, failed: boolean): void;
}

/**
 * Returns a Storage that behaves exactly like `storage` and times every method that returns a
 * promise (the methods added to the interface later too).
 */
export function timeStorage(storage: Storage, timer: StorageTimer): Storage {
  return wrapMethods(storage, (op, method) => (...args) => {
    const start = process.hrtime.bigint();
    const result = method(...args);
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
  });
}
