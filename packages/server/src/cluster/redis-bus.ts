// The cluster bus over Redis pub/sub: one subscriber connection per node, so messages arrive in publish order.
import type { Redis } from 'ioredis';
import type { RedisStorage } from '../storage/redis/redis.js';
import type { Bus, BusHandlers } from './bus.js';
import { decode, encode, type ControlMessage, type InboxMessage } from './messages.js';

export interface RedisBusOptions {
  /** How often the subscriber connection is pinged; a ping unanswered within the storage timeout forces a reconnect. */
  pingMs: number;
  onError: (err: unknown, context: string) => void;
}

/**
 * Messages published while this node's subscriber is disconnected are lost to it (pub/sub keeps nothing);
 * so after every break the node hears `gap()` before the next message, and re-reads its inboxes.
 */
export class RedisBus implements Bus {
  readonly kind = 'redis' as const;
  private subscriber: Redis | null = null;
  private handlers: BusHandlers | null = null;
  /** Set when the subscriber connection broke: the next delivery must be preceded by gap(). */
  private missed = false;
  private pinger: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly storage: RedisStorage,
    private readonly options: RedisBusOptions,
  ) {}

  async start(handlers: BusHandlers): Promise<void> {
    this.handlers = handlers;
    const subscriber = await this.storage.openSubscriber();
    this.subscriber = subscriber;
    const channel = this.storage.keys.bus;
    subscriber.on('message', (_channel: string, text: string) => this.receive(text));
    subscriber.on('close', () => {
      this.missed = true;
    });
    // ioredis reconnects by itself; subscribing again is ours (autoResubscribe is off) so we know when it holds.
    subscriber.on('ready', () => {
      if (this.closed || !this.missed) return;
      subscriber.subscribe(channel).then(
        () => this.flushGap(),
        (err: unknown) => this.options.onError(err, 'bus resubscribe'),
      );
    });
    await subscriber.subscribe(channel);
    this.pinger = setInterval(() => this.ping(), this.options.pingMs);
    this.pinger.unref();
  }

  committed(_message: InboxMessage): void {
    // The publish script announced it inside the commit.
  }

  async send(message: ControlMessage): Promise<void> {
    await this.storage.announce(encode(message));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pinger) clearInterval(this.pinger);
    this.handlers = null;
    this.subscriber?.disconnect();
    this.subscriber = null;
  }

  private receive(text: string): void {
    if (this.handlers === null) return;
    this.flushGap();
    const message = decode(text);
    if (message === null) {
      this.options.onError(new Error(`unreadable bus message: ${text.slice(0, 200)}`), 'bus');
      return;
    }
    this.handlers.message(message);
  }

  private flushGap(): void {
    if (!this.missed || this.handlers === null) return;
    this.missed = false;
    this.handlers.gap();
  }

  /** A connection that stays open but answers nothing (a frozen Redis, a dead route) is dropped and reopened. */
  private ping(): void {
    const subscriber = this.subscriber;
    if (subscriber === null || subscriber.status !== 'ready') return;
    subscriber.ping().catch((err: unknown) => {
      if (this.closed || this.subscriber !== subscriber) return;
      this.options.onError(err, 'bus ping');
      this.missed = true;
      subscriber.disconnect(true);
    });
  }
}
