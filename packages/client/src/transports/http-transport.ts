// What the SSE and long-poll transports share: open at once, one hello starts the exchange, close or finish ends it.
import type { ClientFrame, HelloFrame } from '@herald/protocol';
import type { CloseInfo, Transport, TransportEvents } from '../transport.js';
import { sendOverHttp, type FetchLike, type SessionCalls } from './http.js';

/**
 * The lifecycle of a transport over plain HTTP requests. A subclass says how the exchange starts
 * (`start`, given the hello) and how an acknowledgement travels (`acknowledge`).
 */
export abstract class HttpTransport implements Transport {
  abstract readonly name: string;
  /** Null once the transport is closed or finished: every async continuation checks it. */
  protected events: TransportEvents | null = null;
  protected readonly abort = new AbortController();
  /** The session's HTTP calls (acks, close), once the welcome gave the session. */
  protected calls: SessionCalls | null = null;
  private started = false;

  constructor(
    protected readonly fetch: FetchLike,
    protected readonly baseUrl: string,
  ) {}

  open(events: TransportEvents): void {
    this.events = events;
    // Nothing to wait for: the hello itself opens the exchange.
    queueMicrotask(() => this.events?.onOpen());
  }

  send(frame: ClientFrame): boolean {
    if (this.events === null) return false;
    return sendOverHttp(frame, {
      hello: (hello) => {
        if (this.started) return false;
        this.started = true;
        void this.start(hello);
        return true;
      },
      ack: (seq) => this.acknowledge(seq),
      close: () => {
        this.calls?.close();
        return this.calls !== null;
      },
    });
  }

  close(): void {
    this.events = null;
    this.abort.abort();
  }

  protected abstract start(hello: HelloFrame): Promise<void>;

  protected abstract acknowledge(seq: number): boolean;

  /** The exchange ended by itself (refusal, disconnect, network failure): tell the client once. */
  protected finish(info: CloseInfo): void {
    const events = this.events;
    this.events = null;
    this.abort.abort();
    events?.onClose(info);
  }
}
