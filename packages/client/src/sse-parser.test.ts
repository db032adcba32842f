// Unit tests of the event-stream parser: fields, line endings, chunk boundaries, comments.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, type SseEvent } from './sse-parser.js';

function parse(chunks: string[]): { events: SseEvent[]; comments: number } {
  const events: SseEvent[] = [];
  let comments = 0;
  const parser = new SseParser({ event: (e) => events.push(e), comment: () => comments++ });
  for (const c of chunks) parser.push(c);
  return { events, comments };
}

describe('SseParser', () => {
  it('reads data, id and event fields and dispatches on a blank line', () => {
    const { events } = parse(['id: 41\ndata: {"a":1}\n\nevent: disconnect\ndata: {"code":4003}\n\n']);
    assert.deepEqual(events, [
      { event: 'message', data: '{"a":1}', id: '41' },
      { event: 'disconnect', data: '{"code":4003}', id: '41' },
    ]);
  });

  it('reassembles events split anywhere across chunks, including inside a CRLF', () => {
    const text = 'data: one\r\n\r\nid: 7\r\ndata: two\r\n\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const { events } = parse([text.slice(0, cut), text.slice(cut)]);
      assert.deepEqual(events.map((e) => e.data), ['one', 'two'], `cut at ${cut}`);
    }
  });

  it('accepts CR-only line endings and joins multi-line data with newlines', () => {
    const { events } = parse(['data: a\rdata: b\r\r']);
    assert.deepEqual(events, [{ event: 'message', data: 'a\nb', id: undefined }]);
  });

  it('counts comments, ignores retry and unknown fields, and drops events without data', () => {
    const { events, comments } = parse([':\n\n: hi\nretry: 10\nfoo: bar\n\nevent: x\n\n']);
    assert.equal(comments, 2);
    assert.deepEqual(events, []);
  });

  it('keeps only one leading space of a value and takes a field without colon as empty', () => {
    const { events } = parse(['data:  two spaces\ndata\n\n']);
    assert.deepEqual(events.map((e) => e.data), [' two spaces\n']);
  });
});
