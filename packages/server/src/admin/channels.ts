// The channel directory the admin API lists channels through; channel protocols (Pusher, native channels) plug in here.
import type { AdminChannel } from '@herald/protocol';

/**
 * A source of channel listings. A channel protocol registers one (RunningServer.admin.channels.push)
 * so the dashboard can show its channels; with none registered the dashboard shows an empty list.
 * Implementations report what they can see (this node, or the cluster when they track it there).
 */
export interface ChannelDirectory {
  /** Channels of `appId` that have at least one subscriber, at most `limit`, sorted by name. */
  list(appId: string, limit: number): Promise<AdminChannel[]>;
}

/** Merges the listings of several directories; a channel known to two of them keeps the larger count. */
export async function listChannels(directories: readonly ChannelDirectory[], appId: string, limit: number): Promise<AdminChannel[]> {
  const byName = new Map<string, AdminChannel>();
  for (const list of await Promise.all(directories.map((d) => d.list(appId, limit)))) {
    for (const ch of list) {
      const known = byName.get(ch.name);
      if (!known || ch.subscribers > known.subscribers) byName.set(ch.name, ch);
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).slice(0, limit);
}
