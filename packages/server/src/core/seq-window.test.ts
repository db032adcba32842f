// Unit tests of SeqWindow: counting what a cumulative acknowledgement covers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SeqWindow } from './seq-window.js';

describe('SeqWindow', () => {
  it('counts the seqs a cumulative acknowledgement covers, once each', () => {
    const w = new SeqWindow();
    for (const seq of [3, 7, 8, 20]) w.push(seq);
    assert.equal(w.acknowledge(2), 0);
    assert.equal(w.acknowledge(7), 2);
    assert.equal(w.acknowledge(7), 0, 'a repeated ack counts nothing');
    assert.equal(w.acknowledge(19), 1);
    assert.equal(w.size, 1);
    assert.equal(w.acknowledge(100), 1);
    assert.equal(w.size, 0);
  });

  it('keeps counting correctly across compactions of a long window', () => {
    const w = new SeqWindow();
    for (let seq = 1; seq <= 5000; seq++) w.push(seq * 2);
    let total = 0;
    for (let ack = 1; ack <= 10_000; ack += 333) total += w.acknowledge(ack);
    assert.equal(total + w.size, 5000);
    const rest = w.size;
    assert.ok(rest > 0);
    assert.equal(w.acknowledge(10_000), rest);
    assert.equal(w.size, 0);
  });
});
