// The WebSocket transport: browsers' WebSocket or the `ws` package, one JSON text frame per message.
import type { ClientFrame } from '@herald/protocol';
import type { Transport, TransportEvents, TransportFactory } from '../transport.js';
import { endpointUrl } from '../url.js';

/** Path of the native protocol's WebSocket endpoint. */
export const WEBSOCKET_PATH = '/v1/ws';

// Method syntax makes the parameter bivariant, so both the DOM's and `ws`'s event types fit.
type Listener<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** The part of the WHATWG WebSocket the transport uses: met by browsers' WebSocket and by `ws`. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: Listener<unknown> | null;
  onmessage: Listener<{ data: unknown }> | null;
  onclose: Listener<{ code: number; reason: string }> | null;
  onerror: Listener<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket class, such as `globalThis.WebSocket` or `ws`'s default export. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

const OPEN = 1;

/** A TransportFactory connecting to `<base>/v1/ws` with `WebSocketClass`. */
export function webSocketTransport(WebSocketClass: WebSocketConstructor): TransportFactory {
  return (baseUrl) => new WebSocketTransport(WebSocketClass, endpointUrl(baseUrl, WEBSOCKET_PATH, 'ws'));
}

class WebSocketTransport implements Transport {
  readonly name = 'websocket';
  private socket: WebSocketLike | null = null;
  private events: TransportEvents | null = null;

  constructor(
    private readonly WebSocketClass: WebSocketConstructor,
    private readonly url: string,
  ) {}

  open(events: TransportEvents): void {
    this.events = events;
    const socket = new this.WebSocketClass(this.url);
    this.socket = socket;
    socket.onopen = () => this.events?.onOpen();
    socket.onmessage = (event) => {
      // The protocol is text frames only; a binary frame cannot be a valid frame, so it is dropped here.
      if (typeof event.data === 'string') this.events?.onMessage(event.data);
    };
    // Always handled: `ws` throws on an unhandled 'error'. The close event that follows says what happened.
    socket.onerror = () => {};
    socket.onclose = (event) => {
      const target = this.events;
      this.events = null;
      this.socket = null;
      target?.onClose({ code: event.code || 1006, reason: event.reason || '' });
    };
  }

  send(frame: ClientFrame): boolean {
    if (this.socket === null || this.socket.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  close(code: number, reason: string): void {
    const socket = this.socket;
    this.events = null;
    this.socket = null;
    try {
      socket?.close(code, reason);
    } catch {
      // Closing an already failed socket can throw in some implementations; the socket is gone either way.
    }
  }
}
