// Messages between the nodes of a cluster: a discriminated union, JSON on the wire, checked on receipt.
import type { FanoutMessage } from '../core/channels/fanout.js';
import { decodeFanout } from './fanout-codec.js';

/**
 * A publish committed: `recipients` got inbox entry `seq`. On Redis this message is published by the
 * publish script inside the commit (storage/redis/lua/publish.ts), so every node receives these in
 * commit (= seq) order, which is what makes `Delivery.dispatch` safe on receipt.
 */
export interface InboxMessage {
  kind: 'inbox';
  seq: number;
  recipients: string[];
  /** The notification JSON as stored. */
  json: string;
  /** When the publish was accepted, ms (publish-to-delivery latency); absent from a node that did not send it. */
  acceptedAt?: number;
}

/** `node` now serves `session` (a resume): any other node still holding a connection of it closes that one. */
export interface TakeoverMessage {
  kind: 'takeover';
  session: string;
  node: string;
}

/** The session ended (closed by its client, ended by the backend, expired): every node closes its connection of it. */
export interface EndedMessage {
  kind: 'ended';
  session: string;
  reason: 'client' | 'backend' | 'expired';
}

/**
 * Channel traffic for every node's channel hub (cluster/bus-fanout.ts). Member messages are published by
 * the channel scripts inside the membership change (storage/redis/lua/channels.ts), so they arrive in
 * transition order; the others by the node that sends them, in the order it sends them.
 */
export interface ChannelMessage {
  kind: 'channel';
  message: FanoutMessage;
}

/**
 * Everything on the bus. A new kind is one more interface here; `decode` and every
 * `switch (message.kind)` then fail to compile until they handle it.
 */
export type BusMessage = InboxMessage | TakeoverMessage | EndedMessage | ChannelMessage;

/** Messages a node sends itself; inbox messages come from the commit. */
export type ControlMessage = Exclude<BusMessage, InboxMessage>;

export function encode(message: BusMessage): string {
  return JSON.stringify(message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** The message in `text`, or null when it is not one this node understands (a newer node's kind, garbage). */
export function decode(text: string): BusMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(raw)) return null;
  const kind = raw['kind'] as BusMessage['kind'];
  switch (kind) {
    case 'inbox': {
      const { seq, recipients, json, acceptedAt } = raw;
      if (!Number.isSafeInteger(seq) || !isStrings(recipients) || typeof json !== 'string') return null;
      if (acceptedAt !== undefined && !Number.isSafeInteger(acceptedAt)) return null;
      return { kind, seq: seq as number, recipients, json, ...(acceptedAt !== undefined ? { acceptedAt: acceptedAt as number } : {}) };
    }
    case 'takeover': {
      const { session, node } = raw;
      if (typeof session !== 'string' || typeof node !== 'string') return null;
      return { kind, session, node };
    }
    case 'ended': {
      const { session, reason } = raw;
      if (typeof session !== 'string' || (reason !== 'client' && reason !== 'backend' && reason !== 'expired')) return null;
      return { kind, session, reason };
    }
    case 'channel': {
      const message = decodeFanout(raw['message']);
      return message === null ? null : { kind, message };
    }
    default: {
      const unknown: never = kind;
      void unknown;
      return null;
    }
  }
}
