// @herald/server: start the gateway from a configuration.
export { startServer, type RunningServer, type StartOptions } from './server.js';
export { loadConfig, maskConfig, type LoadOptions } from './config/load.js';
export { schema, type Config, type AppConfig } from './config/schema.js';
export { HeraldConfigError } from './config/errors.js';
export { HeraldError } from './errors.js';
export type { Storage, AppRecord, SessionRecord } from './storage/storage.js';
export type { RequestContext } from './http/router.js';
export { createStorage } from './storage/create.js';
export { renderConfigReference } from './config/reference.js';
export { newSecret } from './auth/secrets.js';
export type { Metrics, WebhookOutcome, WebPushOutcome, ConnectionInfo } from './observability/metrics.js';
export type { ChannelDirectory } from './admin/channels.js';
