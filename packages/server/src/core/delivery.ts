// Delivery: moves inbox entries to live connections, in order, without loss, with one frame per fan-out.
//
// Each attached connection first catches up by reading its inbox from storage (pausing while the
// transport is congested), then switches to live mode where committed publishes are written directly.
// A publish dispatched while a connection is catching up marks it dirty, so the catch-up reads once
// more before going live: since dispatch happens only after commit, that read sees the entry, and
// nothing can fall between the two modes.
import { CloseCode, notificationFrame } from '@herald/protocol';
import type { Storage } from '../storage/storage.js';
import type { Outlet } from './outlet.js';
import { SeqWindow } from './seq-window.js';

/** One connection of a session, attached to this node. */
export class LiveSession {
  /** Highest seq written to this connection. */
  cursor: number;
  mode: 'catch-up' | 'live' = 'catch-up';
  dirty = false;
  closed = false;
  /** Seqs written to this connection and not yet acknowledged, to count acknowledgements. */
  readonly unacked = new SeqWindow();

  constructor(
    readonly sessionId: string,
    readonly appId: string,
    readonly outlet: Outlet,
    cursor: number,
    /** When this connection attached (the delivery clock), shown as "connected since". */
    readonly since: number,
  ) {
    this.cursor = cursor;
  }
}

/** What Delivery reports as it works (metrics). Implemented outside core, so core needs no metrics library. */
export interface DeliveryMetrics {
  /** `count` notifications were written to connections of app `appId`. */
  delivered(appId: string, count: number): void;
  /** A notification dispatched live reached its live recipients on this node `ms` after it was accepted. */
  latency(ms: number): void;
  /** Clients of app `appId` acknowledged `count` notifications written to their current connection. */
  acknowledged(appId: string, count: number): void;
}

export interface DeliveryOptions {
  /** Entries read per catch-up round. */
  readBatch: number;
  now: () => number;
  onError: (err: unknown, context: string) => void;
  metrics?: DeliveryMetrics;
}

export class Delivery {
  private readonly live = new Map<string, LiveSession>();
  private marks = new Map<string, number>();
  private marksScheduled = false;
  private acks = new Map<string, number>();
  private acksScheduled = false;

  constructor(
    private readonly storage: Storage,
    private readonly options: DeliveryOptions,
  ) {}

  /** Live connections on this node. */
  get size(): number {
    return this.live.size;
  }

  get(sessionId: string): LiveSession | undefined {
    return this.live.get(sessionId);
  }

  sessions(): IterableIterator<LiveSession> {
    return this.live.values();
  }

  /** Attaches a connection to a session, replacing (and closing) any earlier connection of it, and starts catch-up from `cursor`. */
  attach(sessionId: string, appId: string, outlet: Outlet, cursor: number): LiveSession {
    const previous = this.live.get(sessionId);
    if (previous) {
      previous.closed = true;
      previous.outlet.close(CloseCode.SessionTakenOver, 'session resumed by another connection');
    }
    const ls = new LiveSession(sessionId, appId, outlet, cursor, this.options.now());
    this.live.set(sessionId, ls);
    void this.catchUp(ls);
    return ls;
  }

  /** Forgets a connection; returns true when it was the session's current one. */
  detach(ls: LiveSession): boolean {
    ls.closed = true;
    if (this.live.get(ls.sessionId) !== ls) return false;
    this.live.delete(ls.sessionId);
    return true;
  }

  /** After a publish committed: writes the pre-built frame to every live recipient on this node. `acceptedAt` (ms) feeds the latency metric. */
  dispatch(recipients: Iterable<string>, seq: number, frame: string, acceptedAt?: number): void {
    let written = 0;
    let appId = '';
    for (const id of recipients) {
      const ls = this.live.get(id);
      if (!ls) continue;
      if (ls.mode === 'live') {
        if (seq > ls.cursor) {
          this.write(ls, seq, frame);
          written++;
          appId = ls.appId;
        }
      } else {
        ls.dirty = true;
      }
    }
    const metrics = this.options.metrics;
    if (metrics && written > 0) {
      // One publish addresses sessions of one app, so one report covers the whole fan-out.
      metrics.delivered(appId, written);
      if (acceptedAt !== undefined) metrics.latency(this.options.now() - acceptedAt);
    }
  }

