// The one typed configuration schema: defaults, environment variable names and docs come from here.
import { HeraldConfigError } from './errors.js';

interface OptionSpec<T> {
  env: string;
  default: T;
  doc: string;
  parse: (raw: unknown, name: string) => T;
}

function int(min: number, max: number) {
  return (raw: unknown, name: string): number => {
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new HeraldConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    }
    return n;
  };
}

function str(pattern?: RegExp) {
  return (raw: unknown, name: string): string => {
    if (typeof raw !== 'string' || (pattern && !pattern.test(raw))) {
      throw new HeraldConfigError(`${name} must be a string${pattern ? ` matching ${pattern}` : ''}, got ${JSON.stringify(raw)}`);
    }
    return raw;
  };
}

function oneOf<const V extends string>(...values: V[]) {
  return (raw: unknown, name: string): V => {
    if (typeof raw !== 'string' || !(values as string[]).includes(raw)) {
      throw new HeraldConfigError(`${name} must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
    }
    return raw as V;
  };
}

function bool() {
  return (raw: unknown, name: string): boolean => {
    if (raw === true || raw === 'true' || raw === '1') return true;
    if (raw === false || raw === 'false' || raw === '0') return false;
    throw new HeraldConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
  };
}

function opt<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

const DAY = 86_400;

/** Every server option. Keys are the config-file names; `env` the environment variable that overrides them. */
export const schema = {
  host: opt({ env: 'HERALD_HOST', default: '127.0.0.1', parse: str(/^[\w.:-]+$/), doc: 'Address to listen on. Use 0.0.0.0 to accept connections from other machines.' }),
  port: opt({ env: 'HERALD_PORT', default: 7700, parse: int(0, 65535), doc: 'TCP port for HTTP, WebSocket, SSE and long-poll (0 picks a free port).' }),
  publicUrl: opt({ env: 'HERALD_PUBLIC_URL', default: '', parse: str(), doc: 'URL clients use to reach this server (printed at start); empty means derived from host and port.' }),
  dataDir: opt({ env: 'HERALD_DATA_DIR', default: './data', parse: str(), doc: 'Directory for the SQLite database and generated keys.' }),
  storage: opt({ env: 'HERALD_STORAGE', default: 'sqlite' as const, parse: oneOf('sqlite', 'redis'), doc: 'Storage backend: sqlite (embedded, one node) or redis (several nodes).' }),
  redisUrl: opt({ env: 'HERALD_REDIS_URL', default: 'redis://127.0.0.1:6379', parse: str(/^rediss?:\/\//), doc: 'Redis URL when storage is redis.' }),
  redisPrefix: opt({ env: 'HERALD_REDIS_PREFIX', default: 'herald:', parse: str(/^[\w:.-]*$/), doc: 'Prefix of every Redis key, so several deployments can share one Redis.' }),
  sqliteSynchronous: opt({ env: 'HERALD_SQLITE_SYNCHRONOUS', default: 'FULL' as const, parse: oneOf('FULL', 'NORMAL'), doc: 'SQLite synchronous mode. FULL survives power loss; NORMAL survives process crashes only.' }),
  nodeId: opt({ env: 'HERALD_NODE_ID', default: '', parse: str(/^[\w.-]*$/), doc: 'Name of this node in a cluster; empty means generated at start.' }),
  sessionTtl: opt({ env: 'HERALD_SESSION_TTL', default: 1800, parse: int(10, 30 * DAY), doc: 'Seconds a session (and its inbox) survives without a connection. 30 minutes covers sleeping laptops and network changes.' }),
  notificationTtl: opt({ env: 'HERALD_NOTIFICATION_TTL', default: DAY, parse: int(1, 30 * DAY), doc: 'Default time-to-live of a notification, seconds, when the publisher gives none.' }),
  heartbeatMs: opt({ env: 'HERALD_HEARTBEAT_MS', default: 25_000, parse: int(1000, 600_000), doc: 'Interval of server pings; a connection silent for two intervals is closed.' }),
  maxInbox: opt({ env: 'HERALD_MAX_INBOX', default: 10_000, parse: int(1, 10_000_000), doc: 'Unacknowledged notifications one session may hold; a publish that would exceed it is refused with inbox_full.' }),
  maxPayloadBytes: opt({ env: 'HERALD_MAX_PAYLOAD_BYTES', default: 64 * 1024, parse: int(64, 16 * 1024 * 1024), doc: 'Largest `data` of one notification, bytes of JSON.' }),
  maxBodyBytes: opt({ env: 'HERALD_MAX_BODY_BYTES', default: 1024 * 1024, parse: int(1024, 64 * 1024 * 1024), doc: 'Largest HTTP request body.' }),
  maxFrameBytes: opt({ env: 'HERALD_MAX_FRAME_BYTES', default: 64 * 1024, parse: int(256, 16 * 1024 * 1024), doc: 'Largest WebSocket frame a client may send.' }),
  maxConnections: opt({ env: 'HERALD_MAX_CONNECTIONS', default: 100_000, parse: int(1, 10_000_000), doc: 'Connections per app on this node; beyond it new connections are refused (over_capacity).' }),
  idempotencyTtl: opt({ env: 'HERALD_IDEMPOTENCY_TTL', default: DAY, parse: int(60, 30 * DAY), doc: 'Seconds an idempotency key is remembered.' }),
  longPollTimeoutMs: opt({ env: 'HERALD_LONG_POLL_TIMEOUT_MS', default: 25_000, parse: int(100, 600_000), doc: 'Longest a long-poll request waits for notifications before answering with an empty batch; capped at heartbeatMs.' }),
  testRoutes: opt({ env: 'HERALD_TEST_ROUTES', default: false, parse: bool(), doc: 'Serve /test/transports, a page that runs the browser SDK over each transport (browser tests, manual checks). Off in production.' }),
  sendBufferBytes: opt({ env: 'HERALD_SEND_BUFFER_BYTES', default: 4 * 1024 * 1024, parse: int(16 * 1024, 1024 * 1024 * 1024), doc: 'Bytes queued to one slow connection before it is closed (its inbox keeps what it missed).' }),
  shutdownTimeoutMs: opt({ env: 'HERALD_SHUTDOWN_TIMEOUT_MS', default: 10_000, parse: int(0, 600_000), doc: 'Longest graceful shutdown before the process exits anyway.' }),
  logLevel: opt({ env: 'HERALD_LOG_LEVEL', default: 'info' as const, parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'), doc: 'Log level of the JSON logs on stdout.' }),
  adminToken: opt({ env: 'HERALD_ADMIN_TOKEN', default: '', parse: str(), doc: 'Token for the admin dashboard and admin API; empty means generated at start and printed.' }),
  appId: opt({ env: 'HERALD_APP_ID', default: '', parse: str(/^[\w.-]*$/), doc: 'Defines one app without a config file (with HERALD_APP_KEY and HERALD_APP_SECRET).' }),
  appKey: opt({ env: 'HERALD_APP_KEY', default: '', parse: str(/^[\w.-]*$/), doc: 'Public key of the app defined by HERALD_APP_ID.' }),
  appSecret: opt({ env: 'HERALD_APP_SECRET', default: '', parse: str(), doc: 'Secret of the app defined by HERALD_APP_ID.' }),
} as const;

export type Schema = typeof schema;
export type OptionName = keyof Schema;
type ValueOf<K extends OptionName> = ReturnType<Schema[K]['parse']>;

/** An app defined in the config file. */
export interface AppConfig {
  id: string;
  key: string;
  secret: string;
  name?: string;
}

export type Config = { [K in OptionName]: ValueOf<K> } & { apps: AppConfig[] };

/** Environment variables that belong to tools around the server (CLI, benchmark), not to the server itself. */
export const FOREIGN_ENV = ['HERALD_CONFIG', 'HERALD_DIR', 'HERALD_URL'] as const;
