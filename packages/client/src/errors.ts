// HeraldClientError: every error the client reports carries a stable `code`.
import type { ErrorCode } from '@herald/protocol';

/** Codes the client produces itself, beside the server's catalogue codes it passes on. */
export type ClientErrorCode =
  /** A transport could not be opened or closed before `welcome`. */
  | 'connection_failed'
  /** No `welcome` arrived within the connect timeout. */
  | 'connect_timeout'
  /** The token function threw or returned something other than a non-empty string. */
  | 'token_failed'
  /** The server sent a frame the client cannot read. */
  | 'invalid_frame'
  /** A notification handler threw or rejected; the other handlers and the ack went on. */
  | 'handler_error'
  /** The client was given options it cannot work with. */
  | 'invalid_options'
  /** Web Push: this browser (or a page that is not a secure context) has no service workers or Push API. */
  | 'push_unsupported'
  /** Web Push: the user refused notifications, or has not allowed them. */
  | 'push_denied'
  /** Web Push: subscribing or registering with Herald failed (the message says why). */
  | 'push_failed'
  /** The channel authorization (auth endpoint or function) failed. */
  | 'channel_auth_failed';

/** Payload of the `error` event, and what the constructor throws on bad options. */
export class HeraldClientError extends Error {
  /** A protocol ErrorCode (from an `error` frame) or a ClientErrorCode. */
  readonly code: ErrorCode | ClientErrorCode;

  constructor(code: ErrorCode | ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HeraldClientError';
    this.code = code;
  }
}
