// One webhook HTTP attempt: POST the signed body, succeed on 2xx only, never throw.
import { WEBHOOK_SIGNATURE_HEADER } from '@herald/protocol';

export type PostResult = { ok: true; status: number } | { ok: false; status: number | null; reason: string };

export interface PostRequest {
  url: string;
  appId: string;
  body: string;
  signature: string;
  timeoutMs: number;
}

/** Sends one request. A redirect counts as a failure: following it would re-send the body somewhere unreviewed. */
export async function postWebhook(request: PostRequest, fetchImpl: typeof fetch = globalThis.fetch): Promise<PostResult> {
  try {
    const res = await fetchImpl(request.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Herald-Webhooks/1',
        'x-herald-app': request.appId,
        [WEBHOOK_SIGNATURE_HEADER]: request.signature,
      },
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    // Read the answer to the end (bounded by the same timeout) so the connection can be reused.
    await res.arrayBuffer();
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    return { ok: false, status: res.status, reason: `HTTP ${res.status}` };
  } catch (err) {
    if (err instanceof Error && err.name === 'TimeoutError') return { ok: false, status: null, reason: `no answer within ${request.timeoutMs} ms` };
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    return { ok: false, status: null, reason: cause instanceof Error ? cause.message : String(cause) };
  }
}
