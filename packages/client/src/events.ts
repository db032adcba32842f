// The client's events and their payloads.
import type { Notification } from '@herald/protocol';
import type { HeraldClientError } from './errors.js';
import type { StateChange } from './state.js';

/** Payload of the `session` event. `lost`: the server no longer has the session `id` (it expired or ended). */
export interface SessionEvent {
  kind: 'new' | 'resumed' | 'lost';
  id: string;
}

/** Payload of the `notification` event: each notification once, in order, whatever the listeners. */
export interface NotificationEvent {
  seq: number;
  session: string;
  notification: Notification;
}

/** The client's events and their payloads. */
export interface ClientEvents {
  state: StateChange;
  session: SessionEvent;
  error: HeraldClientError;
  notification: NotificationEvent;
}

/** The event names, for checking a name given at run time. */
export const EVENT_NAMES: ReadonlySet<string> = new Set<keyof ClientEvents>(['state', 'session', 'error', 'notification']);
