// The one catalogue of error codes: HTTP status and default message. Stable: clients switch on `code`.
// Every code is documented in docs/errors.md (a test keeps the two in step).

export const ERRORS = {
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  invalid_request: { status: 400, message: 'The request is not valid.' },
  invalid_target: { status: 400, message: 'The target is not valid.' },
  unauthorized: { status: 401, message: 'Missing or wrong credentials.' },
  invalid_token: { status: 401, message: 'The connection token is invalid.' },
  token_expired: { status: 401, message: 'The connection token has expired.' },
  forbidden: { status: 403, message: 'Not allowed.' },
  not_found: { status: 404, message: 'No such route.' },
  app_not_found: { status: 404, message: 'No such app.' },
  session_not_found: { status: 404, message: 'No such session.' },
  notification_not_found: { status: 404, message: 'No such notification.' },
  job_not_found: { status: 404, message: 'No such job.' },
  push_subscription_not_found: { status: 404, message: 'No such push subscription.' },
  push_endpoint_not_allowed: { status: 403, message: 'The push service of this subscription is not allowed (pushEndpointHosts).' },
  method_not_allowed: { status: 405, message: 'Method not allowed on this route.' },
  idempotency_conflict: { status: 409, message: 'The idempotency key was used with a different request.' },
  session_taken_over: { status: 409, message: 'Another connection resumed this session.' },
  job_finished: { status: 409, message: 'The job has already finished (completed, failed, expired or orphaned).' },
  payload_too_large: { status: 413, message: 'The payload is too large.' },
  unsupported_media_type: { status: 415, message: 'Send application/json.' },
  inbox_full: { status: 429, message: 'A recipient session inbox is full.' },
  rate_limited: { status: 429, message: 'Too many requests.' },
  over_capacity: { status: 429, message: 'Connection limit reached.' },
  protocol_error: { status: 400, message: 'The frame is not valid.' },
  unknown_op: { status: 400, message: 'Unknown frame op.' },
  handshake_required: { status: 400, message: 'Send a hello frame first.' },
  invalid_channel: { status: 400, message: 'The channel name is not valid.' },
  channel_unauthorized: { status: 403, message: 'The channel subscription is not authorized.' },
  channel_full: { status: 429, message: 'The presence channel has reached its member limit.' },
  client_event_refused: { status: 403, message: 'The client event is not allowed.' },
  internal_error: { status: 500, message: 'Internal error.' },
  storage_unavailable: { status: 503, message: 'Storage is unavailable; nothing was accepted.' },
  shutting_down: { status: 503, message: 'The server is shutting down.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, code);
}
