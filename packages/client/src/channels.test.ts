// The client's channel subscriptions with a recording `send`: subscribe on each socket id, authorization, presence, events.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelClientFrame } from '@herald/protocol';
import { Channels } from './channels.js';
import type { HeraldClientError } from './errors.js';

function setup(channelAuth?: ConstructorParameters<typeof Channels>[0]['channelAuth']) {
  const sent: ChannelClientFrame[] = [];
  const errors: unknown[] = [];
  const channels = new Channels({ send: (f) => (sent.push(f), true), channelAuth, onError: (e) => errors.push(e) });
  return { channels, sent, errors };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('client channels', () => {
  it('subscribes once the socket id is known, and again after every reconnect', async () => {
    const { channels, sent } = setup();
    const news = channels.subscribe('news');
    assert.deepEqual(sent, [], 'nothing before the socket id');
    channels.receive({ op: 'socket', socketId: '1.1' });
    await tick();
    channels.receive({ op: 'subscribed', channel: 'news' });
    assert.equal(news.state, 'subscribed');
    channels.disconnected();
    assert.equal(news.state, 'pending');
    channels.receive({ op: 'socket', socketId: '2.2' });
    await tick();
    assert.deepEqual(sent, [{ op: 'subscribe', channel: 'news' }, { op: 'subscribe', channel: 'news' }]);
  });

  it('signs private and presence channels with this socket id and tracks presence members', async () => {
    const asked: string[] = [];
    const { channels, sent } = setup(async ({ socketId, channel }) => {
      asked.push(`${socketId}:${channel}`);
      return { auth: 'k:sig', channel_data: '{"user_id":"me"}' };
    });
    channels.receive({ op: 'socket', socketId: '3.3' });
    const room = channels.subscribe('presence-room');
    await tick();
    assert.deepEqual(asked, ['3.3:presence-room']);
    assert.deepEqual(sent, [{ op: 'subscribe', channel: 'presence-room', auth: 'k:sig', channelData: '{"user_id":"me"}' }]);
    channels.receive({ op: 'subscribed', channel: 'presence-room', members: [{ id: 'me', info: null }, { id: 'you', info: { n: 1 } }] });
    assert.equal(room.me, 'me');
    const removed: string[] = [];
    room.on('member_removed', (m) => removed.push(m.id));
    channels.receive({ op: 'member_added', channel: 'presence-room', member: { id: 'them', info: null } });
    channels.receive({ op: 'member_removed', channel: 'presence-room', userId: 'you' });
    assert.deepEqual([...room.members.keys()], ['me', 'them']);
    assert.deepEqual(removed, ['you']);
  });

  it('fails a subscription whose authorization fails, with channel_auth_failed, and sends nothing', async () => {
    const { channels, sent } = setup();
    channels.receive({ op: 'socket', socketId: '4.4' });
    const vault = channels.subscribe('private-vault');
    const errors: HeraldClientError[] = [];
    vault.on('error', (e) => errors.push(e));
    await tick();
    assert.equal(vault.state, 'failed');
    assert.equal(errors[0]?.code, 'channel_auth_failed');
    assert.deepEqual(sent, []);
  });

  it('hands events to bound handlers with JSON data parsed, and keeps non-JSON strings', () => {
    const { channels } = setup();
    const c = channels.subscribe('feed');
    const got: unknown[] = [];
    c.bind('e', (data) => got.push(data));
    channels.receive({ op: 'channel_event', channel: 'feed', event: 'e', data: '{"a":1}' });
    channels.receive({ op: 'channel_event', channel: 'feed', event: 'e', data: 'plain' });
    channels.receive({ op: 'channel_event', channel: 'feed', event: 'other', data: '1' });
    assert.deepEqual(got, [{ a: 1 }, 'plain']);
  });

  it('sends client events only on a subscribed channel, and only client- names', async () => {
    const { channels, sent } = setup();
    channels.receive({ op: 'socket', socketId: '5.5' });
    const c = channels.subscribe('private-x');
    assert.equal(c.trigger('client-a', 1), false, 'not yet subscribed');
    assert.throws(() => c.trigger('a', 1), TypeError);
    channels.receive({ op: 'subscribed', channel: 'private-x' });
    assert.equal(c.trigger('client-a', { v: 1 }), true);
    assert.deepEqual(sent.at(-1), { op: 'channel_event', channel: 'private-x', event: 'client-a', data: { v: 1 } });
    c.unsubscribe();
    assert.deepEqual(sent.at(-1), { op: 'unsubscribe', channel: 'private-x' });
    assert.equal(channels.get('private-x'), undefined);
  });
});
