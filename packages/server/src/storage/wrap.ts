// Layering behaviour over a Storage's methods: the one mechanism behind storage timing and the app cache.
import type { Storage } from './storage.js';

export type StorageMethod = (...args: unknown[]) => unknown;

/**
 * Returns a Storage that behaves like `storage` except that each method is what `wrap` makes of it,
 * asked once per method. `wrap` gets the method bound to the storage itself, so backends may use
 * #private fields; other properties read through. A Proxy rather than a class, so methods added to
 * the interface later are covered too.
 */
export function wrapMethods(storage: Storage, wrap: (name: string, method: StorageMethod) => StorageMethod): Storage {
  const wrapped = new Map<PropertyKey, StorageMethod>();
  return new Proxy(storage, {
    get(target, prop) {
      const known = wrapped.get(prop);
      if (known !== undefined) return known;
      // Getters run against the real object too.
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const method = wrap(String(prop), (value as StorageMethod).bind(target));
      wrapped.set(prop, method);
      return method;
    },
  });
}
