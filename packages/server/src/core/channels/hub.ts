// ChannelHub: this node's channel subscribers (any protocol), presence, client events and publishing, over ChannelState + ChannelFanout.
import type { Notification } from '@herald/protocol';
import type { ChannelSink } from '../publish.js';
import { channelAuthText, parseChannelData, verifyAuthToken, type PresenceMember } from './authorize.js';
import type { ChannelFanout, FanoutMessage } from './fanout.js';
import { channelType, isValidChannelName, needsAuth, userOfChannel } from './names.js';
import { DEFAULT_CHANNEL_POLICY, type ChannelPolicy } from './policy.js';
import { RateWindow } from './rate.js';
import type { ChannelState, Departure } from './state.js';
import { Subscriptions } from './subscriptions.js';
import type { ChannelLifecycleEvent, ChannelSubscriber, ClientEventRefusal, SubscribeRefusal, SubscriberMessage } from './subscriber.js';

export interface SubscribeRequest {
  channel: string;
  auth?: string;
  /** Presence: the exact JSON string the application signed. */
  channelData?: string;
}

export interface ClientEventRequest {
  channel: string;
  event: string;
  data: string;
}

/** An event published by a backend (Pusher HTTP API, or a native publish addressed `to.channels`). */
export interface TriggerRequest {
  channels: string[];
  event: string;
  data: string;
  /** A socket id (or a native session id) that must not receive it. */
  except?: string;
}

export interface HubOptions {
  now: () => number;
  onError: (err: unknown, context: string) => void;
}

interface Subscription {
  member: PresenceMember | null;
  /** A live event reached it: a cache replay would now be older than what it has seen. */
  live: boolean;
}

interface SocketRecord {
  sub: ChannelSubscriber;
  channels: Subscriptions<Subscription>;
  /** Membership changes of one socket run one after another, so subscribe/unsubscribe races cannot interleave. */
  queue: Promise<void>;
  closed: boolean;
  /** Client events per second: made at the first client event (most sockets never send one). */
  rate: RateWindow | null;
}

/** The membership queue of a socket with nothing queued yet: one settled promise for all. */
const IDLE: Promise<void> = Promise.resolve();

/** Longest client event name, as Pusher checks it. */
const MAX_EVENT_NAME = 200;

export class ChannelHub implements ChannelSink {
  /** Lifecycle observers (Pusher webhooks). Each transition is reported by the one node that caused it. */
  readonly observers: Array<(event: ChannelLifecycleEvent) => void> = [];
  /** Per-app rules; the Pusher module sets this from the apps' `pusher` settings. */
  policy: (appId: string) => ChannelPolicy = () => DEFAULT_CHANNEL_POLICY;
  private readonly sockets = new Map<string, SocketRecord>();
  private readonly local = new Map<string, Set<SocketRecord>>();
  /** Membership changes still running, so close() can let them finish before the state closes. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    readonly state: ChannelState,
    private readonly fanout: ChannelFanout,
    private readonly options: HubOptions,
  ) {
    fanout.onMessage((message) => this.handle(message));
    state.onDeparture((departure) => void this.departed(departure));
  }

  /** Connections on this node that can subscribe. */
  get size(): number {
    return this.sockets.size;
  }

  /** Registers a live connection; call once, before its first subscribe. */
  attach(sub: ChannelSubscriber): void {
    this.sockets.set(sub.socketId, { sub, channels: new Subscriptions(), queue: IDLE, closed: false, rate: null });
  }

  /** The connection ended: it receives nothing more and leaves every channel (member_removed, vacated as they apply). */
  detach(sub: ChannelSubscriber): Promise<void> {
    const rec = this.record(sub);
    if (!rec) return Promise.resolve();
    rec.closed = true;
    this.sockets.delete(sub.socketId);
    for (const channel of rec.channels.keys()) this.removeLocal(rec, channel);
    return this.enqueue(rec, async () => {
      for (const channel of rec.channels.keys()) await this.leaveChannel(rec, channel);
    });
  }

  /** Checks the request and joins; the outcome reaches the subscriber as `subscribed` or `refused`. */
  subscribe(sub: ChannelSubscriber, request: SubscribeRequest): Promise<void> {
    const rec = this.record(sub);
    if (!rec) return Promise.resolve();
    const checked = this.check(sub, request);
    if ('refusal' in checked) {
      sub.send({ kind: 'refused', channel: request.channel, refusal: checked.refusal });
      return Promise.resolve();
    }
    return this.enqueue(rec, () =>
      this.join(rec, request.channel, checked.member).catch((err: unknown) => {
        this.options.onError(err, 'channel join');
        if (!rec.closed) sub.send({ kind: 'refused', channel: request.channel, refusal: { code: 'internal_error', message: 'subscription failed, try again' } });
      }),
    );
  }

