// Raw Pusher protocol-7 sockets subscribed to one channel, for the fan-out benchmarks; they record each event's latency.
import WebSocket from 'ws';
import PusherServer from 'pusher';
import { TEST_APP } from '../fixtures/server-process.js';
import { percentile, sleep } from '../fixtures/measure.js';

export interface BenchSubscribers {
  sockets: WebSocket[];
  /** Publish-to-receive latencies of the `tick` events, ms (events carry `{at: Date.now()}`). */
  latencies: number[];
  delivered(): number;
}

/** Opens `count` sockets spread round-robin over `ports`, 200 at a time, each subscribed to `channel`. */
export async function subscribeBench(ports: number[], count: number, channel = 'bench'): Promise<BenchSubscribers> {
  const sockets: WebSocket[] = [];
  const latencies: number[] = [];
  let delivered = 0;
  const subscribe = JSON.stringify({ event: 'pusher:subscribe', data: { channel } });
  for (let i = 0; i < count; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, count - i) }, (_, k) => new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${ports[(i + k) % ports.length]}/app/${TEST_APP.key}?protocol=7`);
        sockets.push(ws);
        ws.on('error', reject);
        ws.on('message', (raw) => {
          const frame = JSON.parse(raw.toString()) as { event: string; data?: string };
          if (frame.event === 'pusher:connection_established') ws.send(subscribe);
          else if (frame.event === 'pusher_internal:subscription_succeeded') resolve();
          else if (frame.event === 'tick') {
            delivered++;
            latencies.push(Date.now() - (JSON.parse(frame.data!) as { at: number }).at);
          }
        });
      })),
    );
  }
  return { sockets, latencies, delivered: () => delivered };
}

/** What a triggering run measured. */
export interface TriggerFigures {
  triggersPerSecond: number;
  deliveries: number;
  deliveriesPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number | undefined };
}

/**
 * Triggers `events` `tick` events on the `bench` channel with the `pusher` SDK, round-robin through
 * `ports`, `concurrency` at a time, then waits (60 s at most) until every subscriber received each.
 */
export async function triggerBench(subscribers: BenchSubscribers, ports: number[], events: number, concurrency: number): Promise<{ elapsedMs: number; figures: TriggerFigures }> {
  const sdks = ports.map((port) => new PusherServer({ appId: TEST_APP.id, key: TEST_APP.key, secret: TEST_APP.secret, host: '127.0.0.1', port: String(port), useTLS: false }));
  const start = Date.now();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < events) {
      const sdk = sdks[next++ % sdks.length]!;
      await sdk.trigger('bench', 'tick', { at: Date.now() });
    }
  }));
  const triggered = Date.now() - start;
  const deadline = Date.now() + 60_000;
  const expected = subscribers.sockets.length * events;
  while (subscribers.delivered() < expected && Date.now() < deadline) await sleep(20);
  const elapsedMs = Date.now() - start;
  const latencies = subscribers.latencies.sort((a, b) => a - b);
  return {
    elapsedMs,
    figures: {
      triggersPerSecond: Math.round((events / triggered) * 1000),
      deliveries: subscribers.delivered(),
      deliveriesPerSecond: Math.round((subscribers.delivered() / elapsedMs) * 1000),
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) },
    },
  };
}
