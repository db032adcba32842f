// @herald/server-sdk: publish notifications, manage sessions and mint connection tokens from an application backend.
export { Herald, type HeraldOptions, type SessionInfo } from './client.js';
export { HeraldApiError, type HeraldApiErrorCode } from './errors.js';
export { createConnectionToken, DEFAULT_TOKEN_TTL, type TokenOptions, type TokenSigner } from './tokens.js';
export { HeraldJobs } from './jobs.js';
export { verifyWebhook, readWebhook } from './webhooks.js';
export { WEBHOOK_SIGNATURE_HEADER } from '@herald/protocol';
export type {
  BatchItemResult,
  CreateJobRequest,
  JobError,
  JobInfo,
  JobProgress,
  JobState,
  SessionEndReason,
  WebhookEvent,
  WebhookEventName,
  WebhookPayload,
  NotificationStatus,
  PublishRequest,
  PublishResult,
  Target,
} from '@herald/protocol';