  /** Leaves a channel; the subscriber receives nothing more on it from now on. */
  unsubscribe(sub: ChannelSubscriber, channel: string): Promise<void> {
    const rec = this.record(sub);
    if (!rec) return Promise.resolve();
    this.removeLocal(rec, channel);
    return this.enqueue(rec, () => this.leaveChannel(rec, channel));
  }

  /** Relays a `client-` event to the channel's other subscribers; returns the refusal, or null when relayed. */
  clientEvent(sub: ChannelSubscriber, request: ClientEventRequest): ClientEventRefusal | null {
    const rec = this.record(sub);
    if (!rec) return null;
    const appId = sub.app.id;
    const policy = this.policy(appId);
    const refuse = (code: ClientEventRefusal['code'], message: string): ClientEventRefusal => ({ code, message });
    if (!policy.clientEvents) return refuse('client_event_refused', 'client events are disabled for this app');
    if (!request.event.startsWith('client-') || request.event.length > MAX_EVENT_NAME) {
      return refuse('client_event_refused', `client event names start with "client-" and have at most ${MAX_EVENT_NAME} characters`);
    }
    const kind = channelType(request.channel).kind;
    if (kind !== 'private' && kind !== 'presence') return refuse('client_event_refused', 'client events are only allowed on private and presence channels');
    const subscription = rec.channels.get(request.channel);
    if (!subscription || !this.local.get(keyOf(appId, request.channel))?.has(rec)) {
      return refuse('client_event_refused', `subscribe to ${request.channel} before sending client events on it`);
    }
    if (Buffer.byteLength(request.data) > policy.maxEventBytes) return refuse('payload_too_large', `client event data is larger than ${policy.maxEventBytes} bytes`);
    rec.rate ??= new RateWindow(policy.maxClientEventsPerSecond, this.options.now);
    if (!rec.rate.take()) return refuse('rate_limited', `more than ${policy.maxClientEventsPerSecond} client events per second`);
    const userId = subscription.member?.userId;
    const message: FanoutMessage = { kind: 'event', appId, channel: request.channel, event: request.event, data: request.data, except: sub.socketId };
    if (userId !== undefined) message.userId = userId;
    this.fanout.publish(message).catch((err: unknown) => this.options.onError(err, 'client event fan-out'));
    this.emit({ name: 'client_event', appId, channel: request.channel, event: request.event, data: request.data, socketId: sub.socketId, ...(userId !== undefined ? { userId } : {}) });
    return null;
  }

  /** Publishes a backend event to channels (remembered on cache channels). Names must already be valid. */
  async trigger(appId: string, request: TriggerRequest): Promise<void> {
    const policy = this.policy(appId);
    for (const channel of request.channels) {
      if (channelType(channel).cache) await this.state.setCache(appId, channel, { event: request.event, data: request.data }, policy.cacheTtlSeconds * 1000);
      const message: FanoutMessage = { kind: 'event', appId, channel, event: request.event, data: request.data };
      if (request.except !== undefined) message.except = request.except;
      await this.fanout.publish(message);
    }
  }

  /**
   * ChannelSink: a native notification addressed `to.channels` becomes event `type` with `data` = the
   * notification JSON. Returns the number of subscriptions of those channels at publish time.
   */
  async publish(appId: string, channels: string[], notification: Notification, exceptSession: string | undefined): Promise<number> {
    const request: TriggerRequest = { channels, event: notification.type, data: JSON.stringify(notification) };
    if (exceptSession !== undefined) request.except = exceptSession;
    await this.trigger(appId, request);
    let subscriptions = 0;
    for (const channel of channels) subscriptions += (await this.state.summary(appId, channel)).subscriptions;
    return subscriptions;
  }

  /** Closes every connection signed in as `userId`, on every node. */
  terminateUser(appId: string, userId: string): Promise<void> {
    return this.fanout.publish({ kind: 'terminate_user', appId, userId });
  }

