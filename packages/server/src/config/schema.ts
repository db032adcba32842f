// The one typed configuration schema: defaults, environment variable names and docs come from here.
import type { JsonObject, WebhookEventName } from '@herald/protocol';
import { HeraldConfigError } from './errors.js';

/** Parses one setting; `accepts` describes the valid values for docs/config.md. */
export type Parser<T> = ((raw: unknown, name: string) => T) & { accepts?: string };

export interface OptionSpec<T> {
  env: string;
  default: T;
  doc: string;
  parse: Parser<T>;
  /** Masked by `herald config print` and marked in docs/config.md. */
  secret?: boolean;
}

/** Attaches the description of valid values that docs/config.md shows. */
function accepts<T>(text: string, parse: (raw: unknown, name: string) => T): Parser<T> {
  return Object.assign(parse, { accepts: text });
}

function int(min: number, max: number) {
  return accepts(`integer ${min} to ${max}`, (raw: unknown, name: string): number => {
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new HeraldConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    }
    return n;
  });
}

function str(pattern?: RegExp) {
  return accepts(pattern ? `string matching \`${pattern.source}\`` : 'string', (raw: unknown, name: string): string => {
    if (typeof raw !== 'string' || (pattern && !pattern.test(raw))) {
      throw new HeraldConfigError(`${name} must be a string${pattern ? ` matching ${pattern}` : ''}, got ${JSON.stringify(raw)}`);
    }
    return raw;
  });
}

