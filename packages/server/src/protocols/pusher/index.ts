// The Pusher Channels surface (protocol 7 on /app/{key}, HTTP API on /apps/{id}, webhooks), wired onto the shared channel hub.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Config } from '../../config/schema.js';
import type { ChannelHub } from '../../core/channels/index.js';
import type { Router } from '../../http/router.js';
import type { Storage } from '../../storage/storage.js';
import { registerPusherApi } from './http-api.js';
import { parsePusherSettings, defaultPusherSettings, type PusherSettings } from './settings.js';
import { PusherSocketServer } from './socket-server.js';
import { WebhookSender } from './webhooks.js';

export interface PusherDeps {
  config: Config;
  /** From `pusherSettings(config)`, read before anything starts. */
  settings: (appId: string) => PusherSettings;
  storage: Storage;
  hub: ChannelHub;
  router: Router;
  now: () => number;
  onError: (err: unknown, context: string) => void;
  onRefused: (code: string, message: string) => void;
  onWebhookDropped: (url: string, events: number, reason: string) => void;
}

export interface PusherProtocol {
  /** Upgrade handler for the `/app` prefix. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Live Pusher connections on this node. */
  readonly connections: number;
  /** One entry per live connection, by app (metrics). */
  byApp(): Iterable<{ transport: string; appId: string }>;
  /** Closes connections (4200: reconnect now) and sends the webhooks still batched. */
  close(): Promise<void>;
}

/** Reads every app's `pusher` settings; throws HeraldConfigError naming a bad one. Apps without settings get the defaults. */
export function pusherSettings(config: Config): (appId: string) => PusherSettings {
  const configured = new Map<string, PusherSettings>();
  config.apps.forEach((app, i) => configured.set(app.id, parsePusherSettings(app.pusher, `apps[${i}].pusher`, config.maxConnections)));
  const defaults = defaultPusherSettings(config.maxConnections);
  return (appId) => configured.get(appId) ?? defaults;
}

/** Registers the HTTP API routes, applies the apps' channel policy to the hub, and serves `/app/{key}`. */
export function createPusher(deps: PusherDeps): PusherProtocol {
  const { settings } = deps;

  deps.hub.policy = (appId) => settings(appId).channels;
  const webhooks = new WebhookSender({ app: (id) => deps.storage.getApp(id), settings, now: deps.now, onDropped: deps.onWebhookDropped, onError: deps.onError });
  deps.hub.observers.push((event) => webhooks.observe(event));

  const sockets = new PusherSocketServer({
    storage: deps.storage,
    hub: deps.hub,
    settings,
    hooks: { onError: deps.onError, onRefused: deps.onRefused },
    maxFrameBytes: deps.config.maxFrameBytes,
    sendBufferBytes: deps.config.sendBufferBytes,
    now: deps.now,
  });
  registerPusherApi(deps.router, { storage: deps.storage, hub: deps.hub, settings, maxBodyBytes: deps.config.maxBodyBytes, now: deps.now });

  return {
    handleUpgrade: (req, socket, head) => sockets.handleUpgrade(req, socket, head),
    get connections() {
      return sockets.size;
    },
    byApp: () => sockets.byApp(),
    close: async () => {
      sockets.close();
      await webhooks.close();
    },
  };
}
