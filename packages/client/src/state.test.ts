// Unit tests for the state transition rules.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { State, canTransition } from './state.js';

describe('canTransition', () => {
  it('allows the connect, welcome, drop and stop paths', () => {
    assert.ok(canTransition(State.Disconnected, State.Connecting));
    assert.ok(canTransition(State.Connecting, State.Connected));
    assert.ok(canTransition(State.Connected, State.Connecting));
    assert.ok(canTransition(State.Connected, State.Disconnected));
    assert.ok(canTransition(State.Connecting, State.Closed));
    assert.ok(canTransition(State.Closed, State.Connecting));
  });

  it('refuses shortcuts and self-transitions', () => {
    assert.ok(!canTransition(State.Disconnected, State.Connected));
    assert.ok(!canTransition(State.Closed, State.Connected));
    assert.ok(!canTransition(State.Closed, State.Disconnected));
    for (const state of Object.values(State)) assert.ok(!canTransition(state, state));
  });
});
