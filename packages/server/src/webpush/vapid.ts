// VAPID keys (RFC 8292) per app: read from AppRecord.settings.vapid, generated and stored on first use, or configured.
import { createECDH } from 'node:crypto';
import type { JsonObject } from '@herald/protocol';
import { HeraldConfigError } from '../config/errors.js';
import type { AppRecord, Storage } from '../storage/storage.js';
import { generateVAPIDKeys } from './web-push-lib.js';

/**
 * What `AppRecord.settings.vapid` holds. The `herald keys` command reads and writes the same shape:
 * base64url keys (public: 65-byte uncompressed P-256 point, private: 32 bytes) and the contact.
 */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** `mailto:` or `https:` contact the push services may use to reach the operator. */
  subject: string;
}

/** The contact used when none is configured or stored. */
export const DEFAULT_VAPID_SUBJECT = 'mailto:admin@localhost';

export interface KeyringOptions {
  /** Contact that overrides every app's stored subject; empty to use the stored one. */
  subject: string;
  /** A key pair every app uses instead of its own (keys brought from another push server); null for per-app keys. */
  configured: { publicKey: string; privateKey: string } | null;
  /** Told when stored keys are replaced: subscriptions made with the old public key stop working. */
  warn?: (message: string) => void;
}

/** Checks a VAPID key pair: lengths, and that the public key belongs to the private one. Returns an error text or null. */
export function checkKeyPair(publicKey: string, privateKey: string): string | null {
  const pub = decode(publicKey);
  const priv = decode(privateKey);
  if (pub === null || pub.length !== 65 || pub[0] !== 4) return 'the public key must be a base64url, 65-byte uncompressed P-256 point';
  if (priv === null || priv.length !== 32) return 'the private key must be 32 bytes, base64url';
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(priv);
    if (!ecdh.getPublicKey().equals(pub)) return 'the public key does not belong to the private key';
  } catch {
    return 'the private key is not a valid P-256 key';
  }
  return null;
}

/** True for a `mailto:` address or an `https:` URL, the two forms RFC 8292 and web-push accept. */
export function isValidSubject(subject: string): boolean {
  if (/^mailto:[^\s@]+@[^\s@]+$/.test(subject)) return true;
  try {
    return new URL(subject).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The stored keys of an app, or null when missing or malformed (a malformed record is replaced, as if absent). */
export function storedKeys(app: AppRecord): VapidKeys | null {
  const raw = app.settings['vapid'];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const { publicKey, privateKey, subject } = raw;
  if (typeof publicKey !== 'string' || typeof privateKey !== 'string') return null;
  if (checkKeyPair(publicKey, privateKey) !== null) return null;
  return { publicKey, privateKey, subject: typeof subject === 'string' && isValidSubject(subject) ? subject : DEFAULT_VAPID_SUBJECT };
}

/**
 * Gives each app its VAPID details. Keys are read from storage on every call (so keys rotated by
 * `herald keys` take effect at once); an app without keys gets a pair generated and stored once.
 */
export class VapidKeyring {
  /** Generations in progress per app, so concurrent first uses store one pair, not two. */
  private readonly generating = new Map<string, Promise<VapidKeys>>();

  constructor(
    private readonly storage: Storage,
    private readonly options: KeyringOptions,
  ) {
    if (options.subject !== '' && !isValidSubject(options.subject)) {
      throw new HeraldConfigError(`vapidSubject must be a mailto: address or an https: URL, got ${JSON.stringify(options.subject)}`);
    }
    if (options.configured) {
      const problem = checkKeyPair(options.configured.publicKey, options.configured.privateKey);
      if (problem) throw new HeraldConfigError(`vapidPublicKey/vapidPrivateKey: ${problem}`);
    }
  }

  /** The app's VAPID details (generating and storing them if needed); null for an unknown app. */
  async forApp(appId: string): Promise<VapidKeys | null> {
    const app = await this.storage.getApp(appId);
    if (!app) return null;
    return this.withSubject(await this.ensure(app));
  }

  /** Makes sure the app has stored keys matching the configuration; called for every app at start. */
  async ensure(app: AppRecord): Promise<VapidKeys> {
    const stored = storedKeys(app);
    const configured = this.options.configured;
    if (stored && (!configured || (stored.publicKey === configured.publicKey && stored.privateKey === configured.privateKey))) return stored;
    let pending = this.generating.get(app.id);
    if (!pending) {
      if (app.settings['vapid'] !== undefined) {
        this.options.warn?.(`replacing the VAPID keys of app ${app.id} (${stored ? 'configured keys differ' : 'stored keys are malformed'}); browsers must subscribe again`);
      }
      const subject = this.options.subject || stored?.subject || DEFAULT_VAPID_SUBJECT;
      const pair = configured ?? generateVAPIDKeys();
      pending = this.store(app.id, { publicKey: pair.publicKey, privateKey: pair.privateKey, subject }).finally(() => this.generating.delete(app.id));
      this.generating.set(app.id, pending);
    }
    return pending;
  }

  private withSubject(keys: VapidKeys): VapidKeys {
    return this.options.subject ? { ...keys, subject: this.options.subject } : keys;
  }

  /** Stores the keys into the app's settings, then answers what storage holds (another node may have won a race). */
  private async store(appId: string, keys: VapidKeys): Promise<VapidKeys> {
    const latest = await this.storage.getApp(appId);
    if (!latest) return keys;
    const vapid: JsonObject = { publicKey: keys.publicKey, privateKey: keys.privateKey, subject: keys.subject };
    await this.storage.putApp({ ...latest, settings: { ...latest.settings, vapid } });
    const stored = await this.storage.getApp(appId);
    return (stored && storedKeys(stored)) ?? keys;
  }
}

function decode(value: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(value)) return null;
  return Buffer.from(value, 'base64url');
}
