// Subscriptions behaves like the Map it replaces: lookups, replacement, deletion and insertion order.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Subscriptions } from './subscriptions.js';

describe('Subscriptions', () => {
  it('holds, replaces and forgets one subscription', () => {
    const s = new Subscriptions<number>();
    assert.equal(s.get('a'), undefined);
    s.set('a', 1);
    assert.equal(s.get('a'), 1);
    s.set('a', 2);
    assert.equal(s.get('a'), 2);
    assert.deepEqual(s.keys(), ['a']);
    assert.equal(s.delete('a'), true);
    assert.equal(s.delete('a'), false);
    assert.equal(s.get('a'), undefined);
    assert.deepEqual(s.keys(), []);
  });

  it('keeps several, in the order they were made, like a Map, whatever was removed in between', () => {
    const steps: Array<['set', string, number] | ['delete', string]> = [
      ['set', 'a', 1], ['set', 'b', 2], ['set', 'c', 3], ['delete', 'a'], ['set', 'd', 4], ['set', 'b', 5],
      ['delete', 'b'], ['delete', 'c'], ['delete', 'd'], ['set', 'e', 6], ['set', 'f', 7], ['delete', 'e'], ['set', 'a', 8], ['delete', 'zz'],
    ];
    const s = new Subscriptions<number>();
    const m = new Map<string, number>();
    for (const step of steps) {
      if (step[0] === 'set') {
        s.set(step[1], step[2]);
        m.set(step[1], step[2]);
      } else {
        assert.equal(s.delete(step[1]), m.delete(step[1]), `delete ${step[1]}`);
      }
      assert.deepEqual(s.keys(), [...m.keys()], `after ${step.join(' ')}`);
      for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'zz']) assert.equal(s.get(key), m.get(key), `${key} after ${step.join(' ')}`);
    }
  });
});
