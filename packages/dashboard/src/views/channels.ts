// The channels list: subscriber counts, and the members of presence channels.
import type { AdminChannelList } from '@herald/protocol';
import { fill, h } from '../dom.js';

export function renderChannels(container: HTMLElement, list: AdminChannelList): void {
  if (!list.available) {
    fill(container, h('p', { class: 'muted' }, 'No channel protocol is enabled on this server, so there are no channels to show.'));
    return;
  }
  if (list.channels.length === 0) {
    fill(container, h('p', { class: 'muted' }, 'No channel has subscribers right now.'));
    return;
  }
  fill(
    container,
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, 'channel'), h('th', {}, 'subscribers'), h('th', {}, 'presence members'))),
      h(
        'tbody',
        {},
        ...list.channels.map((c) =>
          h(
            'tr',
            { 'data-channel': c.name },
            h('td', {}, h('code', {}, c.name)),
            h('td', {}, c.subscribers),
            h('td', { class: 'members' }, c.presence === null ? '—' : c.presence.map((m) => m.id).join(', ') || 'none'),
          ),
        ),
      ),
    ),
  );
}
