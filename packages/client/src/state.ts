// The client's connection states, the transitions allowed between them, and the reasons it reports.

/** Where a HeraldClient stands. Read it from `client.state`; changes arrive on the `state` event. */
export enum State {
  /** Not connected and not trying to; the session (if any) is kept for a later resume. */
  Disconnected = 'disconnected',
  /** Opening a transport, waiting for `welcome`, or waiting out a backoff before the next attempt. */
  Connecting = 'connecting',
  /** `welcome` received: notifications flow and are acknowledged. */
  Connected = 'connected',
  /** Stopped for good: `close()` was called or the server said not to reconnect. `connect()` starts again. */
  Closed = 'closed',
}

/** Why the state changed. Stable strings an application can switch on. */
export type StateReason =
  | 'connect-called'
  | 'disconnect-called'
  | 'close-called'
  | 'welcome'
  | 'transport-closed'
  | 'heartbeat-timeout'
  /** Leaving a working fallback transport to try the preferred one again (the session is kept). */
  | 'transport-upgrade'
  | 'server-closed';

/** Payload of the `state` event. `code` is the close code when the change came from a closed transport. */
export interface StateChange {
  from: State;
  to: State;
  reason?: StateReason;
  code?: number;
}

const ALLOWED: Readonly<Record<State, readonly State[]>> = {
  [State.Disconnected]: [State.Connecting, State.Closed],
  [State.Connecting]: [State.Connected, State.Disconnected, State.Closed],
  [State.Connected]: [State.Connecting, State.Disconnected, State.Closed],
  [State.Closed]: [State.Connecting],
};

/** True when the state machine may go from `from` to `to`. Staying in the same state is never a transition. */
export function canTransition(from: State, to: State): boolean {
  return ALLOWED[from].includes(to);
}
