// Pusher protocol 7 error and close codes, in Pusher's ranges: 4000-4099 no reconnect, 4100-4199 back off, 4200-4299 reconnect now.

export const PusherCode = {
  /** Unknown app key (error + close). */
  AppNotFound: 4001,
  /** The app's connection quota is reached (error + close). */
  OverQuota: 4004,
  /** Not `/app/{key}` (error + close). */
  PathNotFound: 4005,
  /** `protocol` query parameter other than 5-7 (error + close). */
  UnsupportedProtocol: 4007,
  /** Failed sign-in, or the backend terminated the user's connections (error + close). */
  Unauthorized: 4009,
  /** The connection could not keep up with its events (close; pusher-js reconnects after a back-off). */
  OverCapacity: 4100,
  /** Server shutting down (close; reconnect at once, another node serves); also the code of a malformed-message error frame. */
  Reconnect: 4200,
  /** No answer to the server's ping (close). */
  PongTimeout: 4201,
  /** A client event was refused: rate limit, size, disabled, wrong channel (error frame only; the connection stays open). */
  ClientEventRejected: 4301,
} as const;
export type PusherCode = (typeof PusherCode)[keyof typeof PusherCode];
