// WebSocket transport: upgrades on /v1/ws, one NativeConnection per socket, one heartbeat sweep for all, one frame per fan-out.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode } from '@herald/protocol';
import type { Outlet } from '../../core/outlet.js';
import type { Delivery } from '../../core/delivery.js';
import type { Sessions } from '../../core/sessions.js';
import { NativeConnection, type NativeConnectionHooks } from '../../protocols/native/connection.js';
import { FrameMemo } from './frame.js';
import { bufferedBytes, sendFramed } from './writer.js';

export interface WebSocketTransportOptions {
  maxFrameBytes: number;
  heartbeatMs: number;
  sendBufferBytes: number;
}

class WebSocketOutlet implements Outlet {
  readonly transport = 'websocket' as const;
  constructor(
    private readonly socket: WebSocket,
    private readonly frames: FrameMemo,
    private readonly maxBuffered: number,
  ) {}

  get congested(): boolean {
    // Counts what the frame writer queued too, not only ws's own buffer.
    return this.socket.readyState === this.socket.OPEN && bufferedBytes(this.socket) > this.maxBuffered;
  }

  /** `ws` has no drain event on the socket object: poll, only while congested. */
  async drained(): Promise<void> {
    while (this.congested) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  send(frame: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.congested) {
      // The inbox keeps everything this client missed; it gets it again when it reconnects.
      this.close(CloseCode.SlowConsumer, 'slow consumer');
      return;
    }
    sendFramed(this.socket, this.frames.frameOf(frame), frame);
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) this.socket.close(code, reason);
  }
}

export class WebSocketTransport {
  private readonly wss: WebSocketServer;
  private readonly connections = new Map<WebSocket, NativeConnection>();
  private readonly sweep: NodeJS.Timeout;
  /** One frame per fan-out: every outlet of this transport frames through it. */
  private readonly frames = new FrameMemo();

  constructor(
    private readonly sessions: Sessions,
    private readonly delivery: Delivery,
    private readonly hooks: NativeConnectionHooks,
    private readonly options: WebSocketTransportOptions,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false, clientTracking: false });
    this.sweep = setInterval(() => this.heartbeat(), options.heartbeatMs);
    this.sweep.unref();
  }

  get size(): number {
    return this.connections.size;
  }

  /** Takes over an HTTP upgrade request for the native endpoint. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    const outlet = new WebSocketOutlet(ws, this.frames, this.options.sendBufferBytes);
    const conn = new NativeConnection(outlet, this.sessions, this.delivery, this.hooks);
    this.connections.set(ws, conn);
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.hooks.onRefused('protocol_error', 'binary frames are not part of the protocol');
        ws.send('{"op":"error","code":"protocol_error","message":"binary frames are not part of the protocol"}');
        return;
      }
      conn.receive(data.toString());
    });
    ws.on('close', () => {
      this.connections.delete(ws);
      conn.closed();
    });
    ws.on('error', (err) => {
      // ws reports oversized or malformed frames here and then closes the socket (1009/1002).
      this.hooks.onRefused('protocol_error', err.message);
    });
  }

  /** One timer for every connection: ping the quiet ones, close those silent for two intervals. */
  private heartbeat(): void {
    for (const [ws, conn] of this.connections) {
      if (!conn.alive) {
        ws.close(CloseCode.HeartbeatTimeout, 'heartbeat timeout');
        continue;
      }
      conn.alive = false;
      if (ws.readyState === ws.OPEN) ws.send('{"op":"ping"}');
    }
  }

  /**
   * Closes every connection with `code` (shutdown: "reconnect now") and stops the heartbeat. Resolves
   * once every socket has closed (so each disconnect has been handed to the core), terminating those
   * that have not finished the closing handshake after `graceMs`.
   */
  close(code: number, reason: string, graceMs = 1000): Promise<void> {
    clearInterval(this.sweep);
    this.wss.close();
    const sockets = [...this.connections.keys()];
    // The 'close' listener from accept() runs first, so conn.closed() has run when these resolve.
    const closed = Promise.all(sockets.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve()))));
    for (const ws of sockets) ws.close(code, reason);
    const timer = setTimeout(() => {
      for (const ws of sockets) ws.terminate();
    }, graceMs);
    return closed.then(() => clearTimeout(timer));
  }
}
