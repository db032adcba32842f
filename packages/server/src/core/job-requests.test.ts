// Unit tests of job API body validation: bad input is refused with a stable code and a message naming the field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeraldError } from '../errors.js';
import { validateComplete, validateCreateJob, validateFail, validateProgress } from './job-requests.js';

const limits = { maxPayloadBytes: 100, maxTtlSeconds: 3600 };

function refused(code: string, field: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof HeraldError && err.code === code && field.test(err.message);
}

describe('job request validation', () => {
  it('accepts a create request and keeps only what was given', () => {
    assert.deepEqual(validateCreateJob({ session: 's1', kind: 'report.pdf' }, limits), { session: 's1', kind: 'report.pdf' });
    assert.deepEqual(validateCreateJob({ session: 's1', kind: 'k', meta: { a: 1 }, ttl: 60 }, limits), { session: 's1', kind: 'k', meta: { a: 1 }, ttl: 60 });
  });

  it('refuses a create request with a missing session, a bad kind, meta or ttl, or an unknown field', () => {
    assert.throws(() => validateCreateJob({ kind: 'k' }, limits), refused('invalid_request', /session/));
    assert.throws(() => validateCreateJob({ session: 's', kind: 'has space' }, limits), refused('invalid_request', /kind/));
    assert.throws(() => validateCreateJob({ session: 's', kind: 'k', meta: [1] }, limits), refused('invalid_request', /meta/));
    assert.throws(() => validateCreateJob({ session: 's', kind: 'k', meta: { big: 'x'.repeat(200) } }, limits), refused('payload_too_large', /meta/));
    assert.throws(() => validateCreateJob({ session: 's', kind: 'k', ttl: 3601 }, limits), refused('invalid_request', /ttl/));
    assert.throws(() => validateCreateJob({ session: 's', kind: 'k', ttl: 1.5 }, limits), refused('invalid_request', /ttl/));
    assert.throws(() => validateCreateJob({ session: 's', kind: 'k', owner: 'x' }, limits), refused('invalid_request', /owner/));
    assert.throws(() => validateCreateJob('s', limits), refused('invalid_request', /object/));
  });

  it('accepts progress from 0 to 100 with an optional message, and refuses anything else', () => {
    assert.deepEqual(validateProgress({ percent: 0 }), { percent: 0 });
    assert.deepEqual(validateProgress({ percent: 42.5, message: 'half' }), { percent: 42.5, message: 'half' });
    for (const percent of [-1, 101, Number.NaN, '50', null]) {
      assert.throws(() => validateProgress({ percent }), refused('invalid_request', /percent/));
    }
    assert.throws(() => validateProgress({ percent: 1, message: 'x'.repeat(1025) }), refused('invalid_request', /message/));
  });

  it('accepts any JSON result within the payload limit, null when absent', () => {
    assert.equal(validateComplete({}, limits), null);
    assert.deepEqual(validateComplete({ result: [1, { a: 'b' }] }, limits), [1, { a: 'b' }]);
    assert.throws(() => validateComplete({ result: 'x'.repeat(200) }, limits), refused('payload_too_large', /result/));
  });

  it('accepts a failure with a default code and refuses the reserved job_expired code', () => {
    assert.deepEqual(validateFail({ error: { message: 'no' } }), { code: 'job_failed', message: 'no' });
    assert.deepEqual(validateFail({ error: { code: 'quota', message: 'no' } }), { code: 'quota', message: 'no' });
    assert.throws(() => validateFail({ error: { code: 'job_expired', message: 'no' } }), refused('invalid_request', /reserved/));
    assert.throws(() => validateFail({ error: 'no' }), refused('invalid_request', /object/));
    assert.throws(() => validateFail({ error: { code: 'c' } }), refused('invalid_request', /error.message/));
  });
});
