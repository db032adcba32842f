// @herald/protocol: the types and constants shared by the server, the SDKs and the CLI. No dependencies.
export * from './json.js';
export * from './notification.js';
export * from './native.js';
export * from './close-codes.js';
export * from './errors.js';
export * from './limits.js';
export * from './jobs.js';
export * from './webhooks.js';
export * from './push.js';
export * from './admin.js';
export * from './http-transports.js';
