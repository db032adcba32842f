// Publishing: validate, store durably (once, with every recipient's inbox entry), then dispatch live.
import { createHash, randomUUID } from 'node:crypto';
import { notificationFrame, type Notification, type PublishRequest, type PublishResult } from '@herald/protocol';
import { HeraldError } from '../errors.js';
import type { Storage } from '../storage/storage.js';
import type { Delivery } from './delivery.js';

export interface PublishOptions {
  maxInbox: number;
  defaultTtlSeconds: number;
  idempotencyTtlMs: number;
  now: () => number;
}

/** A stored-and-dispatched notification, for observers (Web Push, channels, metrics). */
export interface Published {
  appId: string;
  request: PublishRequest;
  notification: Notification;
  seq: number;
  recipients: string[];
}

/** Delivers `to.channels` (live fan-out to channel subscribers); supplied by the channel protocols. */
export interface ChannelSink {
  publish(appId: string, channels: string[], notification: Notification, exceptSession: string | undefined): Promise<number>;
}

export class Publisher {
  readonly observers: Array<(p: Published) => void> = [];
  channels: ChannelSink | null = null;
  /**
   * Takes a committed publish to live connections. By default this node's Delivery, at once: in one
   * process commits resolve in seq order. A cluster routes it through its bus instead (cluster/member.ts).
   */
  announce: (recipients: string[], seq: number, json: string, acceptedAt: number) => void = (recipients, seq, json, acceptedAt) =>
    this.delivery.dispatch(recipients, seq, notificationFrame(seq, json), acceptedAt);

  constructor(
    private readonly storage: Storage,
    private readonly delivery: Delivery,
    private readonly options: PublishOptions,
  ) {}

  /** Stores and delivers one validated request. Resolves once the notification is durable. */
  async publish(appId: string, request: PublishRequest): Promise<PublishResult> {
    const now = this.options.now();
    const ttl = request.ttl ?? this.options.defaultTtlSeconds;
    const notification: Notification = {
      id: randomUUID(),
      module: request.module,
      type: request.type,
      data: request.data ?? null,
      ...(request.key !== undefined ? { key: request.key } : {}),
      ts: now,
      exp: now + ttl * 1000,
    };
    const json = JSON.stringify(notification);
    const to = request.to;
    const sessionTargeted = Boolean(to.all || to.sessions?.length || to.users?.length || to.scopes?.length);
    const channels = to.channels ?? [];
    if (channels.length > 0 && !this.channels) throw new HeraldError('invalid_target', 'channels are not enabled on this server');

    let recipients: string[] = [];
    let seq = 0;
    if (sessionTargeted) {
      const outcome = await this.storage.publish({
        notification: {
          appId,
          id: notification.id,
          json,
          createdAt: now,
          expiresAt: notification.exp ?? null,
          idempotencyKey: request.idempotencyKey ?? null,
          requestHash: request.idempotencyKey ? requestHash(request) : null,
        },
        target: to,
        maxInbox: this.options.maxInbox,
        idempotencyTtlMs: this.options.idempotencyTtlMs,
      });
      switch (outcome.kind) {
        case 'duplicate':
          if (!outcome.sameRequest) throw new HeraldError('idempotency_conflict');
          return { id: outcome.id, recipients: outcome.recipients, duplicate: true };
        case 'inbox_full':
          throw new HeraldError('inbox_full', `inbox full for session(s) ${outcome.sessions.slice(0, 10).join(', ')}`);
        case 'unknown_sessions':
          throw new HeraldError('session_not_found', `no session ${outcome.sessions.slice(0, 10).join(', ')}`);
        case 'published':
          recipients = outcome.recipients;
          seq = outcome.seq;
          this.announce(recipients, seq, json, now);
          break;
        default:
          assertNever(outcome);
      }
    }
    let channelRecipients = 0;
    if (channels.length > 0 && this.channels) {
      channelRecipients = await this.channels.publish(appId, channels, notification, to.except);
    }
    const published: Published = { appId, request, notification, seq, recipients };
    for (const observe of this.observers) observe(published);
    return { id: notification.id, recipients: recipients.length + channelRecipients };
  }
}

function requestHash(request: PublishRequest): string {
  const { idempotencyKey: _ignored, ...rest } = request;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

function assertNever(value: never): never {
  throw new Error(`unhandled case ${JSON.stringify(value)}`);
}
