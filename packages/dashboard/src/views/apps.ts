// The apps table and the app selector.
import type { AdminOverview } from '@herald/protocol';
import { fill, h } from '../dom.js';

/** Renders the apps table and keeps the selector's options in step, preserving the selection. Returns the selected app id. */
export function renderApps(table: HTMLTableElement, select: HTMLSelectElement, overview: AdminOverview): string | null {
  fill(
    table.tBodies[0]!,
    ...overview.apps.map((a) =>
      h(
        'tr',
        { 'data-app': a.id },
        h('td', {}, h('code', {}, a.id)),
        h('td', {}, a.name),
        h('td', {}, h('code', {}, a.key)),
        h('td', {}, a.connections),
        h('td', {}, a.webPush ? 'keys set' : '—'),
        h('td', {}, new Date(a.createdAt).toLocaleString()),
      ),
    ),
  );
  const current = select.value;
  const ids = overview.apps.map((a) => a.id);
  if ([...select.options].map((o) => o.value).join('\n') !== ids.join('\n')) {
    fill(select, ...overview.apps.map((a) => h('option', { value: a.id }, a.name === a.id ? a.id : `${a.id} (${a.name})`)));
    if (ids.includes(current)) select.value = current;
  }
  return select.value || null;
}