  /** New entries exist for the session but their content is not at hand (another node published): read them. */
  wake(sessionId: string): void {
    const ls = this.live.get(sessionId);
    if (!ls) return;
    if (ls.mode === 'live') void this.catchUp(ls);
    else ls.dirty = true;
  }

  /** Cumulative acknowledgement from a client, coalesced per session into one storage write per tick. */
  ack(sessionId: string, seq: number): void {
    const prev = this.acks.get(sessionId);
    if (prev !== undefined && prev >= seq) return;
    const ls = this.live.get(sessionId);
    if (ls && this.options.metrics) {
      const count = ls.unacked.acknowledge(seq);
      if (count > 0) this.options.metrics.acknowledged(ls.appId, count);
    }
    this.acks.set(sessionId, seq);
    if (!this.acksScheduled) {
      this.acksScheduled = true;
      setImmediate(() => this.flushAcks());
    }
  }

  /** Writes pending acknowledgements and sent marks now (graceful shutdown). */
  async flush(): Promise<void> {
    await Promise.all([this.flushAcks(), this.flushMarks()]);
  }

  private async catchUp(ls: LiveSession): Promise<void> {
    ls.mode = 'catch-up';
    try {
      for (;;) {
        ls.dirty = false;
        const entries = await this.storage.readInbox(ls.sessionId, ls.cursor, this.options.readBatch, this.options.now());
        if (ls.closed) return;
        let written = 0;
        for (const entry of entries) {
          // A replay larger than the transport's buffer waits for the client to take it in, instead of
          // overflowing (which would close the connection, and the next connection would replay it again).
          if (ls.outlet.congested) break;
          if (entry.seq > ls.cursor) {
            this.write(ls, entry.seq, notificationFrame(entry.seq, entry.json));
            written++;
          }
        }
        if (written > 0) this.options.metrics?.delivered(ls.appId, written);
        if (ls.outlet.congested && ls.outlet.drained) {
          await ls.outlet.drained();
          if (ls.closed) return;
          continue;
        }
        if (entries.length < this.options.readBatch && !ls.dirty) break;
      }
      ls.mode = 'live';
    } catch (err) {
      this.options.onError(err, 'inbox read');
      if (!ls.closed) ls.outlet.close(CloseCode.OverCapacity, 'storage unavailable, reconnect later');
    }
  }

  private write(ls: LiveSession, seq: number, frame: string): void {
    ls.cursor = seq;
    ls.outlet.send(frame, seq);
    if (this.options.metrics) ls.unacked.push(seq);
    this.marks.set(ls.sessionId, seq);
    if (!this.marksScheduled) {
      this.marksScheduled = true;
      setImmediate(() => void this.flushMarks());
    }
  }

  private async flushMarks(): Promise<void> {
    this.marksScheduled = false;
    if (this.marks.size === 0) return;
    const batch = [...this.marks].map(([sessionId, seq]) => ({ sessionId, seq }));
    this.marks = new Map();
    try {
      await this.storage.markSent(batch);
    } catch (err) {
      this.options.onError(err, 'mark sent');
    }
  }

  private async flushAcks(): Promise<void> {
    this.acksScheduled = false;
    if (this.acks.size === 0) return;
    const batch = [...this.acks];
    this.acks = new Map();
    await Promise.all(
      batch.map(async ([sessionId, seq]) => {
        try {
          await this.storage.ack(sessionId, seq, this.options.now());
        } catch (err) {
          // The entries stay in the inbox and are sent again on reconnect; the client drops duplicates.
          this.options.onError(err, 'ack');
        }
      }),
    );
  }
}
