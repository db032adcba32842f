// The long-poll transport: POST /v1/poll again and again; each answer is a batch of frames, each poll acknowledges the last.
import { POLL_PATH } from '@herald/protocol';
import type { HelloFrame, PollRequest } from '@herald/protocol';
import type { TransportFactory } from '../transport.js';
import { endpointUrl } from '../url.js';
import { NETWORK_FAILURE, randomId, readDisconnect, readRefusal, SessionCalls, type FetchLike } from './http.js';
import { HttpTransport } from './http-transport.js';

/** A TransportFactory polling `<base>/v1/poll` with `fetch`. */
export function longPollTransport(fetch: FetchLike): TransportFactory {
  return (baseUrl) => new LongPollTransport(fetch, baseUrl);
}

type Fields = { [key: string]: unknown };

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One connection is one loop of polls, never two at once. A failed poll ends the connection (the
 * client reconnects with a hello, which replays whatever that answer carried): a poll is never retried.
 */
class LongPollTransport extends HttpTransport {
  readonly name = 'long-poll';
  private readonly connection = randomId();
  private session: { id: string; secret: string } | null = null;
  /** Highest seq handed to the client (processed once onMessage returns) or acknowledged by it. */
  private ack = 0;
  /** The ack the last poll carried. */
  private carried = 0;

  protected acknowledge(seq: number): boolean {
    // Carried by the next poll.
    if (seq > this.ack) this.ack = seq;
    return true;
  }

  override close(): void {
    super.close();
    // No next poll will carry it: send what the client processed since the last one (as a WebSocket flush would).
    if (this.ack > this.carried) this.calls?.ack(this.ack);
  }

  protected async start(hello: HelloFrame): Promise<void> {
    const url = endpointUrl(this.baseUrl, POLL_PATH, 'http');
    let body: PollRequest = { ...hello, connection: this.connection };
    try {
      while (this.events !== null) {
        const response = await this.fetch(url, { method: 'POST', body: JSON.stringify(body), signal: this.abort.signal });
        if (this.events === null) return;
        if (!response.ok) return this.finish(await readRefusal(response));
        const frames = await response.json();
        if (this.events === null) return;
        if (!Array.isArray(frames)) return this.finish({ code: NETWORK_FAILURE, reason: 'the answer is not a batch' });
        this.events.onAlive();
        for (const frame of frames) {
          if (this.events === null) return;
          if (!this.frame(frame)) return;
        }
        if (this.session === null) return this.finish({ code: NETWORK_FAILURE, reason: 'no welcome' });
        body = { op: 'poll', connection: this.connection, session: this.session.id, secret: this.session.secret, ack: this.ack };
        this.carried = this.ack;
      }
    } catch {
      this.finish({ code: NETWORK_FAILURE, reason: 'poll failed' });
    }
  }

  /** Passes one frame on; false when it ended the connection. */
  private frame(frame: unknown): boolean {
    if (isObject(frame) && frame['op'] === 'disconnect') {
      this.finish(readDisconnect(frame));
      return false;
    }
    if (isObject(frame) && frame['op'] === 'welcome' && this.session === null && typeof frame['session'] === 'string' && typeof frame['secret'] === 'string') {
      this.session = { id: frame['session'], secret: frame['secret'] };
      this.calls = new SessionCalls(this.fetch, this.baseUrl, frame['session'], frame['secret']);
    }
    this.events?.onMessage(JSON.stringify(frame));
    const seq = isObject(frame) && frame['op'] === 'notification' ? frame['seq'] : undefined;
    if (typeof seq === 'number' && seq > this.ack) this.ack = seq;
    return true;
  }

}
