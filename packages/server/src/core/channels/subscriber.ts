// What the hub needs from a protocol connection (Pusher or native), and the messages it hands to it.
import type { ErrorCode } from '@herald/protocol';
import type { AppCredentials, PresenceMember } from './authorize.js';

/** Why a subscription was refused; `code` comes from the error catalogue, each protocol maps it to its own frame. */
export interface SubscribeRefusal {
  code: Extract<ErrorCode, 'invalid_channel' | 'channel_unauthorized' | 'channel_full' | 'payload_too_large' | 'invalid_request' | 'internal_error'>;
  message: string;
}

/** What a subscriber is sent, in the order the hub produced it. One object may be shared by many subscribers: do not mutate. */
export type SubscriberMessage =
  | { kind: 'subscribed'; channel: string; members: PresenceMember[] | null }
  | { kind: 'refused'; channel: string; refusal: SubscribeRefusal }
  | { kind: 'event'; channel: string; event: string; data: string; userId?: string }
  | { kind: 'cache_miss'; channel: string }
  | { kind: 'member_added'; channel: string; member: PresenceMember }
  | { kind: 'member_removed'; channel: string; userId: string };

/** One live connection that can subscribe to channels. */
export interface ChannelSubscriber {
  readonly app: AppCredentials;
  /** Unique per connection; channel authorization signatures cover it. */
  readonly socketId: string;
  /** Native connections: the session id, which a native publish's `to.except` names. */
  readonly sessionId?: string;
  /** The user this connection is signed in as (Pusher sign-in, native token user): may subscribe to `#server-to-user-{id}`. */
  userId(): string | null;
  send(message: SubscriberMessage): void;
  /** The backend terminated this user's connections: close with the protocol's code. */
  terminate(): void;
}

/** Channel lifecycle as Pusher webhooks report it; observed once per deployment (see ChannelState). */
export type ChannelLifecycleEvent =
  | { name: 'channel_occupied'; appId: string; channel: string }
  | { name: 'channel_vacated'; appId: string; channel: string }
  | { name: 'member_added'; appId: string; channel: string; userId: string }
  | { name: 'member_removed'; appId: string; channel: string; userId: string }
  | { name: 'client_event'; appId: string; channel: string; event: string; data: string; socketId: string; userId?: string }
  | { name: 'cache_miss'; appId: string; channel: string };

/** Why a client event was refused (the connection stays open). */
export interface ClientEventRefusal {
  code: Extract<ErrorCode, 'client_event_refused' | 'rate_limited' | 'payload_too_large'>;
  message: string;
}
