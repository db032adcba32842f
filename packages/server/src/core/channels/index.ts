// The channel concept shared by the Pusher and native protocols: one hub per node over a ChannelState and a ChannelFanout.
import { LocalFanout } from './fanout-local.js';
import { ChannelHub, type HubOptions } from './hub.js';
import { MemoryChannelState } from './state-memory.js';
import type { ChannelFanout } from './fanout.js';
import type { ChannelState } from './state.js';

export { ChannelHub } from './hub.js';
export type { SubscribeRequest, ClientEventRequest, TriggerRequest } from './hub.js';
export type { ChannelSubscriber, SubscriberMessage, ChannelLifecycleEvent, SubscribeRefusal, ClientEventRefusal } from './subscriber.js';
export type { ChannelState } from './state.js';
export type { PresenceMember, AppCredentials } from './authorize.js';
export type { ChannelFanout, FanoutMessage } from './fanout.js';
export type { ChannelPolicy } from './policy.js';
export { DEFAULT_CHANNEL_POLICY } from './policy.js';

/** A hub on the given state and fan-out; in-process implementations (one node) when none are given. */
export function createChannelHub(options: HubOptions, backend: { state?: ChannelState; fanout?: ChannelFanout } = {}): ChannelHub {
  return new ChannelHub(backend.state ?? new MemoryChannelState(options.now), backend.fanout ?? new LocalFanout(), options);
}
