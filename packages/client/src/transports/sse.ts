// The SSE transport over fetch streaming (browsers and Node 18+, no EventSource needed): the hello is the body of
// POST /v1/sse, frames come back as events; acks and close are small HTTP calls.
import { SSE_PATH } from '@herald/protocol';
import type { HelloFrame } from '@herald/protocol';
import { SseParser, type SseEvent } from '../sse-parser.js';
import type { TransportFactory } from '../transport.js';
import { endpointUrl } from '../url.js';
import { NETWORK_FAILURE, readDisconnect, readRefusal, readWelcome, SessionCalls, type FetchLike } from './http.js';
import { HttpTransport } from './http-transport.js';

/** A TransportFactory streaming Server-Sent Events from `<base>/v1/sse` with `fetch`. */
export function sseTransport(fetch: FetchLike): TransportFactory {
  return (baseUrl) => new SseTransport(fetch, baseUrl);
}

class SseTransport extends HttpTransport {
  readonly name = 'sse';

  protected acknowledge(seq: number): boolean {
    this.calls?.ack(seq);
    return this.calls !== null;
  }

  protected async start(hello: HelloFrame): Promise<void> {
    try {
      const response = await this.fetch(endpointUrl(this.baseUrl, SSE_PATH, 'http'), {
        method: 'POST',
        body: JSON.stringify(hello),
        headers: { accept: 'text/event-stream' },
        signal: this.abort.signal,
      });
      if (this.events === null) return;
      if (!response.ok) return this.finish(await readRefusal(response));
      if (!response.body || !/^text\/event-stream/i.test(response.headers.get('content-type') ?? '')) {
        return this.finish({ code: NETWORK_FAILURE, reason: 'not an event stream' });
      }
      const parser = new SseParser({ event: (e) => this.event(e), comment: () => this.events?.onAlive() });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (this.events === null) return void reader.cancel().catch(() => {});
        if (done) break;
        parser.push(decoder.decode(value, { stream: true }));
      }
      this.finish({ code: NETWORK_FAILURE, reason: 'stream ended' });
    } catch {
      this.finish({ code: NETWORK_FAILURE, reason: 'stream failed' });
    }
  }

  private event(e: SseEvent): void {
    const events = this.events;
    if (events === null) return;
    if (e.event === 'disconnect') {
      let frame: unknown = null;
      try {
        frame = JSON.parse(e.data);
      } catch {
        // an unreadable disconnect is still a disconnect
      }
      return this.finish(readDisconnect(frame));
    }
    if (e.event !== 'message') return;
    if (this.calls === null) {
      const welcome = readWelcome(e.data);
      if (welcome) this.calls = new SessionCalls(this.fetch, this.baseUrl, welcome.session, welcome.secret);
    }
    events.onMessage(e.data);
  }

}
