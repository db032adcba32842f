// The transports every delivery test runs over, and a client pinned to one of them.
import type { TransportName } from '@herald/client/node';
import { recordingClient, type RecordingClient } from '../fixtures/clients.js';

/** Every client transport; the delivery suite runs once per entry with the same assertions. */
export const TRANSPORTS: readonly TransportName[] = ['websocket', 'sse', 'long-poll'];

/** A recording client that uses only `transport` (no fallback), so a test checks that transport alone. */
export function pinnedClient(transport: TransportName, url: string, token: string | (() => Promise<string>)): RecordingClient {
  return recordingClient(url, token, { transports: [transport] });
}
