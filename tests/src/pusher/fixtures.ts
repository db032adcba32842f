// Fixtures for the Pusher black-box tests: Herald with Pusher app settings, the official SDKs, an app backend, a webhook receiver.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import PusherJs, { type Channel, type Options } from 'pusher-js';
import PusherServer from 'pusher';
import WebSocket from 'ws';
import type { JsonObject } from '@herald/protocol';
import { freePort, startServerProcess, tempDir, type ServerProcess } from '../fixtures/server-process.js';
import { waitUntil } from '../fixtures/clients.js';

export { waitUntil };

/**
 * pusher-js's Node build: at run time the default import is the Pusher class (its CommonJS export);
 * its type declarations describe an ES default export, which NodeNext reads as `.default`.
 */
export const Pusher = PusherJs as unknown as typeof PusherJs.default;
export type Pusher = InstanceType<typeof Pusher>;

export interface TestApp {
  id: string;
  key: string;
  secret: string;
}

export const MAIN: TestApp = { id: 'main', key: 'main-key', secret: 'main-secret-0123456789' };
/** An app with tight limits, for the refusals. */
export const TIGHT: TestApp = { id: 'tight', key: 'tight-key', secret: 'tight-secret-0123456789' };
/** An app with client events disabled. */
export const QUIET: TestApp = { id: 'quiet', key: 'quiet-key', secret: 'quiet-secret-0123456789' };

/** An app allowing three connections. */
export const CAPPED: TestApp = { id: 'capped', key: 'capped-key', secret: 'capped-secret-0123456789' };
export const APPS = [MAIN, TIGHT, QUIET, CAPPED];

export const TIGHT_SETTINGS: JsonObject = {
  maxBackendEventsPerSecond: 5,
  maxClientEventsPerSecond: 3,
  maxEventBytes: 1024,
  maxPresenceMembers: 2,
  activityTimeout: 1,
};

export interface HeraldPusher {
  process: ServerProcess;
  port: number;
  stop(): Promise<void>;
}

/** Starts Herald with the three test apps; `main` gets `mainSettings` as its `pusher` settings. */
export async function startHerald(mainSettings: JsonObject = {}): Promise<HeraldPusher> {
  const dir = tempDir('herald-pusher-');
  const config = join(dir.path, 'config.json');
  writeFileSync(config, JSON.stringify({
    apps: [
      { ...MAIN, pusher: mainSettings },
      { ...TIGHT, pusher: TIGHT_SETTINGS },
      { ...QUIET, pusher: { clientEvents: false } },
      { ...CAPPED, pusher: { maxConnections: 3 } },
    ],
  }));
  const port = await freePort();
  const process = await startServerProcess({ HERALD_CONFIG: config, HERALD_PORT: String(port), HERALD_DATA_DIR: dir.path });
  return {
    process,
    port,
    stop: async () => {
      await process.kill('SIGTERM');
      dir.remove();
    },
  };
}

/** The official server SDK pointed at Herald. */
export function serverSdk(port: number, app: TestApp = MAIN): PusherServer {
  return new PusherServer({ appId: app.id, key: app.key, secret: app.secret, host: '127.0.0.1', port: String(port), useTLS: false });
}

/** The official pusher-js (Node build) pointed at Herald, ws transport only. */
export function pusherClient(port: number, app: TestApp = MAIN, options: Partial<Options> = {}): Pusher {
  return new Pusher(app.key, { wsHost: '127.0.0.1', wsPort: port, forceTLS: false, enabledTransports: ['ws'], cluster: 'x', ...options } as Options);
}

/** Resolves with the data of the next `event` on `channel` (rejects after `timeoutMs`). */
export function nextEvent<T = unknown>(channel: Channel | Pusher['user'], event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      channel.unbind(event, handler);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (data: T) => {
      clearTimeout(timer);
      channel.unbind(event, handler);
      resolve(data);
    };
    channel.bind(event, handler);
  });
}

