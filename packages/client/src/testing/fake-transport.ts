// Test helper: an in-memory transport whose callbacks the test fires by hand, even after it was replaced.
import type { ClientFrame, ServerFrame } from '@herald/protocol';
import type { Transport, TransportEvents, TransportFactory } from '../transport.js';

/** One fake connection. Unlike a real transport it keeps its callbacks after close(), to play a misbehaving one. */
export class FakeTransport implements Transport {
  readonly name = 'fake';
  readonly sent: ClientFrame[] = [];
  events: TransportEvents | null = null;
  isOpen = false;
  closedWith: number | null = null;

  open(events: TransportEvents): void {
    this.events = events;
  }

  send(frame: ClientFrame): boolean {
    if (!this.isOpen || this.closedWith !== null) return false;
    this.sent.push(frame);
    return true;
  }

  close(code: number): void {
    this.closedWith = code;
  }

  /** Plays the server accepting the connection: the client sends its hello. */
  accept(): void {
    this.isOpen = true;
    this.events?.onOpen();
  }

  deliver(frame: ServerFrame): void {
    this.events?.onMessage(JSON.stringify(frame));
  }

  drop(code: number): void {
    this.events?.onClose({ code, reason: '' });
  }
}

/** A factory that keeps every transport it made, in order. */
export function fakeTransports(): { factory: TransportFactory; made: FakeTransport[] } {
  const made: FakeTransport[] = [];
  return {
    made,
    factory: () => {
      const transport = new FakeTransport();
      made.push(transport);
      return transport;
    },
  };
}
