// Opens the storage a server would use (same configuration: $HERALD_CONFIG, HERALD_*, --data-dir) for the commands that manage apps and keys.
import { createStorage, loadConfig, type Config, type Storage } from '@herald/server';
import type { CliIO } from './command.js';

export interface OpenedStorage {
  config: Config;
  storage: Storage;
}

const APP_ENV = ['HERALD_APP_ID', 'HERALD_APP_KEY', 'HERALD_APP_SECRET'] as const;

/**
 * The environment as the server would read it. HERALD_APP_ID and HERALD_APP_SECRET alone are the
 * credentials `herald send` and `herald token` use, not an app definition (which needs all three):
 * they are left out rather than refused as an incomplete definition.
 */
function serverEnv(env: CliIO['env']): NodeJS.ProcessEnv {
  if (APP_ENV.every((name) => env[name])) return { ...env };
  const copy = { ...env };
  for (const name of APP_ENV) delete copy[name];
  return copy;
}

/** Loads the configuration and opens its storage. The caller closes it (see withStorage). */
export async function openStorage(io: CliIO, dataDir: string | undefined): Promise<OpenedStorage> {
  const config = loadConfig({ env: serverEnv(io.env), overrides: dataDir === undefined ? {} : { dataDir } });
  const storage = createStorage(config);
  await storage.init();
  return { config, storage };
}

/** Runs `fn` on the configured storage and closes it, whatever happens. */
export async function withStorage<T>(io: CliIO, dataDir: string | undefined, fn: (opened: OpenedStorage) => Promise<T>): Promise<T> {
  const opened = await openStorage(io, dataDir);
  try {
    return await fn(opened);
  } finally {
    await opened.storage.close();
  }
}
