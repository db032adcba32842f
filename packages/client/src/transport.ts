// The transport interface: how the client reaches the server (WebSocket, Server-Sent Events, long-poll).
import type { ClientFrame } from '@herald/protocol';

/** Why a transport closed: a WebSocket close code (or its equivalent) and reason. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** Callbacks a transport calls. The client ignores calls from a transport it has replaced. */
export interface TransportEvents {
  /** The connection is ready: the client sends `hello`. */
  onOpen(): void;
  /**
   * One server frame, as JSON text, in arrival order. Handled synchronously: when it returns, a
   * notification frame has been handed to the application (or dropped as a duplicate), so a transport
   * may count it as processed (long-poll acknowledges it with the next poll).
   */
  onMessage(text: string): void;
  /** A sign of life that is not a frame (an SSE heartbeat comment, an empty long-poll answer): the watchdog restarts. */
  onAlive(): void;
  /** The connection ended (or never opened). Called at most once; nothing is called after it. */
  onClose(info: CloseInfo): void;
}

/**
 * One connection attempt to the server, used once.
 *
 * Guarantees every implementation keeps, so the client's delivery semantics hold on all of them:
 * - frames reach `onMessage` whole, one per call, in the order the server sent them;
 * - `send` delivers frames in call order, or returns false when the connection is not open
 *   (the frame is then dropped; the client never relies on a dropped frame);
 * - after `close()` the transport calls no callback at all; otherwise a connection that
 *   ends, or fails to open, ends with exactly one `onClose` (with code 1006 when none is known).
 */
export interface Transport {
  /** Short name for logs and errors: 'websocket', 'sse', 'long-poll'. */
  readonly name: string;
  /** Starts connecting. Called once. */
  open(events: TransportEvents): void;
  /** Sends one frame; false when the connection is not open. */
  send(frame: ClientFrame): boolean;
  /** Closes the connection (sending `code` and `reason` where the transport can) and goes silent. */
  close(code: number, reason: string): void;
}

/** Creates a transport for the server at `baseUrl` (the URL given to the client). */
export type TransportFactory = (baseUrl: string) => Transport;
