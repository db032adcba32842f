// Keeps app records in memory for a short while: every publish and every connection looks its app up, and apps rarely change.
import type { AppRecord, Storage } from './storage.js';
import { wrapMethods, type StorageMethod } from './wrap.js';

export interface AppCacheOptions {
  /** How long a looked-up app (or its absence) is reused, ms; 0 turns the cache off. */
  ttlMs: number;
  now?: () => number;
}

interface Entry {
  app: AppRecord | null;
  at: number;
}

/** Lookups remembered at most; beyond it the cache starts afresh (only a flood of unknown ids gets there). */
const MAX_ENTRIES = 10_000;

/**
 * Returns a Storage that answers `getApp` and `getAppByKey` from memory for `ttlMs` after reading
 * them, and otherwise behaves exactly like `storage`. A `putApp` through this node empties the
 * cache at once; a change made elsewhere (the CLI on the same database, another node on the same
 * Redis) is seen within `ttlMs`. Lookups are the hot path of the publish API: one storage read
 * per request (a Redis round trip in a cluster) would cost more than the rest of the request.
 */
export function cacheApps(storage: Storage, options: AppCacheOptions): Storage {
  if (options.ttlMs <= 0) return storage;
  const now = options.now ?? Date.now;
  const byId = new Map<string, Entry>();
  const byKey = new Map<string, Entry>();
  /** Bumped by every local write, so a read that started before it is not cached after it. */
  let generation = 0;

  const lookup = async (cache: Map<string, Entry>, name: string, read: () => Promise<AppRecord | null>): Promise<AppRecord | null> => {
    const hit = cache.get(name);
    const t = now();
    if (hit !== undefined && t - hit.at < options.ttlMs) return hit.app;
    const started = generation;
    const app = await read();
    if (generation === started) {
      if (cache.size >= MAX_ENTRIES) cache.clear();
      // Frozen: callers share the record, so none may change it for the others.
      cache.set(name, { app: app === null ? null : Object.freeze(app), at: t });
    }
    return app;
  };
  const forget = (): void => {
    generation++;
    byId.clear();
    byKey.clear();
  };

  const getApp = (id: string) => lookup(byId, id, () => storage.getApp(id));
  const getAppByKey = (key: string) => lookup(byKey, key, () => storage.getAppByKey(key));
  const putApp = async (app: AppRecord): Promise<void> => {
    forget();
    try {
      await storage.putApp(app);
    } finally {
      forget();
    }
  };
  const overrides = new Map<string, StorageMethod>([
    ['getApp', getApp as StorageMethod],
    ['getAppByKey', getAppByKey as StorageMethod],
    ['putApp', putApp as StorageMethod],
  ]);
  return wrapMethods(storage, (name, method) => overrides.get(name) ?? method);
}
