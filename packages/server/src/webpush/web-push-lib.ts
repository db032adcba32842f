// The part of the `web-push` npm library Herald uses, typed here because the package ships no types.
import { createRequire } from 'node:module';
import type { Agent } from 'node:https';

/** A subscription as web-push takes it (PushSubscription.toJSON() without expirationTime). */
export interface WebPushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface WebPushOptions {
  vapidDetails: { subject: string; publicKey: string; privateKey: string };
  TTL: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  topic?: string;
  timeout: number;
  agent?: Agent;
}

/** Resolution of a 2xx answer. */
export interface WebPushResult {
  statusCode: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Rejection for a non-2xx answer (network failures reject with ordinary errors instead). */
export interface WebPushErrorLike extends Error {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  endpoint: string;
}

interface WebPushModule {
  generateVAPIDKeys(): { publicKey: string; privateKey: string };
  sendNotification(subscription: WebPushSubscription, payload: string | Buffer, options: WebPushOptions): Promise<WebPushResult>;
  WebPushError: new (...args: never[]) => WebPushErrorLike;
}

// web-push is CommonJS; require keeps its module object intact.
const lib = createRequire(import.meta.url)('web-push') as WebPushModule;

export const generateVAPIDKeys = (): { publicKey: string; privateKey: string } => lib.generateVAPIDKeys();
export const sendNotification = lib.sendNotification.bind(lib);

/** True for web-push's error carrying the push service's answer. */
export function isWebPushError(err: unknown): err is WebPushErrorLike {
  return err instanceof lib.WebPushError;
}
