// How the HTTP transports say "no" and "goodbye": refusals are HTTP error answers, ends are disconnect frames.
import type { ServerResponse } from 'node:http';
import { CloseCode, ERRORS, isErrorCode, type DisconnectFrame, type ErrorCode, type RefusalBody } from '@herald/protocol';
import { CORS_HEADERS } from './cors.js';

/** The error a close code stands for when no error frame said it (a close before the stream started). */
const ERROR_FOR_CLOSE: Readonly<Record<number, ErrorCode>> = {
  [CloseCode.ProtocolError]: 'protocol_error',
  [CloseCode.Unauthorized]: 'invalid_token',
  [CloseCode.AppNotFound]: 'app_not_found',
  [CloseCode.SessionEnded]: 'session_not_found',
  [CloseCode.SessionTakenOver]: 'session_taken_over',
  [CloseCode.OverCapacity]: 'over_capacity',
  [CloseCode.TokenExpired]: 'token_expired',
  [CloseCode.SessionExpired]: 'session_not_found',
  [CloseCode.ServerShutdown]: 'shutting_down',
};

/** Reads the `{op:'error'}` frame a NativeConnection wrote before refusing; null when it is not one. */
export function parseErrorFrame(frame: string): { code: ErrorCode; message: string } | null {
  try {
    const value = JSON.parse(frame) as { op?: unknown; code?: unknown; message?: unknown };
    if (value.op === 'error' && isErrorCode(value.code)) return { code: value.code, message: typeof value.message === 'string' ? value.message : ERRORS[value.code].message };
  } catch {
    // not JSON: not an error frame
  }
  return null;
}

/**
 * Answers a request refused before its connection existed: the error's HTTP status, and a body
 * that adds the close code (`{error: {code, message}, close}`), so a client acts on it exactly as on a WebSocket close.
 */
export function sendRefusal(res: ServerResponse, close: number, error: { code: ErrorCode; message: string } | null, reason = ''): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const code = error?.code ?? ERROR_FOR_CLOSE[close] ?? 'internal_error';
  const body: RefusalBody = { error: { code, message: error?.message ?? (reason || ERRORS[code].message) }, close };
  const text = JSON.stringify(body);
  res.writeHead(ERRORS[code].status, { ...CORS_HEADERS, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** The serialized `disconnect` frame: the last thing an SSE stream or a long-poll connection says. */
export function disconnectFrame(code: number, reason: string): string {
  const frame: DisconnectFrame = { op: 'disconnect', code, reason };
  return JSON.stringify(frame);
}
