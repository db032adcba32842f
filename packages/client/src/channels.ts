// Channel subscriptions of the client: subscribe (re-done after every reconnect), events, presence members, client events.
import type { ChannelClientFrame, ChannelServerFrame, JsonValue } from '@herald/protocol';
import { channelAuthorizer, type ChannelAuthOption, type ChannelAuthorizer } from './channel-auth.js';
import { Emitter, type Unsubscribe } from './emitter.js';
import { HeraldClientError } from './errors.js';

/** One event on a channel. `data` is parsed JSON when the published string was JSON, else that string. */
export interface ChannelEvent {
  channel: string;
  event: string;
  data: unknown;
  /** Client events on presence channels: the sender's user id. */
  userId?: string;
}

/** A presence channel member. */
export interface Member {
  id: string;
  info: JsonValue;
}

/** A channel's lifecycle events and their payloads. */
export interface ChannelLifecycle {
  subscribed: { channel: string };
  error: HeraldClientError;
  member_added: Member;
  member_removed: Member;
  cache_miss: { channel: string };
}

/** `pending` until the server confirms (again after each reconnect); `failed` after a refusal, until `subscribe` is called again. */
export type SubscriptionState = 'pending' | 'subscribed' | 'failed' | 'unsubscribed';

function decode(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

function needsAuth(name: string): boolean {
  return name.startsWith('private-') || name.startsWith('presence-');
}

export class Channel {
  state: SubscriptionState = 'pending';
  /** Presence channels: members by user id (this connection's own user included). */
  readonly members = new Map<string, JsonValue>();
  /** Presence channels: the user id this connection joined as. */
  me: string | null = null;
  private readonly lifecycle = new Emitter<ChannelLifecycle>();
  private readonly events = new Emitter<Record<string, ChannelEvent>>();
  private readonly all = new Set<(e: ChannelEvent) => void>();

  constructor(
    readonly name: string,
    private readonly owner: Channels,
  ) {}

  /** Calls `handler` for every `event` on this channel; returns the function that removes it. */
  bind(event: string, handler: (data: unknown, e: ChannelEvent) => void): Unsubscribe {
    return this.events.on(event, (e) => handler(e.data, e));
  }

  /** Calls `handler` for every event on this channel. */
  bindAll(handler: (e: ChannelEvent) => void): Unsubscribe {
    this.all.add(handler);
    return () => this.all.delete(handler);
  }

  /** Listens to `subscribed`, `error`, `member_added`, `member_removed`, `cache_miss`. */
  on<E extends keyof ChannelLifecycle>(event: E, listener: (payload: ChannelLifecycle[E]) => void): Unsubscribe {
    return this.lifecycle.on(event, listener);
  }

  /** Sends a client event (`client-` prefix) to the other subscribers; false when not subscribed or not connected. */
  trigger(event: string, data?: JsonValue): boolean {
    if (!event.startsWith('client-')) throw new TypeError(`client events start with "client-", got ${JSON.stringify(event)}`);
    if (this.state !== 'subscribed') return false;
    return this.owner.send({ op: 'channel_event', channel: this.name, event, ...(data !== undefined ? { data } : {}) });
  }

  unsubscribe(): void {
    this.owner.unsubscribe(this.name);
  }

  /** @internal */
  handle(frame: ChannelServerFrame, onError: (e: unknown) => void): void {
    switch (frame.op) {
      case 'subscribed':
        this.state = 'subscribed';
        this.members.clear();
        for (const m of frame.members ?? []) this.members.set(m.id, m.info);
        this.lifecycle.emit('subscribed', { channel: this.name }, onError);
        return;
      case 'subscription_error':
        this.fail(new HeraldClientError(frame.code, frame.message), onError);
        return;
      case 'channel_event': {
        const e: ChannelEvent = { channel: this.name, event: frame.event, data: decode(frame.data), ...(frame.userId !== undefined ? { userId: frame.userId } : {}) };
        this.events.emit(frame.event, e, onError);
        for (const handler of [...this.all]) {
          try {
            handler(e);
          } catch (error) {
            onError(error);
          }
        }
        return;
      }
      case 'member_added':
        this.members.set(frame.member.id, frame.member.info);
        this.lifecycle.emit('member_added', frame.member, onError);
        return;
      case 'member_removed': {
        const info = this.members.get(frame.userId) ?? null;
        this.members.delete(frame.userId);
        this.lifecycle.emit('member_removed', { id: frame.userId, info }, onError);
        return;
      }
      case 'cache_miss':
        this.lifecycle.emit('cache_miss', { channel: this.name }, onError);
        return;
      case 'socket':
        return;
    }
  }

  /** @internal */
  fail(error: HeraldClientError, onError: (e: unknown) => void): void {
    this.state = 'failed';
    this.lifecycle.emit('error', error, onError);
  }
}

export interface ChannelsDeps {
  send(frame: ChannelClientFrame): boolean;
  channelAuth?: ChannelAuthOption | undefined;
  /** A channel listener threw. */
  onError(error: unknown): void;
}

/** The client's channels: kept across reconnects and subscribed again on each new connection. */
export class Channels {
  private readonly channels = new Map<string, Channel>();
  private readonly authorize: ChannelAuthorizer;
  /** This connection's socket id; null while disconnected. */
  private socketId: string | null = null;

  constructor(private readonly deps: ChannelsDeps) {
    this.authorize = channelAuthorizer(deps.channelAuth);
  }

  /** Subscribes (or returns the channel already held; a failed one is tried again). */
  subscribe(name: string): Channel {
    let channel = this.channels.get(name);
    if (channel && channel.state !== 'failed') return channel;
    if (!channel) {
      channel = new Channel(name, this);
      this.channels.set(name, channel);
    }
    channel.state = 'pending';
    if (this.socketId !== null) void this.join(channel, this.socketId);
    return channel;
  }

  unsubscribe(name: string): void {
    const channel = this.channels.get(name);
    if (!channel) return;
    this.channels.delete(name);
    channel.state = 'unsubscribed';
    if (this.socketId !== null) this.send({ op: 'unsubscribe', channel: name });
  }

  get(name: string): Channel | undefined {
    return this.channels.get(name);
  }

  /** Names of the channels held. */
  names(): string[] {
    return [...this.channels.keys()];
  }

  /** @internal */
  send(frame: ChannelClientFrame): boolean {
    return this.deps.send(frame);
  }

  /** @internal A channel frame from the server. */
  receive(frame: ChannelServerFrame): void {
    if (frame.op === 'socket') {
      this.socketId = frame.socketId;
      for (const channel of this.channels.values()) if (channel.state !== 'failed') void this.join(channel, frame.socketId);
      return;
    }
    this.channels.get(frame.channel)?.handle(frame, this.deps.onError);
  }

  /** @internal The connection ended: every channel waits for the next one. */
  disconnected(): void {
    this.socketId = null;
    for (const channel of this.channels.values()) if (channel.state === 'subscribed') channel.state = 'pending';
  }

  private async join(channel: Channel, socketId: string): Promise<void> {
    channel.state = 'pending';
    const frame: ChannelClientFrame = { op: 'subscribe', channel: channel.name };
    if (needsAuth(channel.name)) {
      try {
        const signed = await this.authorize({ socketId, channel: channel.name });
        frame.auth = signed.auth;
        if (signed.channel_data !== undefined) {
          frame.channelData = signed.channel_data;
          channel.me = String((JSON.parse(signed.channel_data) as { user_id?: unknown }).user_id ?? '') || null;
        }
      } catch (cause) {
        if (this.channels.get(channel.name) === channel && this.socketId === socketId) {
          channel.fail(new HeraldClientError('channel_auth_failed', `Could not authorize ${channel.name}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause }), this.deps.onError);
        }
        return;
      }
    }
    // The connection (or the subscription) changed while the signature was fetched: that one will redo it.
    if (this.channels.get(channel.name) !== channel || this.socketId !== socketId) return;
    this.send(frame);
  }
}
