// Sends one push request with the web-push library and reduces the result to a PushAnswer.
import { Agent } from 'node:https';
import type { PushAnswer } from './outcome.js';
import type { VapidKeys } from './vapid.js';
import { isWebPushError, sendNotification } from './web-push-lib.js';

/** One push request: the subscription, the plaintext JSON (web-push encrypts it, aes128gcm) and the RFC 8030 headers. */
export interface PushRequest {
  endpoint: string;
  p256dh: string;
  auth: string;
  payload: string;
  vapid: VapidKeys;
  ttl: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  topic?: string | undefined;
}

/** Delivers push requests to push services. Resolves with the answer; never rejects. */
export interface PushSender {
  send(request: PushRequest): Promise<PushAnswer & { error?: string }>;
  close(): void;
}

/** The production sender: web-push's `sendNotification` over a keep-alive HTTPS agent. */
export function webPushSender(timeoutMs: number): PushSender {
  // One pool for all push services: most traffic goes to a handful of hosts (FCM, Mozilla, Apple).
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return {
    async send(request) {
      try {
        const result = await sendNotification(
          { endpoint: request.endpoint, keys: { p256dh: request.p256dh, auth: request.auth } },
          request.payload,
          {
            vapidDetails: { subject: request.vapid.subject, publicKey: request.vapid.publicKey, privateKey: request.vapid.privateKey },
            TTL: request.ttl,
            urgency: request.urgency,
            timeout: timeoutMs,
            agent,
            ...(request.topic !== undefined ? { topic: request.topic } : {}),
          },
        );
        return { status: result.statusCode };
      } catch (err) {
        if (isWebPushError(err)) return { status: err.statusCode, retryAfter: header(err.headers['retry-after']), error: err.body.slice(0, 200) };
        // No answer (DNS, TLS, reset, timeout): worth another try later.
        return { status: null, error: err instanceof Error ? err.message : String(err) };
      }
    },
    close() {
      agent.destroy();
    },
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
