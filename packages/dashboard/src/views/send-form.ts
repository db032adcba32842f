// The test-notification form: builds the publish request, sends it, then follows its delivery status.
import type { JsonValue, NotificationStatus, PublishRequest, Target } from '@herald/protocol';
import { AdminApiError, type AdminApi } from '../api.js';
import { fill, h } from '../dom.js';

export type TargetKind = 'session' | 'user' | 'scope' | 'channel' | 'all';

/** The target of the form, or an error message. */
export function buildTarget(kind: TargetKind, value: string): Target | string {
  const v = value.trim();
  if (kind === 'all') return { all: true };
  if (v === '') return `enter the ${kind} to send to`;
  switch (kind) {
    case 'session':
      return { sessions: [v] };
    case 'user':
      return { users: [v] };
    case 'scope':
      return { scopes: [v] };
    case 'channel':
      return { channels: [v] };
  }
}

/** The state the status panel shows, from a status answer. */
export function deliveryState(status: NotificationStatus): 'accepted' | 'delivered' | 'acknowledged' {
  if (status.recipients > 0 && status.acknowledged >= status.recipients) return 'acknowledged';
  if (status.delivered > 0) return 'delivered';
  return 'accepted';
}

const FOLLOW_MS = 30_000;

const STATE_LABELS = {
  accepted: 'Stored, not delivered yet',
  delivered: 'Delivered, waiting for acknowledgement',
  acknowledged: 'Acknowledged',
} as const;

export interface SendFormElements {
  form: HTMLFormElement;
  kind: HTMLSelectElement;
  value: HTMLInputElement;
  module: HTMLInputElement;
  type: HTMLInputElement;
  data: HTMLTextAreaElement;
  status: HTMLElement;
}

/** Wires the form; `appId()` names the app selected at the time of sending. */
export function setupSendForm(el: SendFormElements, api: () => AdminApi, appId: () => string | null): void {
  let followed = 0;
  const show = (state: string, ...lines: Array<Node | string>) => {
    el.status.dataset['state'] = state;
    fill(el.status, ...lines);
  };
  el.kind.addEventListener('change', () => {
    el.value.disabled = el.kind.value === 'all';
  });
  el.form.addEventListener('submit', (event) => {
    event.preventDefault();
    const app = appId();
    if (!app) return show('failed', h('p', { class: 'state' }, 'No app selected.'));
    const target = buildTarget(el.kind.value as TargetKind, el.value.value);
    if (typeof target === 'string') return show('failed', h('p', { class: 'state' }, target));
    let data: JsonValue;
    try {
      data = el.data.value.trim() === '' ? null : (JSON.parse(el.data.value) as JsonValue);
    } catch {
      return show('failed', h('p', { class: 'state' }, 'Data is not valid JSON.'));
    }
    const request: PublishRequest = { to: target, module: el.module.value.trim(), type: el.type.value.trim(), data };
    const run = ++followed;
    show('sending', h('p', { class: 'state' }, 'Sending…'));
    void (async () => {
      try {
        const result = await api().send(app, request);
        const head = h('p', {}, 'Accepted ', h('code', { id: 'sent-id' }, result.id), ` for ${result.recipients} recipient(s).`);
        if (target.channels) return show('accepted', head, h('p', { class: 'state' }, 'Channel events are fanned out live and have no delivery status.'));
        const deadline = Date.now() + FOLLOW_MS;
        while (run === followed) {
          let status: NotificationStatus;
          try {
            status = await api().status(app, result.id);
          } catch (err) {
            if (err instanceof AdminApiError && err.code === 'notification_not_found') {
              return show('accepted', head, h('p', { class: 'state' }, 'No delivery status (it had no session recipients).'));
            }
            throw err;
          }
          const state = deliveryState(status);
          show(
            state,
            head,
            h('p', { class: 'state', id: 'delivery' }, `${STATE_LABELS[state]} — delivered ${status.delivered}/${status.recipients} · acknowledged ${status.acknowledged}/${status.recipients}${status.expired ? ` · expired ${status.expired}` : ''}${status.dropped ? ` · dropped ${status.dropped}` : ''}`),
          );
          if (state === 'acknowledged' || Date.now() > deadline) return;
          await new Promise((r) => setTimeout(r, 300));
        }
      } catch (err) {
        if (run !== followed) return;
        const message = err instanceof AdminApiError ? `${err.code}: ${err.message}` : String(err);
        show('failed', h('p', { class: 'state' }, `Refused — ${message}`));
      }
    })();
  });
}
