// Channel names and kinds: the prefixes that make a channel private, presence, encrypted, cached or a user's own.

/** How a channel is authorized and what it carries. `user` is `#server-to-user-{id}`, open only to that signed-in user. */
export type ChannelKind = 'public' | 'private' | 'encrypted' | 'presence' | 'user';

export interface ChannelType {
  kind: ChannelKind;
  /** Cache channels remember their last published event and replay it to each new subscriber. */
  cache: boolean;
}

export const USER_CHANNEL_PREFIX = '#server-to-user-';
/** Longest channel name (the Pusher SDKs check 200; the docs say 164). */
export const MAX_CHANNEL_NAME = 200;

const NAME = /^[A-Za-z0-9_\-=@,.;]+$/;

/** Classifies a channel by its anchored prefix (order matters: `private-encrypted-` before `private-`). */
export function channelType(name: string): ChannelType {
  if (name.startsWith(USER_CHANNEL_PREFIX)) return { kind: 'user', cache: false };
  if (name.startsWith('private-encrypted-')) return { kind: 'encrypted', cache: name.startsWith('private-encrypted-cache-') };
  if (name.startsWith('private-')) return { kind: 'private', cache: name.startsWith('private-cache-') };
  if (name.startsWith('presence-')) return { kind: 'presence', cache: name.startsWith('presence-cache-') };
  return { kind: 'public', cache: name.startsWith('cache-') };
}

/** True for a name clients may subscribe to and publishers may address. */
export function isValidChannelName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_CHANNEL_NAME) return false;
  const body = name.startsWith(USER_CHANNEL_PREFIX) ? name.slice(USER_CHANNEL_PREFIX.length) : name;
  return NAME.test(body);
}

/** The user a `#server-to-user-{id}` channel belongs to, or null for any other channel. */
export function userOfChannel(name: string): string | null {
  return name.startsWith(USER_CHANNEL_PREFIX) ? name.slice(USER_CHANNEL_PREFIX.length) : null;
}

/** Channels whose subscribers must present an application signature. */
export function needsAuth(kind: ChannelKind): boolean {
  return kind === 'private' || kind === 'encrypted' || kind === 'presence';
}
