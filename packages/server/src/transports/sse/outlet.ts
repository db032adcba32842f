// SSE outlet: one text/event-stream response; each frame is one event, notifications carry `id: <seq>`.
import type { ServerResponse } from 'node:http';
import { CloseCode } from '@herald/protocol';
import type { Outlet } from '../../core/outlet.js';
import { CORS_HEADERS } from '../http-common/cors.js';
import { disconnectFrame, parseErrorFrame, sendRefusal } from '../http-common/refusal.js';

/**
 * Until the handshake succeeds nothing is written: a refusal (an error frame, then a close) becomes an
 * HTTP error answer, which also stops an EventSource from retrying. The welcome starts the stream.
 */
export class SseOutlet implements Outlet {
  readonly transport = 'sse' as const;
  private state: 'pending' | 'streaming' | 'ended' = 'pending';
  private heldError: string | null = null;
  /** Set by every write; the heartbeat sweep writes a comment only to streams that stayed quiet. */
  private wrote = false;
  /** Heartbeat sweeps that found the stream congested in a row. */
  private stuck = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly maxBuffered: number,
  ) {}

  get congested(): boolean {
    return this.state === 'streaming' && this.res.writableLength > this.maxBuffered;
  }

  drained(): Promise<void> {
    if (!this.congested) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  send(frame: string, seq?: number): void {
    if (this.state === 'ended' || this.res.destroyed) return;
    if (this.state === 'pending') {
      if (parseErrorFrame(frame)) {
        this.heldError = frame;
        return;
      }
      this.start();
    }
    if (this.congested) {
      // The inbox keeps everything this client missed; it gets it again when it reconnects.
      this.close(CloseCode.SlowConsumer, 'slow consumer');
      return;
    }
    this.write(seq === undefined ? `data: ${frame}\n\n` : `id: ${seq}\ndata: ${frame}\n\n`);
  }

  close(code: number, reason: string): void {
    if (this.state === 'ended') return;
    const was = this.state;
    const stuck = this.congested;
    this.state = 'ended';
    if (this.res.destroyed) return;
    if (was === 'pending') {
      sendRefusal(this.res, code, this.heldError ? parseErrorFrame(this.heldError) : null, reason);
      return;
    }
    if (stuck) {
      // Ending politely would wait behind megabytes the client is not reading.
      this.res.destroy();
      return;
    }
    this.res.end(`event: disconnect\ndata: ${disconnectFrame(code, reason)}\n\n`);
  }

  /** Called by the shared heartbeat timer (twice per interval): a comment keeps proxies and the client's watchdog content. */
  heartbeat(): void {
    if (this.state !== 'streaming') return;
    // A client that stopped reading in the middle of a replay is let go after two heartbeat intervals (four sweeps).
    this.stuck = this.congested ? this.stuck + 1 : 0;
    if (this.stuck >= 4) return this.close(CloseCode.SlowConsumer, 'slow consumer');
    if (!this.wrote) this.write(':\n\n');
    this.wrote = false;
  }

  private start(): void {
    this.state = 'streaming';
    this.res.writeHead(200, {
      ...CORS_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      // nginx and similar proxies buffer responses unless told not to.
      'x-accel-buffering': 'no',
    });
    if (this.heldError) this.write(`data: ${this.heldError}\n\n`);
    this.heldError = null;
  }

  private write(text: string): void {
    this.wrote = true;
    this.res.write(text);
  }
}
