// Unit tests for de-duplication and acknowledgement coalescing.
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Inbox } from './inbox.js';

function setup(t: TestContext, connected = true): { inbox: Inbox; acks: number[]; link: { up: boolean } } {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const acks: number[] = [];
  const link = { up: connected };
  const inbox = new Inbox({
    sendAck: (seq) => {
      if (!link.up) return false;
      acks.push(seq);
      return true;
    },
  });
  return { inbox, acks, link };
}

/** Accepts and finishes each seq; returns the ones that were new. */
function process(inbox: Inbox, seqs: number[]): number[] {
  return seqs.filter((seq) => {
    if (!inbox.accept(seq)) return false;
    inbox.done();
    return true;
  });
}

describe('Inbox', () => {
  it('drops seqs at or below the highest processed, allows gaps', (t) => {
    const { inbox } = setup(t);
    assert.deepEqual(process(inbox, [1, 2, 5, 5, 3, 9, 2, 10]), [1, 2, 5, 9, 10]);
    assert.equal(inbox.lastSeq, 10);
  });

  it('sends one cumulative ack per 50 ms burst', (t) => {
    const { inbox, acks } = setup(t);
    process(inbox, [1, 2, 3, 7]);
    t.mock.timers.tick(49);
    assert.deepEqual(acks, []);
    t.mock.timers.tick(1);
    assert.deepEqual(acks, [7]);
    process(inbox, [8]);
    t.mock.timers.tick(50);
    assert.deepEqual(acks, [7, 8]);
    t.mock.timers.tick(500);
    assert.deepEqual(acks, [7, 8]);
  });

  it('acks at once when 100 processed notifications are unacknowledged', (t) => {
    const { inbox, acks } = setup(t);
    process(inbox, Array.from({ length: 99 }, (_, i) => i + 1));
    assert.deepEqual(acks, []);
    process(inbox, [100]);
    assert.deepEqual(acks, [100]);
    process(inbox, [101]);
    t.mock.timers.tick(50);
    assert.deepEqual(acks, [100, 101]);
  });

  it('keeps the position when an ack cannot be sent, for the next hello', (t) => {
    const { inbox, acks, link } = setup(t, false);
    process(inbox, [4, 6]);
    t.mock.timers.tick(50);
    assert.deepEqual(acks, []);
    assert.equal(inbox.lastSeq, 6);
    link.up = true;
    inbox.connected(6);
    t.mock.timers.tick(50);
    assert.deepEqual(acks, [], 'the hello already acknowledged 6');
  });

  it('re-acknowledges at once when the server is behind after a resume', (t) => {
    const { inbox, acks } = setup(t);
    process(inbox, [1, 2, 3]);
    inbox.suspend();
    inbox.connected(1);
    assert.deepEqual(acks, [3]);
  });

  it('counts what the server already holds as processed', (t) => {
    const { inbox } = setup(t);
    process(inbox, [1]);
    inbox.connected(5);
    assert.equal(inbox.lastSeq, 5);
    assert.deepEqual(process(inbox, [4, 5, 6]), [6]);
  });

  it('suspend() cancels a pending ack; reset() forgets the position', (t) => {
    const { inbox, acks } = setup(t);
    process(inbox, [1, 2]);
    inbox.suspend();
    t.mock.timers.tick(100);
    assert.deepEqual(acks, []);
    inbox.reset();
    assert.equal(inbox.lastSeq, 0);
    assert.deepEqual(process(inbox, [1]), [1]);
  });

  it('flush() sends the pending ack now', (t) => {
    const { inbox, acks } = setup(t);
    process(inbox, [3]);
    inbox.flush();
    inbox.flush();
    assert.deepEqual(acks, [3]);
  });
});
