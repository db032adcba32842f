// App credentials shared by every connection of an app, instead of one copy of the whole app record per connection.
import type { AppCredentials } from '../../core/channels/authorize.js';

/** Distinct credentials remembered; beyond it the memory starts afresh (only if keys were rotated very often). */
const MAX_ENTRIES = 1024;

/**
 * Interns (id, key, secret): connections of one app share one small object rather than each keeping
 * the app record it was looked up with (settings and VAPID keys included). A changed key or secret is
 * a new entry, so a connection always holds the credentials current when it was opened.
 */
export class CredentialsCache {
  private readonly entries = new Map<string, AppCredentials>();

  of(app: AppCredentials): AppCredentials {
    const id = `${app.id}\n${app.key}\n${app.secret}`;
    let credentials = this.entries.get(id);
    if (!credentials) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      credentials = { id: app.id, key: app.key, secret: app.secret };
      this.entries.set(id, credentials);
    }
    return credentials;
  }
}
