// Test helper: records what a HeraldClient emits and waits for conditions on it.
import type { Notification } from '@herald/protocol';
import type { HeraldClient, SessionEvent } from '../client.js';
import type { HeraldClientError } from '../errors.js';
import type { StateChange } from '../state.js';

/** Everything a client emitted, in order. */
export interface Recording {
  states: StateChange[];
  sessions: SessionEvent[];
  errors: HeraldClientError[];
  /** Notification ids as the application's catch-all handler saw them. */
  seen: string[];
  notifications: Notification[];
}

/** Starts recording `client`'s events and, through a catch-all handler, its notifications. */
export function record(client: HeraldClient): Recording {
  const recording: Recording = { states: [], sessions: [], errors: [], seen: [], notifications: [] };
  client.on('state', (change) => recording.states.push(change));
  client.on('session', (event) => recording.sessions.push(event));
  client.on('error', (error) => recording.errors.push(error));
  client.on((notification) => {
    recording.seen.push(notification.id);
    recording.notifications.push(notification);
  });
  return recording;
}

/** Polls `predicate` until it holds; fails after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 2000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `n1`..`nN` ids for seqs `from`..`to`. */
export function ids(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `n${from + i}`);
}
