// acceptedAtOf reads the top-level `ts` of a stored notification, whatever its data holds.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { acceptedAtOf } from './publish.js';

describe('acceptedAtOf', () => {
  it('reads the accepted time, not a "ts" inside the data', () => {
    const json = JSON.stringify({ id: 'n', module: 'm', type: 't', data: { ts: 5, nested: { ts: 6 } }, key: 'k', ts: 1_763_800_000_123, exp: 1_763_886_400_123 });
    assert.equal(acceptedAtOf(json), 1_763_800_000_123);
  });
  it('returns undefined when there is none', () => {
    assert.equal(acceptedAtOf('{"id":"n"}'), undefined);
  });
});
