// WebSocket close codes of the native protocol, in ranges that tell the client what to do next.
//   4000-4099  do not reconnect (the same request would be refused again)
//   4100-4199  reconnect after a backoff (fetching a new token or a new session where the code says so)
//   4200-4299  reconnect at once (the server is going away, another node will serve)

export const CloseCode = {
  Normal: 1000,
  ProtocolError: 4000,
  Unauthorized: 4001,
  AppNotFound: 4002,
  SessionEnded: 4003,
  SessionTakenOver: 4005,
  OverCapacity: 4100,
  TokenExpired: 4101,
  HeartbeatTimeout: 4102,
  SlowConsumer: 4103,
  SessionExpired: 4104,
  ServerShutdown: 4200,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export type CloseAction = 'stop' | 'backoff' | 'reconnect-now';

/** What a client should do after the server closed with `code`. Codes below 4000 are network-level: back off. */
export function closeAction(code: number): CloseAction {
  if (code === CloseCode.Normal) return 'stop';
  if (code >= 4000 && code < 4100) return 'stop';
  if (code >= 4200 && code < 4300) return 'reconnect-now';
  return 'backoff';
}

/** Codes after which a resumed session is gone and the client must start a new one with a token. */
export function sessionLost(code: number): boolean {
  return code === CloseCode.SessionExpired;
}
