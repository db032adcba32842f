// The Pusher WebSocket endpoint `/app/{key}`: app lookup, connection quota, liveness pings, shutdown.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Storage } from '../../storage/storage.js';
import type { ChannelHub } from '../../core/channels/index.js';
import { PusherCode } from './codes.js';
import { CredentialsCache } from './credentials.js';
import { errorFrame } from './codec.js';
import { PusherConnection, type PusherConnectionHooks, type PusherOutlet } from './connection.js';
import type { PusherSettings } from './settings.js';
import { FrameMemo } from '../../transports/websocket/frame.js';
import { bufferedBytes, sendFramed } from '../../transports/websocket/writer.js';

export interface PusherSocketOptions {
  storage: Storage;
  hub: ChannelHub;
  settings: (appId: string) => PusherSettings;
  hooks: PusherConnectionHooks;
  maxFrameBytes: number;
  sendBufferBytes: number;
  now: () => number;
}

/** Frames a client may send before its app is looked up; pusher-js sends none before connection_established. */
const MAX_EARLY_FRAMES = 32;
/** Longest wait for the answer to a server ping, seconds (pusher-js's own pong timeout). */
const PONG_TIMEOUT_S = 30;

class SocketOutlet implements PusherOutlet {
  constructor(
    private readonly ws: WebSocket,
    private readonly frames: FrameMemo,
    private readonly maxBuffered: number,
  ) {}

  send(frame: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (bufferedBytes(this.ws) > this.maxBuffered) {
      // Pusher keeps no history: a client this far behind reconnects (after a back-off) and resubscribes.
      this.close(PusherCode.OverCapacity, 'slow consumer');
      return;
    }
    sendFramed(this.ws, this.frames.frameOf(frame), frame);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }
}

/** Parses `/app/{key}?protocol=7&...`: the key, or null when the path is not of that form. */
export function parseAppPath(url: string): { key: string; protocol: number | null } | null {
  const [path = '', query = ''] = url.split('?', 2);
  const m = /^\/app\/([^/]+)\/?$/.exec(path);
  if (!m) return null;
  let key: string;
  try {
    key = decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
  const raw = new URLSearchParams(query).get('protocol');
  return { key, protocol: raw === null ? null : Number(raw) };
}

export class PusherSocketServer {
  private readonly wss: WebSocketServer;
  private readonly connections = new Map<WebSocket, PusherConnection>();
  private readonly perApp = new Map<string, number>();
  private readonly sweep: NodeJS.Timeout;
  /** One frame per broadcast: every outlet of this server frames through it. */
  private readonly frames = new FrameMemo();
  /** Frames that arrived before their connection existed (its app was being looked up). */
  private readonly early = new Map<WebSocket, string[]>();
  /** One credentials object per app for all its connections. */
  private readonly credentials = new CredentialsCache();
  /** Socket listeners shared by every connection, so a socket costs no closures of its own; `this` is the socket. */
  private readonly listeners: {
    message: (this: WebSocket, data: RawData, isBinary: boolean) => void;
    error: (this: WebSocket, err: Error) => void;
    close: (this: WebSocket) => void;
  };

  constructor(private readonly options: PusherSocketOptions) {
    const server = this;
    this.listeners = {
      message(data, isBinary) {
        server.received(this, data, isBinary);
      },
      error(err) {
        server.options.hooks.onRefused('protocol_error', err.message);
      },
      close() {
        server.closed(this);
      },
    };
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false, clientTracking: false });
    this.sweep = setInterval(() => this.liveness(), 1000);
    this.sweep.unref();
  }

  get size(): number {
    return this.connections.size;
  }

  /** One entry per live connection that has an app, for the connection metrics. */
  *byApp(): Generator<{ transport: string; appId: string }> {
    for (const [appId, n] of this.perApp) for (let i = 0; i < n; i++) yield { transport: 'pusher', appId };
  }

  /** Takes over an upgrade request under `/app/`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.accept(ws, req.url ?? '/').catch((err: unknown) => {
        this.options.hooks.onError(err, 'pusher accept');
        refuse(ws, PusherCode.OverCapacity, 'Server error, try again later');
      });
    });
  }

  /** Closes every connection with 4200 (reconnect now: another node serves) and stops the liveness sweep. */
  close(): void {
    clearInterval(this.sweep);
    for (const conn of this.connections.values()) conn.refuse(PusherCode.Reconnect, 'Server shutting down, reconnect', 'shutdown');
    this.wss.close();
  }

  private async accept(ws: WebSocket, url: string): Promise<void> {
    ws.on('message', this.listeners.message);
    ws.on('error', this.listeners.error);
    ws.on('close', this.listeners.close);

    const path = parseAppPath(url);
    if (!path) return refuse(ws, PusherCode.PathNotFound, 'Path not found: connect to /app/{key}');
    if (path.protocol !== null && !(path.protocol >= 5 && path.protocol <= 7)) {
      return refuse(ws, PusherCode.UnsupportedProtocol, `Unsupported protocol version ${path.protocol}; this server speaks 7`);
    }
    const app = await this.options.storage.getAppByKey(path.key);
    if (ws.readyState !== ws.OPEN) return;
    if (!app) return refuse(ws, PusherCode.AppNotFound, `App key ${path.key.slice(0, 64)} does not exist`);
    const settings = this.options.settings(app.id);
    const count = this.perApp.get(app.id) ?? 0;
    if (count >= settings.maxConnections) return refuse(ws, PusherCode.OverQuota, `App is over its connection quota (${settings.maxConnections})`);
    // Counted from here until the socket's close listener finds its connection.
    this.perApp.set(app.id, count + 1);
    const outlet = new SocketOutlet(ws, this.frames, this.options.sendBufferBytes);
    const conn = new PusherConnection(this.credentials.of(app), outlet, this.options.hub, this.options.hooks, settings.activityTimeout, this.options.now);
    this.connections.set(ws, conn);
    conn.open();
    const early = this.early.get(ws);
    if (early) {
      this.early.delete(ws);
      for (const text of early) conn.receive(text);
    }
  }

  private received(ws: WebSocket, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      ws.send(errorFrame(PusherCode.Reconnect, 'Invalid message format: binary frames are not part of the protocol'));
      return;
    }
    const conn = this.connections.get(ws);
    if (conn) return conn.receive(data.toString());
    // Before its app is looked up: kept (a few) and handled in order once the connection exists.
    let early = this.early.get(ws);
    if (!early) this.early.set(ws, (early = []));
    if (early.length < MAX_EARLY_FRAMES) early.push(data.toString());
  }

  private closed(ws: WebSocket): void {
    this.early.delete(ws);
    const conn = this.connections.get(ws);
    if (!conn) return;
    this.connections.delete(ws);
    const appId = conn.app.id;
    this.perApp.set(appId, Math.max(0, (this.perApp.get(appId) ?? 1) - 1));
    conn.closedBySocket();
  }

  /** Pings connections silent for their activity timeout; closes those that did not answer (4201). */
  private liveness(): void {
    const now = this.options.now();
    for (const conn of this.connections.values()) {
      const timeout = conn.activityTimeout * 1000;
      if (conn.pingSentAt > 0) {
        if (now - conn.pingSentAt > Math.min(PONG_TIMEOUT_S * 1000, timeout)) conn.refuse(PusherCode.PongTimeout, 'Pong reply not received', 'pong_timeout');
      } else if (now - conn.lastSeen >= timeout) {
        conn.ping();
      }
    }
  }
}

function refuse(ws: WebSocket, code: number, message: string): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(errorFrame(code, message));
  ws.close(code, message.slice(0, 120));
}
