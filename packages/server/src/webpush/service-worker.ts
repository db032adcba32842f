// The ready service worker Herald serves at /herald-sw.js: shows each push, and focuses or opens its URL on click.

/**
 * The script (plain JavaScript, run by browsers). It reads the PushMessage JSON (protocol/push.ts),
 * always shows a notification (browsers penalise silent pushes), tells open pages with a
 * `{type: 'herald:push', message}` postMessage, and on click focuses a window already showing the
 * URL or opens one. Pages on another origin than Herald's host it with
 * `importScripts('https://<herald>/herald-sw.js')` in their own service worker.
 */
export const SERVICE_WORKER_JS = `// Herald service worker: shows Web Push notifications and opens their URL on click.
'use strict';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

function readMessage(data) {
  if (!data) return { title: 'New notification' };
  try {
    const message = data.json();
    if (message && typeof message.title === 'string') return message;
  } catch (_) {
    // Not JSON: show the text as it came.
  }
  return { title: data.text() };
}

self.addEventListener('push', (event) => {
  const message = readMessage(event.data);
  const options = { data: { url: message.url || null, notification: message.notification || null } };
  if (message.body) options.body = message.body;
  if (message.icon) options.icon = message.icon;
  if (message.tag) {
    options.tag = message.tag;
    options.renotify = true;
  }
  const tellPages = self.clients.matchAll({ type: 'window', includeUncontrolled: true })
    .then((windows) => windows.forEach((w) => w.postMessage({ type: 'herald:push', message })));
  event.waitUntil(Promise.all([self.registration.showNotification(message.title, options), tellPages]));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = event.notification.data && event.notification.data.url;
  const target = new URL(url || './', self.registration.scope).href;
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
    const open = windows.find((w) => w.url === target);
    if (open && 'focus' in open) return open.focus();
    return self.clients.openWindow ? self.clients.openWindow(target) : undefined;
  }));
});
`;
