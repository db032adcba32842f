// An incremental parser of the text/event-stream format (the WHATWG EventSource rules), fed chunk by chunk.

/** One dispatched event. `event` is 'message' unless the stream named it. */
export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

export interface SseHandlers {
  event(event: SseEvent): void;
  /** A comment line (`:...`): servers send them as heartbeats. */
  comment(): void;
}

/**
 * Lines end with CRLF, LF or CR (a CR at the end of a chunk may be the first half of a CRLF). A blank
 * line dispatches the event gathered so far; events without data are dropped, as EventSource does.
 */
export class SseParser {
  private buffer = '';
  private skipLf = false;
  private data: string[] = [];
  private type = '';
  private id: string | undefined;

  constructor(private readonly handlers: SseHandlers) {}

  push(chunk: string): void {
    let text = chunk;
    if (this.skipLf) {
      this.skipLf = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(this.buffer.slice(start, i));
      if (c === 13) {
        if (i + 1 === this.buffer.length) this.skipLf = true;
        else if (this.buffer.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return this.handlers.comment();
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        return;
      case 'event':
        this.type = value;
        return;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        return;
      default:
        // `retry` and unknown fields: nothing this client uses.
        return;
    }
  }

  private dispatch(): void {
    const data = this.data;
    const type = this.type;
    this.data = [];
    this.type = '';
    if (data.length === 0) return;
    this.handlers.event({ event: type || 'message', data: data.join('\n'), id: this.id });
  }
}
