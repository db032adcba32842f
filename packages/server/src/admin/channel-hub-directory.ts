// Lists the channel hub's channels (both protocols' subscribers) for the admin API and the dashboard.
import type { AdminChannel } from '@herald/protocol';
import type { ChannelState } from '../core/channels/state.js';
import type { ChannelDirectory } from './channels.js';

/** Presence members are listed for at most this many channels per answer, to keep one request cheap. */
const PRESENCE_LISTED = 50;

export function channelStateDirectory(state: ChannelState): ChannelDirectory {
  return {
    async list(appId, limit) {
      const summaries = (await state.list(appId, '')).filter((s) => s.subscriptions > 0);
      summaries.sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
      const shown = summaries.slice(0, limit);
      return Promise.all(
        shown.map(async (s, i): Promise<AdminChannel> => {
          const presence = s.users !== null && i < PRESENCE_LISTED
            ? (await state.members(appId, s.channel)).map((m) => ({ id: m.userId, info: m.info }))
            : s.users !== null ? [] : null;
          return { name: s.channel, subscribers: s.subscriptions, presence };
        }),
      );
    },
  };
}