  /**
   * Records every subscription of this node in the state again. For a node whose lease was taken for
   * dead (it was paused or cut off): the other nodes removed its sockets, which are still connected.
   * The user was admitted before, so no member limit applies.
   */
  rejoin(): void {
    for (const rec of this.sockets.values()) {
      void this.enqueue(rec, async () => {
        for (const channel of rec.channels.keys()) {
          const subscription = rec.channels.get(channel);
          if (rec.closed) return;
          if (!subscription) continue;
          const appId = rec.sub.app.id;
          const { member } = subscription;
          const outcome = await this.state.join({ appId, channel, socketId: rec.sub.socketId, ...(member ? { member } : {}) });
          if (outcome.kind === 'joined') await this.reportJoin(rec, channel, member, outcome.occupied, outcome.memberAdded);
        }
      });
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    await this.fanout.close();
    await this.state.close();
  }

  private record(sub: ChannelSubscriber): SocketRecord | null {
    const rec = this.sockets.get(sub.socketId);
    return rec && rec.sub === sub && !rec.closed ? rec : null;
  }

  private check(sub: ChannelSubscriber, request: SubscribeRequest): { member: PresenceMember | null } | { refusal: SubscribeRefusal } {
    const { channel } = request;
    const refuse = (code: SubscribeRefusal['code'], message: string) => ({ refusal: { code, message } });
    if (!isValidChannelName(channel)) return refuse('invalid_channel', `invalid channel name ${JSON.stringify(channel.slice(0, 210))}`);
    const kind = channelType(channel).kind;
    if (kind === 'user') {
      return userOfChannel(channel) === sub.userId() ? { member: null } : refuse('channel_unauthorized', `only a connection signed in as this user may subscribe to ${channel}`);
    }
    if (!needsAuth(kind)) return { member: null };
    const channelData = kind === 'presence' ? request.channelData : undefined;
    if (kind === 'presence' && typeof channelData !== 'string') return refuse('invalid_request', 'presence channels need channel_data');
    if (!verifyAuthToken(sub.app, request.auth, channelAuthText(sub.socketId, channel, channelData))) {
      const signed = channelData === undefined ? `${sub.socketId}:${channel}` : `${sub.socketId}:${channel}:<channel_data>`;
      return refuse('channel_unauthorized', `Invalid signature: expected <app key>:<HMAC SHA256 hex digest of "${signed}" keyed with the app secret>`);
    }
    if (channelData === undefined) return { member: null };
    const parsed = parseChannelData(channelData);
    return parsed.ok ? { member: parsed.member } : refuse(parsed.tooLarge ? 'payload_too_large' : 'invalid_request', parsed.message);
  }

  private async join(rec: SocketRecord, channel: string, member: PresenceMember | null): Promise<void> {
    const { sub } = rec;
    const appId = sub.app.id;
    const existing = rec.channels.get(channel);
    if (existing) {
      // A client that re-sends subscribe for a channel it holds gets the answer again.
      const members = existing.member ? await this.state.members(appId, channel) : null;
      if (!rec.closed) sub.send({ kind: 'subscribed', channel, members });
      return;
    }
    const limit = this.policy(appId).maxPresenceMembers;
    const outcome = await this.state.join({ appId, channel, socketId: sub.socketId, ...(member ? { member, maxMembers: limit } : {}) });
    if (outcome.kind === 'full') {
      if (!rec.closed) sub.send({ kind: 'refused', channel, refusal: { code: 'channel_full', message: `${channel} already has ${outcome.limit} members` } });
      return;
    }
    const subscription: Subscription = { member, live: false };
    // Registered even when the socket closed meanwhile: its queued detach leaves the channel again.
    rec.channels.set(channel, subscription);
    if (!rec.closed) {
      this.addLocal(rec, channel);
      sub.send({ kind: 'subscribed', channel, members: outcome.presence?.members ?? null });
    }
    await this.reportJoin(rec, channel, member, outcome.occupied, outcome.memberAdded);
    if (channelType(channel).cache && !rec.closed) await this.replayCache(rec, channel, subscription);
  }

  /** A join's transitions: the webhooks, and the member message unless the state published it in the same step. */
  private async reportJoin(rec: SocketRecord, channel: string, member: PresenceMember | null, occupied: boolean, memberAdded: boolean): Promise<void> {
    const appId = rec.sub.app.id;
    if (occupied) this.emit({ name: 'channel_occupied', appId, channel });
    if (member && memberAdded) {
      if (!this.state.announcesMembers) await this.fanout.publish({ kind: 'member_added', appId, channel, member, except: rec.sub.socketId });
      this.emit({ name: 'member_added', appId, channel, userId: member.userId });
    }
  }

  private async replayCache(rec: SocketRecord, channel: string, subscription: Subscription): Promise<void> {
    const appId = rec.sub.app.id;
    const hit = await this.state.getCache(appId, channel);
    // A live event that arrived meanwhile is newer than the cached one.
    if (rec.closed || subscription.live || rec.channels.get(channel) !== subscription) return;
    if (hit) {
      rec.sub.send({ kind: 'event', channel, event: hit.event.event, data: hit.event.data });
      return;
    }
    rec.sub.send({ kind: 'cache_miss', channel });
    this.emit({ name: 'cache_miss', appId, channel });
  }

  private async leaveChannel(rec: SocketRecord, channel: string): Promise<void> {
    if (!rec.channels.delete(channel)) return;
    this.removeLocal(rec, channel);
    const appId = rec.sub.app.id;
    const outcome = await this.state.leave(appId, channel, rec.sub.socketId);
    if (outcome.kind === 'left') await this.departed({ appId, channel, socketId: rec.sub.socketId, vacated: outcome.vacated, memberRemoved: outcome.memberRemoved });
  }

  /** A socket left (or the state removed the socket of a dead node): member_removed and channel_vacated as they apply. */
  private async departed(departure: Departure): Promise<void> {
    const { appId, channel, memberRemoved } = departure;
    if (memberRemoved !== null) {
      if (!this.state.announcesMembers) {
        await this.fanout.publish({ kind: 'member_removed', appId, channel, userId: memberRemoved }).catch((err: unknown) => this.options.onError(err, 'member_removed fan-out'));
      }
      this.emit({ name: 'member_removed', appId, channel, userId: memberRemoved });
    }
    if (departure.vacated) this.emit({ name: 'channel_vacated', appId, channel });
  }

  /** Fan-out handler: every node runs this for every message. */
  private handle(message: FanoutMessage): void {
    switch (message.kind) {
      case 'event': {
        const set = this.local.get(keyOf(message.appId, message.channel));
        if (!set) return;
        const { channel, except } = message;
        const out: SubscriberMessage = { kind: 'event', channel, event: message.event, data: message.data };
        if (message.userId !== undefined) out.userId = message.userId;
        // Only a cache channel replays on subscribe, so only there must a subscription learn that a live event came first.
        const cache = channelType(channel).cache;
        // The hot loop of every broadcast: one shared message, nothing allocated per recipient.
        for (const rec of set) {
          if (except !== undefined && (rec.sub.socketId === except || rec.sub.sessionId === except)) continue;
          if (cache) {
            const subscription = rec.channels.get(channel);
            if (subscription) subscription.live = true;
          }
          this.deliver(rec, out);
        }
        return;
      }
      case 'member_added': {
        const out: SubscriberMessage = { kind: 'member_added', channel: message.channel, member: message.member };
        for (const rec of this.local.get(keyOf(message.appId, message.channel)) ?? []) {
          if (rec.sub.socketId !== message.except) this.deliver(rec, out);
        }
        return;
      }
      case 'member_removed': {
        const out: SubscriberMessage = { kind: 'member_removed', channel: message.channel, userId: message.userId };
        for (const rec of this.local.get(keyOf(message.appId, message.channel)) ?? []) this.deliver(rec, out);
        return;
      }
      case 'terminate_user':
        for (const rec of [...this.sockets.values()]) {
          if (rec.sub.app.id === message.appId && rec.sub.userId() === message.userId) rec.sub.terminate();
        }
        return;
      default: {
        const unknown: never = message;
        this.options.onError(new Error(`unknown fan-out message ${JSON.stringify(unknown)}`), 'channel fan-out');
      }
    }
  }

  private deliver(rec: SocketRecord, message: SubscriberMessage): void {
    try {
      rec.sub.send(message);
    } catch (err) {
      this.options.onError(err, 'channel delivery');
    }
  }

  private emit(event: ChannelLifecycleEvent): void {
    for (const observe of this.observers) {
      try {
        observe(event);
      } catch (err) {
        this.options.onError(err, 'channel observer');
      }
    }
  }

  private enqueue(rec: SocketRecord, op: () => Promise<void>): Promise<void> {
    const next = rec.queue.then(op).catch((err: unknown) => this.options.onError(err, 'channel membership'));
    rec.queue = next;
    this.pending.add(next);
    void next.finally(() => this.pending.delete(next));
    // Once the queue drains, a socket holds the shared settled promise again, not its own.
    void next.then(() => {
      if (rec.queue === next) rec.queue = IDLE;
    });
    return next;
  }

  private addLocal(rec: SocketRecord, channel: string): void {
    const key = keyOf(rec.sub.app.id, channel);
    let set = this.local.get(key);
    if (!set) this.local.set(key, (set = new Set()));
    set.add(rec);
  }

  private removeLocal(rec: SocketRecord, channel: string): void {
    const key = keyOf(rec.sub.app.id, channel);
    const set = this.local.get(key);
    if (!set) return;
    set.delete(rec);
    if (set.size === 0) this.local.delete(key);
  }
}

function keyOf(appId: string, channel: string): string {
  return `${appId}\n${channel}`;
}
