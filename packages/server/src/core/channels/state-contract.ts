// The ChannelState contract suite: every implementation's test file runs it with a factory, so all keep state.ts's guarantees.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ChannelState } from './state.js';

/** A fresh, empty state per test, and how to clean it up. */
export interface StateHarness {
  state: ChannelState;
  cleanup(): Promise<void>;
}

export function channelStateContract(name: string, create: () => Promise<StateHarness>): void {
  describe(`ChannelState contract: ${name}`, () => {
    let h: StateHarness;
    beforeEach(async () => {
      h = await create();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('reports occupied on the first join and vacated on the last leave, once each', async () => {
      const a = await h.state.join({ appId: 'a', channel: 'c', socketId: '1.1' });
      const b = await h.state.join({ appId: 'a', channel: 'c', socketId: '1.2' });
      assert.deepEqual([a.kind === 'joined' && a.occupied, b.kind === 'joined' && b.occupied], [true, false]);
      const l1 = await h.state.leave('a', 'c', '1.1');
      const l2 = await h.state.leave('a', 'c', '1.2');
      assert.deepEqual([l1.kind === 'left' && l1.vacated, l2.kind === 'left' && l2.vacated], [false, true]);
      assert.deepEqual(await h.state.leave('a', 'c', '1.2'), { kind: 'absent' });
    });

    it('exactly one of many concurrent joins observes occupied, and one of many leaves observes vacated', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `2.${i}`);
      const joins = await Promise.all(ids.map((socketId) => h.state.join({ appId: 'a', channel: 'busy', socketId })));
      assert.equal(joins.filter((j) => j.kind === 'joined' && j.occupied).length, 1);
      const leaves = await Promise.all(ids.map((socketId) => h.state.leave('a', 'busy', socketId)));
      assert.equal(leaves.filter((l) => l.kind === 'left' && l.vacated).length, 1);
    });

    it('keys presence by user: member_added on a user first socket, member_removed on the last', async () => {
      const member = (userId: string) => ({ userId, info: { name: userId } });
      const j1 = await h.state.join({ appId: 'a', channel: 'presence-r', socketId: '3.1', member: member('alice') });
      const j2 = await h.state.join({ appId: 'a', channel: 'presence-r', socketId: '3.2', member: member('alice') });
      const j3 = await h.state.join({ appId: 'a', channel: 'presence-r', socketId: '3.3', member: member('bob') });
      assert.deepEqual([j1, j2, j3].map((j) => j.kind === 'joined' && j.memberAdded), [true, false, true]);
      assert.ok(j3.kind === 'joined');
      assert.deepEqual(j3.presence?.members.map((m) => m.userId).sort(), ['alice', 'bob']);
      assert.deepEqual(await h.state.summary('a', 'presence-r'), { channel: 'presence-r', subscriptions: 3, users: 2 });
      const l1 = await h.state.leave('a', 'presence-r', '3.1');
      const l2 = await h.state.leave('a', 'presence-r', '3.2');
      assert.deepEqual([l1.kind === 'left' && l1.memberRemoved, l2.kind === 'left' && l2.memberRemoved], [null, 'alice']);
      assert.deepEqual((await h.state.members('a', 'presence-r')).map((m) => m.userId), ['bob']);
    });

    it('refuses a new user beyond maxMembers, never a further socket of a present user', async () => {
      const join = (socketId: string, userId: string) => h.state.join({ appId: 'a', channel: 'presence-s', socketId, member: { userId, info: null }, maxMembers: 2 });
      assert.equal((await join('4.1', 'u1')).kind, 'joined');
      assert.equal((await join('4.2', 'u2')).kind, 'joined');
      assert.deepEqual(await join('4.3', 'u3'), { kind: 'full', limit: 2 });
      assert.equal((await join('4.4', 'u1')).kind, 'joined');
    });

    it('treats a repeated join of the same socket as no change', async () => {
      await h.state.join({ appId: 'a', channel: 'c2', socketId: '5.1' });
      const again = await h.state.join({ appId: 'a', channel: 'c2', socketId: '5.1' });
      assert.ok(again.kind === 'joined' && !again.occupied && !again.memberAdded);
      assert.equal((await h.state.summary('a', 'c2')).subscriptions, 1);
    });

    it('lists occupied channels by prefix and keeps apps apart', async () => {
      await h.state.join({ appId: 'a', channel: 'presence-x', socketId: '6.1', member: { userId: 'u', info: null } });
      await h.state.join({ appId: 'a', channel: 'news', socketId: '6.2' });
      await h.state.join({ appId: 'b', channel: 'news', socketId: '6.3' });
      assert.deepEqual((await h.state.list('a', '')).map((s) => s.channel).sort(), ['news', 'presence-x']);
      assert.deepEqual(await h.state.list('a', 'presence-'), [{ channel: 'presence-x', subscriptions: 1, users: 1 }]);
      assert.deepEqual(await h.state.summary('b', 'presence-x'), { channel: 'presence-x', subscriptions: 0, users: null });
    });

    it('remembers only the latest cached event, for its ttl', async () => {
      assert.equal(await h.state.getCache('a', 'cache-p'), null);
      await h.state.setCache('a', 'cache-p', { event: 'e', data: '1' }, 60_000);
      await h.state.setCache('a', 'cache-p', { event: 'e', data: '2' }, 60_000);
      const hit = await h.state.getCache('a', 'cache-p');
      assert.deepEqual(hit?.event, { event: 'e', data: '2' });
      assert.ok(hit!.ttlMs > 0 && hit!.ttlMs <= 60_000);
      await h.state.setCache('a', 'cache-q', { event: 'e', data: '3' }, 1);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(await h.state.getCache('a', 'cache-q'), null);
    });
  });
}
