// Raw Pusher protocol-7 sockets subscribed to one channel, for the fan-out benchmarks; they record each event's latency.
import WebSocket from 'ws';
import { TEST_APP } from '../fixtures/server-process.js';

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
