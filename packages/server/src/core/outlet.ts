// Outlet: a live client connection as the delivery core sees it, whatever the transport.

/** Transport names, as reported in session listings and metrics. */
export type TransportName = 'websocket' | 'sse' | 'long-poll';

export interface Outlet {
  readonly transport: TransportName;
  /**
   * Writes one serialized frame; `seq` is given for notification frames (SSE uses it as the event id).
   * The transport closes itself (SlowConsumer) if it cannot keep up.
   */
  send(frame: string, seq?: number): void;
  /** Closes the connection with a native close code; the session itself lives on. */
  close(code: number, reason: string): void;
  /**
   * True while the connection holds more unsent bytes than the transport allows. The inbox catch-up
   * stops writing and waits for `drained()`; a live write in this state closes the connection
   * (SlowConsumer). Transports that buffer implement both; without them the catch-up never waits.
   */
  readonly congested?: boolean;
  /** Resolves once the connection is no longer congested, or has closed. */
  drained?(): Promise<void>;
}
