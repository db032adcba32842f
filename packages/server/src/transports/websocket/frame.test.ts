// Pre-built text frames: byte-identical to what `ws` builds, and framed once per run of the same text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ws from 'ws';
import { FrameMemo, textFrame } from './frame.js';

/** ws's own frame builder (not in its type declarations): returns [header, payload] for an unmasked frame. */
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] } };

function wsFrame(payload: Buffer): Buffer {
  return Buffer.concat(Sender.frame(payload, { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }));
}

describe('textFrame', () => {
  it('builds the same bytes as ws for every length encoding (7-bit, 16-bit and 64-bit lengths)', () => {
    for (const length of [0, 1, 125, 126, 127, 1000, 65_535, 65_536, 70_000]) {
      const text = 'x'.repeat(length);
      const payload = Buffer.from(text);
      const frame = textFrame(text);
      assert.deepEqual(frame, wsFrame(payload), `length ${length}`);
      assert.equal(frame[0], 0x81, 'FIN + text opcode');
      assert.equal(frame[1]! & 0x80, 0, 'a server frame is not masked');
    }
  });

  it('carries the UTF-8 payload after the header, its length counted in bytes', () => {
    const text = '{"event":"é","data":"x€"}';
    const payload = Buffer.from(text);
    const frame = textFrame(text);
    assert.deepEqual(frame, wsFrame(payload));
    assert.equal(frame.subarray(2).toString('utf8'), text);
    assert.equal(frame[1], payload.length);
  });
});

describe('FrameMemo', () => {
  it('frames a run of the same text once and a different text anew', () => {
    const memo = new FrameMemo();
    const text = JSON.stringify({ event: 'tick', data: 'x'.repeat(200) });
    const first = memo.frameOf(text);
    assert.equal(memo.frameOf(text), first, 'the same text: the same frame, not a copy');
    assert.deepEqual(first, wsFrame(Buffer.from(text)));
    const other = memo.frameOf('{"event":"tock"}');
    assert.notEqual(other, first);
    assert.deepEqual(other, wsFrame(Buffer.from('{"event":"tock"}')));
  });

  it('answers an equal string built separately with the right frame', () => {
    const memo = new FrameMemo();
    const a = ['{"n":', '1}'].join('');
    const b = ['{"n"', ':1}'].join('');
    assert.deepEqual(memo.frameOf(a), memo.frameOf(b));
    assert.deepEqual(memo.frameOf('{"n":2}').subarray(2).toString(), '{"n":2}');
  });
});
