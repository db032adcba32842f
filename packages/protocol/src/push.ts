// Web Push: the message Herald encrypts to a browser, which its service worker (/herald-sw.js) shows.
import type { JsonValue } from './json.js';

/** The decrypted body of every Web Push message Herald sends (JSON). */
export interface PushMessage {
  title: string;
  body?: string;
  icon?: string;
  /** Opened (or focused) when the user clicks the notification; relative to the service worker's scope. */
  url?: string;
  /** A newer notification with the same tag replaces the shown one. */
  tag?: string;
  /** The Herald notification it stands for; `data` is left out when it would not fit the push size limit. */
  notification: { id: string; module: string; type: string; data?: JsonValue };
}

/** RFC 8291 caps a push body at 4096 bytes: 86 bytes of header, 16 of tag and 1 of padding leave this much JSON. */
export const PUSH_MESSAGE_MAX_BYTES = 3993;

/** Largest `push` content a publish may carry (JSON bytes), leaving room in PushMessage for the notification's id, module and type. */
export const PUSH_CONTENT_MAX_BYTES = 3000;
