// Builds the effective configuration: defaults, then the config file (HERALD_CONFIG), then environment variables.
import { readFileSync } from 'node:fs';
import type { JsonObject } from '@herald/protocol';
import { FOREIGN_ENV, schema, type AppConfig, type Config, type OptionName } from './schema.js';
import { HeraldConfigError } from './errors.js';
import { parseWebhookConfig } from '../webhooks/config.js';

const NAMES = Object.keys(schema) as OptionName[];

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Values that win over everything else (CLI flags, tests). */
  overrides?: Partial<Omit<Config, 'apps'>> & { apps?: AppConfig[] };
}

function parseApps(raw: unknown): AppConfig[] {
  if (!Array.isArray(raw)) throw new HeraldConfigError('apps must be an array of {id, key, secret, name?}');
  return raw.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null) throw new HeraldConfigError(`apps[${i}] must be an object`);
    const rec = item as Record<string, unknown>;
    for (const k of Object.keys(rec)) {
      if (!['id', 'key', 'secret', 'name', 'webhooks', 'pusher'].includes(k)) throw new HeraldConfigError(`apps[${i}].${k} is not a known app setting`);
    }
    for (const k of ['id', 'key', 'secret'] as const) {
      const v = rec[k];
      if (typeof v !== 'string' || v === '' || (k !== 'secret' && !/^[\w.-]+$/.test(v))) {
        throw new HeraldConfigError(`apps[${i}].${k} must be a non-empty string${k === 'secret' ? '' : ' of letters, digits, _ . -'}`);
      }
    }
    const name = rec['name'];
    if (name !== undefined && typeof name !== 'string') throw new HeraldConfigError(`apps[${i}].name must be a string`);
    const webhooks = rec['webhooks'] === undefined ? undefined : parseWebhookConfig(rec['webhooks'], `apps[${i}].webhooks`);
    const pusher = rec['pusher'];
    if (pusher !== undefined && (typeof pusher !== 'object' || pusher === null || Array.isArray(pusher))) {
      throw new HeraldConfigError(`apps[${i}].pusher must be an object (docs/pusher.md)`);
    }
    return {
      id: rec['id'] as string,
      key: rec['key'] as string,
      secret: rec['secret'] as string,
      ...(name ? { name } : {}),
      ...(webhooks ? { webhooks } : {}),
      ...(pusher !== undefined ? { pusher: pusher as JsonObject } : {}),
    };
  });
}

function readFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HeraldConfigError(`HERALD_CONFIG: cannot read ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new HeraldConfigError(`HERALD_CONFIG: ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HeraldConfigError(`HERALD_CONFIG: ${path} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** Loads and validates the configuration. Throws HeraldConfigError naming the first bad setting. */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const values: Record<string, unknown> = {};
  for (const name of NAMES) values[name] = schema[name].default;
  let apps: AppConfig[] = [];

  const file = env['HERALD_CONFIG'];
  if (file) {
    const data = readFile(file);
    for (const [key, raw] of Object.entries(data)) {
      if (key === 'apps') {
        apps = parseApps(raw);
        continue;
      }
      if (!(NAMES as string[]).includes(key)) throw new HeraldConfigError(`${file}: unknown setting "${key}"`);
      const name = key as OptionName;
      values[name] = schema[name].parse(raw, `${file}: ${name}`);
    }
  }

  const known = new Set<string>([...NAMES.map((n) => schema[n].env), ...FOREIGN_ENV]);
  for (const [envName, raw] of Object.entries(env)) {
    if (!envName.startsWith('HERALD_') || raw === undefined) continue;
    if (!known.has(envName)) throw new HeraldConfigError(`unknown environment variable ${envName}`);
  }
  for (const name of NAMES) {
    const raw = env[schema[name].env];
    if (raw !== undefined && raw !== '') values[name] = schema[name].parse(raw, schema[name].env);
  }

  const { apps: overrideApps, ...rest } = options.overrides ?? {};
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    if (!(NAMES as string[]).includes(key)) throw new HeraldConfigError(`unknown setting "${key}"`);
    values[key] = schema[key as OptionName].parse(value, key);
  }
  if (overrideApps) apps = parseApps(overrideApps);

  const config = { ...values, apps } as Config;
  if (config.appWebhookUrl && !config.appId) throw new HeraldConfigError('HERALD_APP_WEBHOOK_URL needs the app of HERALD_APP_ID');
  const envApp = [config.appId, config.appKey, config.appSecret];
  if (envApp.some(Boolean)) {
    if (!envApp.every(Boolean)) throw new HeraldConfigError('HERALD_APP_ID, HERALD_APP_KEY and HERALD_APP_SECRET must be set together');
    const webhooks = config.appWebhookUrl ? { webhooks: { url: config.appWebhookUrl } } : {};
    config.apps = [...config.apps.filter((a) => a.id !== config.appId), { id: config.appId, key: config.appKey, secret: config.appSecret, ...webhooks }];
  }
  return config;
}

/** How a secret is shown: whether it is set and its length, none of its characters. */
function mask(secret: string): string {
  return secret ? `*** (${secret.length} characters)` : '';
}

/** The configuration with secrets masked (options marked `secret` in the schema, app secrets, URL passwords), for `herald config print`. */
export function maskConfig(config: Config): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...config };
  for (const name of NAMES) {
    const value = config[name];
    const spec: { secret?: boolean } = schema[name];
    if (spec.secret && typeof value === 'string') masked[name] = mask(value);
    // Credentials inside URLs (redis://user:password@host) are secrets whatever the option.
    else if (typeof value === 'string') masked[name] = value.replace(/\/\/([^@/]*)@/, '//***@');
  }
  masked['apps'] = config.apps.map((a) => ({ ...a, secret: mask(a.secret) }));
  return masked;
}
