// The admin API as the dashboard calls it: Bearer admin token, typed answers, errors with their stable code.
import type {
  AdminChannelList,
  AdminOverview,
  AdminSessionList,
  AdminStats,
  NotificationStatus,
  PublishRequest,
  PublishResult,
} from '@herald/protocol';

/** A refused admin API call: `code` is the error code of docs/errors.md (or `network_error`). */
export class AdminApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

export class AdminApi {
  constructor(private readonly token: string) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`/admin/api${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        cache: 'no-store',
      });
    } catch (err) {
      throw new AdminApiError('network_error', `the server did not answer (${err instanceof Error ? err.message : String(err)})`, 0);
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (a proxy's error page): reported below with the HTTP status.
    }
    if (!res.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
      throw new AdminApiError(error?.code ?? 'http_error', error?.message ?? `HTTP ${res.status}`, res.status);
    }
    return parsed as T;
  }

  overview(): Promise<AdminOverview> {
    return this.call('GET', '/overview');
  }

  stats(seconds = 60): Promise<AdminStats> {
    return this.call('GET', `/stats?seconds=${seconds}`);
  }

  sessions(appId: string): Promise<AdminSessionList> {
    return this.call('GET', `/apps/${encodeURIComponent(appId)}/sessions`);
  }

  channels(appId: string): Promise<AdminChannelList> {
    return this.call('GET', `/apps/${encodeURIComponent(appId)}/channels`);
  }

  send(appId: string, request: PublishRequest): Promise<PublishResult> {
    return this.call('POST', `/apps/${encodeURIComponent(appId)}/notifications`, request);
  }

  status(appId: string, id: string): Promise<NotificationStatus> {
    return this.call('GET', `/apps/${encodeURIComponent(appId)}/notifications/${encodeURIComponent(id)}`);
  }
}