/** Resolves once the client is connected. */
export function connected(client: Pusher, timeoutMs = 5000): Promise<void> {
  return waitUntil(() => client.connection.state === 'connected', 'pusher-js to connect', timeoutMs);
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    resolve(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
  }));
}

export interface Backend {
  url: string;
  close(): Promise<void>;
}

/**
 * The application's backend, signing with the `pusher` SDK: `/pusher/auth` and `/broadcasting/auth`
 * (channels; the form's `user` param names the user, `private-forbidden-*` is refused with 403) and
 * `/pusher/user-auth` (sign-in as `user`). `?app=<id>` picks the app (default `main`).
 */
export async function startBackend(port: number): Promise<Backend> {
  const sdks = new Map(APPS.map((app) => [app.id, serverSdk(port, app)]));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://backend');
    const sdk = sdks.get(url.searchParams.get('app') ?? MAIN.id)!;
    void readBody(req).then((text) => {
      const form = new URLSearchParams(text);
      const socketId = form.get('socket_id') ?? '';
      const channel = form.get('channel_name') ?? '';
      const user = form.get('user') ?? 'anonymous';
      let body: object;
      if (url.pathname === '/pusher/user-auth') {
        body = sdk.authenticateUser(socketId, { id: user, user_info: { name: user } });
      } else if (channel.startsWith('private-forbidden-')) {
        res.writeHead(403).end('forbidden');
        return;
      } else {
        body = sdk.authorizeChannel(socketId, channel, channel.startsWith('presence-') ? { user_id: user, user_info: { name: user } } : undefined);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  const url = await listen(server);
  return { url, close: () => new Promise((r) => server.close(() => r())) };
}

export interface ReceivedWebhook {
  at: number;
  valid: boolean;
  contentType: string | undefined;
  events: Array<Record<string, unknown>>;
}

export interface WebhookReceiver {
  url: string;
  /** Requests answered 200 and their events, in arrival order. */
  received: ReceivedWebhook[];
  /** Every request, including the ones answered with an error. */
  attempts: number[];
  close(): Promise<void>;
}

/** A local receiver that verifies each webhook with the `pusher` SDK; the first `failFirst` requests get a 503. */
export async function startWebhookReceiver(sdk: PusherServer, failFirst = 0): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const attempts: number[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((rawBody) => {
      attempts.push(Date.now());
      if (attempts.length <= failFirst) {
        res.writeHead(503).end();
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const hook = sdk.webhook({ headers, rawBody });
      const valid = hook.isValid();
      received.push({ at: Date.now(), valid, contentType: req.headers['content-type'], events: valid ? (hook.getEvents() as unknown as Array<Record<string, unknown>>) : [] });
      res.writeHead(200).end();
    });
  });
  const url = await listen(server);
  return { url, received, attempts, close: () => new Promise((r) => server.close(() => r())) };
}

/** A raw WebSocket on `/app/{key}` that records every frame parsed, and the close code. */
export interface RawSocket {
  ws: WebSocket;
  frames: Array<{ event: string; channel?: string; data?: unknown; user_id?: string }>;
  closeCode: number | null;
  send(message: object): void;
  waitFor(predicate: (f: RawSocket['frames'][number]) => boolean, what: string, timeoutMs?: number): Promise<RawSocket['frames'][number]>;
}

export function rawSocket(port: number, path: string): Promise<RawSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  const raw: RawSocket = {
    ws,
    frames: [],
    closeCode: null,
    send: (message) => ws.send(JSON.stringify(message)),
    waitFor: async (predicate, what, timeoutMs = 5000) => {
      await waitUntil(() => raw.frames.some(predicate), what, timeoutMs);
      return raw.frames.find(predicate)!;
    },
  };
  ws.on('message', (data) => raw.frames.push(JSON.parse(data.toString()) as RawSocket['frames'][number]));
  ws.on('close', (code) => (raw.closeCode = code));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(raw));
    ws.once('error', reject);
  });
}
