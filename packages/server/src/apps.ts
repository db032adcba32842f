// App bootstrap: apps from the configuration are stored; with none anywhere, a development app is created once.
import { randomBytes } from 'node:crypto';
import type { AppConfig } from './config/schema.js';
import type { AppRecord, Storage } from './storage/storage.js';

export interface AppBootstrap {
  apps: AppRecord[];
  /** Set when this start created the development app (its credentials are printed once). */
  createdDevApp: AppRecord | null;
}

export async function bootstrapApps(storage: Storage, configured: AppConfig[], now: number): Promise<AppBootstrap> {
  for (const app of configured) {
    const existing = await storage.getApp(app.id);
    await storage.putApp({
      id: app.id,
      key: app.key,
      secret: app.secret,
      name: app.name ?? existing?.name ?? app.id,
      createdAt: existing?.createdAt ?? now,
      settings: existing?.settings ?? {},
    });
  }
  let createdDevApp: AppRecord | null = null;
  let apps = await storage.listApps();
  if (apps.length === 0) {
    createdDevApp = {
      id: 'dev',
      key: `dev-${randomBytes(8).toString('hex')}`,
      secret: randomBytes(24).toString('base64url'),
      name: 'Development app',
      createdAt: now,
      settings: {},
    };
    await storage.putApp(createdDevApp);
    apps = [createdDevApp];
  }
  return { apps, createdDevApp };
}
