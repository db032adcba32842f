// The sessions table: who is connected, how, where, since when, and how deep each inbox is.
import type { AdminSessionList } from '@herald/protocol';
import { fill, h } from '../dom.js';
import { formatAge, shortId } from '../format.js';

/** Renders the newest sessions first; clicking a row calls `onPick` with the session id. */
export function renderSessions(table: HTMLTableElement, count: HTMLElement, list: AdminSessionList, now: number, onPick: (sessionId: string) => void): void {
  const body = table.tBodies[0]!;
  const connected = list.sessions.filter((s) => s.connected).length;
  fill(count, `${connected} connected of ${list.total} stored${list.total > list.sessions.length ? ` (newest ${list.sessions.length} shown)` : ''}`);
  if (list.sessions.length === 0) {
    fill(body, h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No sessions yet. Clients appear here when they connect.')));
    return;
  }
  fill(
    body,
    ...list.sessions.map((s) =>
      h(
        'tr',
        { 'data-session-id': s.id, 'data-user': s.user ?? '', 'data-connected': String(s.connected), title: s.id, onclick: () => onPick(s.id) },
        h('td', {}, h('span', { class: 'dot', 'data-connected': String(s.connected), title: s.connected ? 'connected' : 'disconnected' })),
        h('td', {}, s.user ?? h('span', { class: 'muted' }, 'anonymous')),
        h('td', {}, s.scope),
        h('td', {}, s.transport ?? '—'),
        h('td', {}, s.node ?? '—'),
        h('td', {}, s.connectedSince !== null ? `${formatAge(s.connectedSince, now)} ago` : s.connected ? 'on another node' : s.disconnectedAt !== null ? `left ${formatAge(s.disconnectedAt, now)} ago` : '—'),
        h('td', { class: 'inbox' }, s.pending),
        h('td', {}, h('code', {}, shortId(s.id))),
      ),
    ),
  );
}