function oneOf<const V extends string>(...values: V[]) {
  return accepts(`one of ${values.map((v) => `\`${v}\``).join(', ')}`, (raw: unknown, name: string): V => {
    if (typeof raw !== 'string' || !(values as string[]).includes(raw)) {
      throw new HeraldConfigError(`${name} must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
    }
    return raw as V;
  });
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
  redisTimeoutMs: opt({ env: 'HERALD_REDIS_TIMEOUT_MS', default: 5000, parse: int(100, 60_000), doc: 'Redis connect timeout at start, and how long a Redis command may go unanswered before the request fails with storage_unavailable.' }),
  nodeLeaseMs: opt({ env: 'HERALD_NODE_LEASE_MS', default: 15_000, parse: int(1000, 600_000), doc: 'Redis cluster: a node silent this long is taken for dead and its sessions count as disconnected since its last heartbeat (heartbeats every third of it).' }),
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
  appCacheMs: opt({ env: 'HERALD_APP_CACHE_MS', default: 1000, parse: int(0, 600_000), doc: 'How long a node reuses an app record it looked up (publish API, connections), ms. A change made through this node applies at once; one made by the CLI or another node applies within this time. 0 reads the app from storage on every request.' }),
  statusRetention: opt({ env: 'HERALD_STATUS_RETENTION', default: DAY, parse: int(0, 365 * DAY), doc: 'Seconds a notification status stays queryable after the notification expired and no inbox holds it any more.' }),
  idempotencyTtl: opt({ env: 'HERALD_IDEMPOTENCY_TTL', default: DAY, parse: int(60, 30 * DAY), doc: 'Seconds an idempotency key is remembered.' }),
  longPollTimeoutMs: opt({ env: 'HERALD_LONG_POLL_TIMEOUT_MS', default: 25_000, parse: int(100, 600_000), doc: 'Longest a long-poll request waits for notifications before answering with an empty batch; capped at heartbeatMs.' }),
  testRoutes: opt({ env: 'HERALD_TEST_ROUTES', default: false, parse: bool(), doc: 'Serve /test/transports, a page that runs the browser SDK over each transport (browser tests, manual checks). Off in production.' }),
  sendBufferBytes: opt({ env: 'HERALD_SEND_BUFFER_BYTES', default: 4 * 1024 * 1024, parse: int(16 * 1024, 1024 * 1024 * 1024), doc: 'Bytes queued to one slow connection before it is closed (its inbox keeps what it missed).' }),
  shutdownTimeoutMs: opt({ env: 'HERALD_SHUTDOWN_TIMEOUT_MS', default: 10_000, parse: int(0, 600_000), doc: 'Longest graceful shutdown before the process exits anyway.' }),
  logLevel: opt({ env: 'HERALD_LOG_LEVEL', default: 'info' as const, parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'), doc: 'Log level of the JSON logs on stdout.' }),
  adminToken: opt({ env: 'HERALD_ADMIN_TOKEN', default: '', parse: str(), secret: true, doc: 'Token for the admin dashboard and admin API; empty means generated at start and printed.' }),
  metricsToken: opt({ env: 'HERALD_METRICS_TOKEN', default: '', parse: str(), secret: true, doc: 'Bearer token GET /metrics requires; empty leaves /metrics open (app ids and traffic, no secrets), so keep it on a private network.' }),
  appId: opt({ env: 'HERALD_APP_ID', default: '', parse: str(/^[\w.-]*$/), doc: 'Defines one app without a config file (with HERALD_APP_KEY and HERALD_APP_SECRET).' }),
  appKey: opt({ env: 'HERALD_APP_KEY', default: '', parse: str(/^[\w.-]*$/), doc: 'Public key of the app defined by HERALD_APP_ID.' }),
  appSecret: opt({ env: 'HERALD_APP_SECRET', default: '', parse: str(), secret: true, doc: 'Secret of the app defined by HERALD_APP_ID.' }),
  appWebhookUrl: opt({ env: 'HERALD_APP_WEBHOOK_URL', default: '', parse: str(/^(https?:\/\/\S+)?$/), doc: 'Webhook URL of the app defined by HERALD_APP_ID (every event); config-file apps use their `webhooks` key. See docs/webhooks.md.' }),
  jobTtl: opt({ env: 'HERALD_JOB_TTL', default: 3600, parse: int(1, 30 * DAY), doc: 'Seconds a job may run before it expires (its session is told it failed with job_expired, the app gets job.expired); a finished job stays readable as long again. A job can ask for its own ttl.' }),
  webhookBatchMs: opt({ env: 'HERALD_WEBHOOK_BATCH_MS', default: 250, parse: int(0, 60_000), doc: 'Webhook events of one app are collected this long and sent in one request.' }),
  webhookRetryMs: opt({ env: 'HERALD_WEBHOOK_RETRY_MS', default: 1000, parse: int(10, 600_000), doc: 'Wait before retrying a webhook request that failed (non-2xx, timeout, refused); doubled after each failure, at most 5 minutes.' }),
  webhookAttempts: opt({ env: 'HERALD_WEBHOOK_ATTEMPTS', default: 8, parse: int(1, 100), doc: 'Attempts per webhook request before its events are given up (and logged as an error).' }),
  webhookTimeoutMs: opt({ env: 'HERALD_WEBHOOK_TIMEOUT_MS', default: 5000, parse: int(100, 120_000), doc: 'Longest wait for the webhook receiver to answer one request.' }),
  // Web Push (src/webpush/, docs/webpush.md).
  vapidSubject: opt({ env: 'HERALD_VAPID_SUBJECT', default: '', parse: str(/^$|^(mailto:|https:\/\/)\S+$/), doc: 'VAPID contact (mailto: or https: URL) sent to push services for every app. Empty: the subject stored with each app\'s keys (mailto:admin@localhost when generated). Set a real contact in production: Apple refuses localhost.' }),
  vapidPublicKey: opt({ env: 'HERALD_VAPID_PUBLIC_KEY', default: '', parse: str(/^[\w-]*$/), doc: 'With vapidPrivateKey: one VAPID key pair (base64url) for every app, e.g. keys brought from another push server. Empty: each app gets its own pair, generated on first start and stored with the app.' }),
  vapidPrivateKey: opt({ env: 'HERALD_VAPID_PRIVATE_KEY', default: '', parse: str(/^[\w-]*$/), secret: true, doc: 'Private half of vapidPublicKey (base64url, 32 bytes).' }),
  pushEndpointHosts: opt({ env: 'HERALD_PUSH_ENDPOINT_HOSTS', default: 'fcm.googleapis.com,*.push.services.mozilla.com,*.push.apple.com,*.notify.windows.com', parse: str(/^[\w.*:,[\] -]*$/), doc: 'Push services a browser subscription may point at, comma-separated: host, *.domain, or * for any. Keeps clients from making Herald POST to other hosts.' }),
  pushAttempts: opt({ env: 'HERALD_PUSH_ATTEMPTS', default: 5, parse: int(1, 20), doc: 'Attempts per push when the push service answers 429 or 5xx or does not answer, the first included.' }),
  pushRetryMaxMs: opt({ env: 'HERALD_PUSH_RETRY_MAX_MS', default: 60_000, parse: int(0, 3_600_000), doc: 'Longest wait before one push retry, ms; a Retry-After asking for longer gives that push up.' }),
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
  /** Herald's native webhooks (docs/webhooks.md). */
  webhooks?: AppWebhookConfig;
  /** Pusher protocol settings of this app (limits, client events, webhooks); see docs/pusher.md. Checked at start. */
  pusher?: JsonObject;
}

/** Where an app's native webhooks go, and which events (all when `events` is absent). */
export interface AppWebhookConfig {
  url: string;
  events?: WebhookEventName[];
}

export type Config = { [K in OptionName]: ValueOf<K> } & { apps: AppConfig[] };

/** Environment variables that belong to tools around the server (CLI, benchmark), not to the server itself. */
export const FOREIGN_ENV = ['HERALD_CONFIG', 'HERALD_DIR', 'HERALD_URL'] as const;
