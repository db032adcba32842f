// Close-code ranges decide whether a client reconnects: check each documented code lands in its range.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode, closeAction, sessionLost } from './close-codes.js';

describe('close codes', () => {
  it('tells the client not to reconnect after refusals in 4000-4099 and a normal close', () => {
    for (const code of [CloseCode.Normal, CloseCode.Unauthorized, CloseCode.AppNotFound, CloseCode.SessionEnded, CloseCode.SessionTakenOver]) {
      assert.equal(closeAction(code), 'stop', String(code));
    }
  });
  it('backs off for 4100-4199 and network-level closes', () => {
    for (const code of [CloseCode.OverCapacity, CloseCode.TokenExpired, CloseCode.SlowConsumer, CloseCode.SessionExpired, 1006, 1011]) {
      assert.equal(closeAction(code), 'backoff', String(code));
    }
  });
  it('reconnects at once on server shutdown', () => {
    assert.equal(closeAction(CloseCode.ServerShutdown), 'reconnect-now');
  });
  it('marks only session_expired as a lost session', () => {
    assert.equal(sessionLost(CloseCode.SessionExpired), true);
    assert.equal(sessionLost(CloseCode.ServerShutdown), false);
  });
});
