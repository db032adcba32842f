// Parsing of the native channel frames (subscribe, unsubscribe, channel_event); malformed ones become HeraldErrors.
import type { ChannelClientFrame, JsonValue } from '@herald/protocol';
import { HeraldError } from '../../errors.js';

function str(frame: Record<string, unknown>, field: string, max: number, optional: boolean): string | undefined {
  const v = frame[field];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v.length > max) throw new HeraldError('protocol_error', `${String(frame['op'])}.${field} must be a string of at most ${max} characters`);
  return v;
}

/** The channel frame in `frame`, or null when its op is not a channel op. */
export function parseChannelFrame(frame: Record<string, unknown>): ChannelClientFrame | null {
  switch (frame['op']) {
    case 'subscribe': {
      const out: ChannelClientFrame = { op: 'subscribe', channel: str(frame, 'channel', 256, false)! };
      const auth = str(frame, 'auth', 512, true);
      const channelData = str(frame, 'channelData', 8192, true);
      if (auth !== undefined) out.auth = auth;
      if (channelData !== undefined) out.channelData = channelData;
      return out;
    }
    case 'unsubscribe':
      return { op: 'unsubscribe', channel: str(frame, 'channel', 256, false)! };
    case 'channel_event': {
      const out: ChannelClientFrame = { op: 'channel_event', channel: str(frame, 'channel', 256, false)!, event: str(frame, 'event', 256, false)! };
      // JSON.parse only produces JSON values.
      if (frame['data'] !== undefined) out.data = frame['data'] as JsonValue;
      return out;
    }
    default:
      return null;
  }
}
