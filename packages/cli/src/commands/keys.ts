// `herald keys`: generates and shows an app's VAPID key pair for Web Push (kept in the app's settings.vapid).
import { parseArgs } from 'node:util';
import webpush from 'web-push';
import type { AppRecord } from '@herald/server';
import { actionOf, EXIT, requireFlag, UsageError, usageErrors, type CliIO } from '../command.js';
import { withStorage } from '../storage.js';

export const usage = `Usage: herald keys <generate | show> --app ID [options]

VAPID keys identify an app to browser push services. They are kept with the app in storage
(settings.vapid = {publicKey, privateKey, subject}); the configuration is read like \`herald start\`.

  herald keys generate --app ID [--subject URI] [--force]
        Creates a key pair and prints the public key. Refuses to replace existing keys without
        --force: browsers subscribed with the old public key then stop receiving pushes.
  herald keys show --app ID [--private]
        Prints the public key (the applicationServerKey browsers subscribe with) and the subject.

Options:
  --subject URI     Contact for push services, mailto: or https: (default mailto:admin@localhost;
                    set a real one, push services use it to reach you)
  --private         Also print the private key
  --data-dir DIR    Data directory of the SQLite storage (HERALD_DATA_DIR, default ./data)
  --json            Print JSON instead of text
  -h, --help        Show this help
`;

/** The VAPID settings of an app, as the Web Push sender reads them. */
export interface VapidSettings {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/** The app's VAPID settings when they are complete, else null. */
export function vapidOf(app: AppRecord): VapidSettings | null {
  const v = app.settings['vapid'];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const { publicKey, privateKey, subject } = v;
  if (typeof publicKey !== 'string' || typeof privateKey !== 'string' || typeof subject !== 'string') return null;
  return { publicKey, privateKey, subject };
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = usageErrors(() =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        app: { type: 'string' },
        subject: { type: 'string' },
        force: { type: 'boolean' },
        private: { type: 'boolean' },
        'data-dir': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    io.out(usage);
    return EXIT.ok;
  }
  const action = actionOf(positionals, ['generate', 'show']);
  const appId = requireFlag(values.app, 'app');
  const subject = values.subject ?? 'mailto:admin@localhost';
  if (!/^(mailto:.+|https:\/\/.+)$/.test(subject)) throw new UsageError('--subject must be a mailto: or https: URI');

  return withStorage(io, values['data-dir'], async ({ storage }) => {
    const app = await storage.getApp(appId);
    if (!app) {
      io.err(`herald keys: no app ${JSON.stringify(appId)}\n`);
      return EXIT.failure;
    }
    const existing = vapidOf(app);
    let keys: VapidSettings;
    if (action === 'generate') {
      if (existing && !values.force) {
        io.err(`herald keys: app ${appId} has VAPID keys already; --force replaces them (browsers must subscribe again)\n`);
        return EXIT.failure;
      }
      const pair = webpush.generateVAPIDKeys();
      keys = { publicKey: pair.publicKey, privateKey: pair.privateKey, subject };
      await storage.putApp({ ...app, settings: { ...app.settings, vapid: { ...keys } } });
    } else {
      if (!existing) {
        io.err(`herald keys: app ${appId} has no VAPID keys; create them with: herald keys generate --app ${appId}\n`);
        return EXIT.failure;
      }
      keys = existing;
    }
    const shown = { app: appId, publicKey: keys.publicKey, subject: keys.subject, ...(values.private ? { privateKey: keys.privateKey } : {}) };
    if (values.json) {
      io.out(`${JSON.stringify(shown, null, 2)}\n`);
    } else {
      io.out(`${action === 'generate' ? 'Generated VAPID keys' : 'VAPID keys'} of app ${appId}:\n  public key: ${keys.publicKey}\n  subject:    ${keys.subject}\n${values.private ? `  private key: ${keys.privateKey}\n` : ''}`);
    }
    return EXIT.ok;
  });
}
