// @herald/client: the public API of the SDK, the same in browsers and in Node.
import { HeraldClient } from './client.js';
import type { HeraldClientOptions } from './options.js';

export { HeraldClient } from './client.js';
export type { ClientEvents, NotificationEvent, SessionEvent } from './client.js';
export type { HeraldClientOptions, TransportName } from './options.js';
export { DEFAULT_TRANSPORTS } from './options.js';
export { State } from './state.js';
export type { StateChange, StateReason } from './state.js';
export { HeraldClientError } from './errors.js';
export type { ClientErrorCode } from './errors.js';
export type { DeliveryInfo, NotificationFilter, NotificationHandler } from './listeners.js';
export type { Unsubscribe } from './emitter.js';
export { Jobs, JobError } from './jobs.js';
export type { JobsEvents, StartedJob, WatchOptions } from './jobs.js';
export type { JobProgress } from '@herald/protocol';
export { Channel, Channels } from './channels.js';
export type { ChannelEvent, ChannelLifecycle, Member, SubscriptionState } from './channels.js';
export type { ChannelAuthOption, ChannelAuthorization, ChannelAuthorizer } from './channel-auth.js';
export type { TokenSource } from './credentials.js';
export { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export type { CloseInfo, Transport, TransportEvents, TransportFactory } from './transport.js';
export { webSocketTransport, WEBSOCKET_PATH } from './transports/websocket.js';
export type { WebSocketConstructor, WebSocketLike } from './transports/websocket.js';
export { createPush, HeraldPush } from './push.js';
export type { HeraldPushOptions, PushPermission, PushRegistration } from './push.js';
export { sseTransport } from './transports/sse.js';
export { longPollTransport } from './transports/long-poll.js';
export type { FetchInit, FetchLike, ResponseLike } from './transports/http.js';
export type { Notification, ErrorCode, PushMessage } from '@herald/protocol';

/** Creates a client; `options.WebSocket` defaults to `globalThis.WebSocket`, `options.fetch` to `globalThis.fetch`. */
export function createClient(options: HeraldClientOptions): HeraldClient {
  return new HeraldClient(options);
}
