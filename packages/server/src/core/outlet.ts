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
}
