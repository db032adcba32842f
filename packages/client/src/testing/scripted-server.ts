// Test helper: a real `ws` server at /v1/ws whose every frame is scripted by the test, to drive the client.
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import type { ClientFrame, Notification, ServerFrame, WelcomeFrame } from '@herald/protocol';

/** A FIFO whose `next()` waits (up to a timeout) for the next item. */
export class Queue<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<(item: T) => void> = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  get pending(): number {
    return this.items.length;
  }

  next(timeoutMs = 2000, what = 'item'): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve, reject) => {
      const waiter = (value: T): void => {
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

/** A notification for tests, with id `n<i>`. */
export function note(i: number, extra: Partial<Notification> = {}): Notification {
  return { id: `n${i}`, module: 'test', type: 'tick', data: { i }, ts: 1_700_000_000_000 + i, ...extra };
}

/** One client connection as the scripted server sees it. */
export class PeerConnection {
  private readonly frames = new Queue<ClientFrame>();
  /** Every frame received so far, in order. */
  readonly received: ClientFrame[] = [];
  /** Resolves with the close code the connection ended with. */
  readonly closed: Promise<number>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ClientFrame;
      this.received.push(frame);
      this.frames.push(frame);
    });
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  /** The next frame from the client, whatever its op. */
  next(timeoutMs?: number): Promise<ClientFrame> {
    return this.frames.next(timeoutMs, 'client frame');
  }

  /** The next frame with `op`, skipping others (acks, pongs) on the way. */
  async nextOf<Op extends ClientFrame['op']>(op: Op, timeoutMs = 2000): Promise<Extract<ClientFrame, { op: Op }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.frames.next(Math.max(1, deadline - Date.now()), `${op} frame`);
      if (frame.op === op) return frame as Extract<ClientFrame, { op: Op }>;
    }
  }

  /** Highest seq acknowledged so far (0 if none). */
  get highestAck(): number {
    return Math.max(0, ...this.received.flatMap((f) => (f.op === 'ack' ? [f.seq] : [])));
  }

  send(frame: ServerFrame): void {
    this.socket.send(JSON.stringify(frame));
  }

  welcome(overrides: Partial<WelcomeFrame> = {}): WelcomeFrame {
    const frame: WelcomeFrame = {
      op: 'welcome', session: 'sess-1', secret: 'secret-1', resumed: false, user: 'user-1', scope: 'browser',
      heartbeat: 30_000, acked: 0, ...overrides,
    };
    this.send(frame);
    return frame;
  }

  notify(seq: number, notification: Notification = note(seq)): void {
    this.send({ op: 'notification', seq, notification });
  }

  close(code: number, reason = ''): void {
    this.socket.close(code, reason);
  }

  /** Drops the TCP connection without a close frame, like a network failure. */
  terminate(): void {
    this.socket.terminate();
  }
}

/** The scripted server. `url` is its http base URL, which the client turns into ws://.../v1/ws. */
export class ScriptedServer {
  private readonly accepted = new Queue<PeerConnection>();
  /** Every connection so far. */
  readonly connections: PeerConnection[] = [];

  private constructor(
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {
    wss.on('connection', (socket) => {
      const peer = new PeerConnection(socket);
      this.connections.push(peer);
      this.accepted.push(peer);
    });
  }

  static async start(): Promise<ScriptedServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/v1/ws' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const { port } = wss.address() as AddressInfo;
    return new ScriptedServer(wss, `http://127.0.0.1:${port}`);
  }

  /** The next connection the client opens. */
  nextConnection(timeoutMs = 2000): Promise<PeerConnection> {
    return this.accepted.next(timeoutMs, 'connection');
  }

  /** Connections opened but not yet taken with `nextConnection()`. */
  get waiting(): number {
    return this.accepted.pending;
  }

  async stop(): Promise<void> {
    for (const peer of this.connections) peer.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
