// Unit tests for the listener registry: filters, keys, disable/enable and failing handlers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Notification } from '@herald/protocol';
import { Listeners } from './listeners.js';
import type { DeliveryInfo } from './listeners.js';

const info: DeliveryInfo = { seq: 1, session: 's' };

function n(module: string, type: string, key?: string): Notification {
  const notification: Notification = { id: `${module}.${type}.${key ?? ''}`, module, type, data: null, ts: 0 };
  if (key !== undefined) notification.key = key;
  return notification;
}

/** Dispatches each notification and returns, per handler name, the ids it saw. */
function run(listeners: Listeners, notifications: Notification[]): void {
  for (const notification of notifications) listeners.dispatch(notification, info, (e) => { throw e; });
}

function recorder(): { seen: string[]; handler: (n: Notification) => void } {
  const seen: string[] = [];
  return { seen, handler: (notification) => { seen.push(notification.id); } };
}

const sample = [n('orders', 'created'), n('orders', 'paid', 'o-1'), n('chat', 'message'), n('chat', 'typing', 'o-1')];

describe('Listeners', () => {
  it('on(handler) receives every notification, with its delivery info', () => {
    const listeners = new Listeners();
    const infos: DeliveryInfo[] = [];
    listeners.on((_notification, i) => { infos.push(i); });
    run(listeners, sample);
    assert.equal(infos.length, 4);
    assert.deepEqual(infos[0], info);
  });

  it('on(filter, handler) narrows by module, by type, or both', () => {
    const listeners = new Listeners();
    const byModule = recorder();
    const byBoth = recorder();
    const byType = recorder();
    const empty = recorder();
    listeners.on({ module: 'orders' }, byModule.handler);
    listeners.on({ module: 'chat', type: 'typing' }, byBoth.handler);
    listeners.on({ type: 'message' }, byType.handler);
    listeners.on({}, empty.handler);
    run(listeners, sample);
    assert.deepEqual(byModule.seen, ['orders.created.', 'orders.paid.o-1']);
    assert.deepEqual(byBoth.seen, ['chat.typing.o-1']);
    assert.deepEqual(byType.seen, ['chat.message.']);
    assert.equal(empty.seen.length, 4);
  });

  it('register(key) receives notifications carrying that key, plus those matching its filter, once each', () => {
    const listeners = new Listeners();
    const keyOnly = recorder();
    const keyAndFilter = recorder();
    listeners.register('o-1', keyOnly.handler);
    listeners.register('o-1', keyAndFilter.handler, { module: 'orders' });
    run(listeners, sample);
    assert.deepEqual(keyOnly.seen, ['orders.paid.o-1', 'chat.typing.o-1']);
    assert.deepEqual(keyAndFilter.seen, ['orders.created.', 'orders.paid.o-1', 'chat.typing.o-1']);
  });

  it('calls handlers in registration order', () => {
    const listeners = new Listeners();
    const order: string[] = [];
    listeners.register('o-1', () => { order.push('keyed'); });
    listeners.on(() => { order.push('all'); });
    listeners.on({ module: 'orders' }, () => { order.push('filtered'); });
    run(listeners, [n('orders', 'paid', 'o-1')]);
    assert.deepEqual(order, ['keyed', 'all', 'filtered']);
  });

  it('disable(key) skips that key until enable(key), also for handlers registered meanwhile', () => {
    const listeners = new Listeners();
    const a = recorder();
    const b = recorder();
    listeners.register('o-1', a.handler);
    listeners.disable('o-1');
    listeners.register('o-1', b.handler);
    run(listeners, [n('orders', 'paid', 'o-1')]);
    assert.deepEqual([a.seen.length, b.seen.length], [0, 0]);
    assert.ok(listeners.isDisabled('o-1'));
    listeners.enable('o-1');
    run(listeners, [n('orders', 'paid', 'o-1')]);
    assert.deepEqual([a.seen.length, b.seen.length], [1, 1]);
  });

  it('disableAll() skips every keyed handler but not on() handlers; enable(key) lifts one key', () => {
    const listeners = new Listeners();
    const k1 = recorder();
    const k2 = recorder();
    const all = recorder();
    listeners.register('k1', k1.handler, { module: 'orders' });
    listeners.register('k2', k2.handler, { module: 'orders' });
    listeners.on(all.handler);
    listeners.disableAll();
    run(listeners, [n('orders', 'created')]);
    assert.deepEqual([k1.seen.length, k2.seen.length, all.seen.length], [0, 0, 1]);
    listeners.enable('k2');
    run(listeners, [n('orders', 'created')]);
    assert.deepEqual([k1.seen.length, k2.seen.length], [0, 1]);
    listeners.disable('k2');
    listeners.enableAll();
    run(listeners, [n('orders', 'created')]);
    assert.deepEqual([k1.seen.length, k2.seen.length], [1, 2]);
  });

  it('a throwing or rejecting handler is reported and does not stop the others', async () => {
    const listeners = new Listeners();
    const after = recorder();
    const errors: unknown[] = [];
    listeners.on(() => { throw new Error('boom'); });
    listeners.on(() => Promise.reject(new Error('later')));
    listeners.on(after.handler);
    const called = listeners.dispatch(n('orders', 'created'), info, (e) => errors.push(e));
    assert.equal(called, 3);
    assert.deepEqual(after.seen, ['orders.created.']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(errors.map((e) => (e as Error).message), ['boom', 'later']);
  });

  it('unsubscribe functions and off() remove handlers', () => {
    const listeners = new Listeners();
    const a = recorder();
    const b = recorder();
    const c = recorder();
    const stopA = listeners.on(a.handler);
    listeners.on({ module: 'orders' }, b.handler);
    listeners.on(b.handler);
    listeners.register('k', c.handler);
    listeners.register('k', c.handler, { module: 'chat' });
    stopA();
    stopA();
    listeners.off(b.handler);
    listeners.off('k');
    assert.equal(listeners.size, 0);
    run(listeners, sample);
    assert.deepEqual([a.seen, b.seen, c.seen], [[], [], []]);
  });

  it('a handler removed by an earlier handler during dispatch is not called', () => {
    const listeners = new Listeners();
    const late = recorder();
    let stopLate = (): void => {};
    listeners.on(() => stopLate());
    stopLate = listeners.on(late.handler);
    run(listeners, sample);
    assert.deepEqual(late.seen, []);
  });

  it('rejects a missing handler or an empty key', () => {
    const listeners = new Listeners();
    assert.throws(() => listeners.register('', () => {}), TypeError);
    // @ts-expect-error: the handler is required
    assert.throws(() => listeners.on({ module: 'm' }), TypeError);
  });
});
