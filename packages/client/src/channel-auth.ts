// Channel authorization on the client: the application's auth endpoint (Pusher's request format) or a function.

/** What the application's auth endpoint answers, in Pusher's format (so one endpoint serves pusher-js and Herald). */
export interface ChannelAuthorization {
  auth: string;
  /** Presence channels: the exact JSON string that was signed, `{"user_id": ..., "user_info": ...}`. */
  channel_data?: string;
}

/** Signs a subscription: called with this connection's socket id for every private or presence channel. */
export type ChannelAuthorizer = (request: { socketId: string; channel: string }) => Promise<ChannelAuthorization>;

/**
 * How the client gets channel signatures: a function, or an endpoint that receives a form POST of
 * `socket_id` and `channel_name` (what pusher-js sends) and answers `{auth, channel_data?}`.
 */
export type ChannelAuthOption =
  | ChannelAuthorizer
  | { endpoint: string; headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>) };

/** Turns the option into one authorizer; without one, private and presence subscriptions fail with `channel_auth_failed`. */
export function channelAuthorizer(option: ChannelAuthOption | undefined): ChannelAuthorizer {
  if (typeof option === 'function') return option;
  if (option === undefined) return () => Promise.reject(new Error('no channelAuth option: private and presence channels need one'));
  const { endpoint, headers } = option;
  return async ({ socketId, channel }) => {
    const extra = typeof headers === 'function' ? await headers() : (headers ?? {});
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...extra },
      body: new URLSearchParams({ socket_id: socketId, channel_name: channel }).toString(),
    });
    if (res.status !== 200) throw new Error(`auth endpoint answered ${res.status}`);
    const body = (await res.json()) as Partial<ChannelAuthorization> | null;
    if (!body || typeof body.auth !== 'string') throw new Error('auth endpoint answer has no auth string');
    return { auth: body.auth, ...(typeof body.channel_data === 'string' ? { channel_data: body.channel_data } : {}) };
  };
}
