import type { Opportunity, Store, TradeRecord } from '../../shared/store/index.ts';
import type { EngineApi, LiveMetrics } from './api.ts';

/**
 * The live side of the console (`/v1/stream`): one hub per edge, shared by every WebSocket client,
 * so ten open consoles cost one status build and one store poll per tick, not ten.
 *
 * - `status`: the /v1/status document every `statusMs` (500) and at once after any change.
 * - `opportunities` / `trades`: rows as they land in the store. The recorder commits in batches of
 *   ≤ 50 ms and the hub polls every `pollMs` (50), so a row reaches the console ≲ 100 ms after it
 *   was decided. Polling the store, rather than tapping the recorder, means the stream shows exactly
 *   what REST will return later, whichever process wrote it (an executor's intents, a MongoDB shared
 *   by two engines).
 * - `metrics`: latency summaries every `metricsMs` (1000).
 *
 * Timers run only while someone listens. A poll that fails (the store closing under a shutdown) is
 * reported through `onError` and retried at the next tick; the stream itself stays up.
 */
export const TOPICS = ['status', 'opportunities', 'trades', 'metrics'] as const;
export type Topic = (typeof TOPICS)[number];

export interface StreamClient {
  topics: ReadonlySet<Topic>;
  send(text: string): void;
}

export interface StreamIntervals {
  statusMs: number;
  pollMs: number;
  metricsMs: number;
}

export const DEFAULT_INTERVALS: StreamIntervals = { statusMs: 500, pollMs: 50, metricsMs: 1000 };

// Rows may land after rows with a later timestamp (another producer's batch, a retried write):
// each poll re-reads this far behind the newest row seen and skips ids it already pushed. A row
// landing later than this after its own timestamp (a badly backlogged store) is on REST, not here.
const OPPORTUNITY_LOOKBACK_MS = 5_000;
// Trades change state after they are created (fills, hedges): recent trades are re-read every poll
// and pushed again whenever `updated_ts_ms` moves.
const TRADE_HORIZON_MS = 15 * 60_000;

export class StreamHub {
  private readonly clients = new Set<StreamClient>();
  private timers: NodeJS.Timeout[] = [];
  private readonly busy = new Set<Topic>();
  private seenOpps = new Map<string, number>();
  private oppWatermark = 0;
  private oppPrimed = false;
  private tradeVersions = new Map<string, number>();
  private tradePrimed = false;
  private statusQueued = false;

  constructor(
    private readonly o: {
      engine: EngineApi;
      store: Store | undefined;
      nowMs: () => number;
      intervals?: Partial<StreamIntervals>;
      onError?: (topic: Topic, e: unknown) => void;
    },
  ) {}

  get size(): number {
    return this.clients.size;
  }

  /** Register a client; returns its removal. The first status goes out at once. */
  add(client: StreamClient): () => void {
    this.clients.add(client);
    if (this.timers.length === 0) this.startTimers();
    if (client.topics.has('status')) void this.tick('status', () => this.pushStatus([client]));
    return () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.stopTimers();
    };
  }

  /** Something changed (a control, a config, an incident): push status now, coalesced per tick. */
  changed(): void {
    if (this.statusQueued || !this.wanted('status')) return;
    this.statusQueued = true;
    setImmediate(() => {
      this.statusQueued = false;
      void this.tick('status', () => this.pushStatus());
    });
  }

  close(): void {
    this.stopTimers();
    this.clients.clear();
  }

  private startTimers(): void {
    const iv = { ...DEFAULT_INTERVALS, ...this.o.intervals };
    this.timers = [
      setInterval(() => void this.tick('status', () => this.pushStatus()), iv.statusMs),
      setInterval(() => void this.tick('opportunities', () => this.pollOpportunities()), iv.pollMs),
      setInterval(() => void this.tick('trades', () => this.pollTrades()), iv.pollMs),
      setInterval(() => void this.tick('metrics', () => this.pushMetrics()), iv.metricsMs),
    ];
    for (const t of this.timers) t.unref();
  }

  private stopTimers(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    // A hub that restarts later primes again rather than replaying what it missed meanwhile.
    this.oppPrimed = this.tradePrimed = false;
    this.seenOpps.clear();
    this.tradeVersions.clear();
  }

  private wanted(topic: Topic): boolean {
    for (const c of this.clients) if (c.topics.has(topic)) return true;
    return false;
  }

  /** Run one step of a topic unless one is still in flight or nobody listens; errors are reported. */
  private async tick(topic: Topic, step: () => Promise<void>): Promise<void> {
    if (this.busy.has(topic) || !this.wanted(topic)) return;
    this.busy.add(topic);
    try {
      await step();
    } catch (e) {
      this.o.onError?.(topic, e);
    } finally {
      this.busy.delete(topic);
    }
  }

  private broadcast(topic: Topic, data: unknown, only?: readonly StreamClient[]): void {
    const text = JSON.stringify({ topic, ts_ms: this.o.nowMs(), data });
    for (const c of only ?? this.clients) if (c.topics.has(topic)) c.send(text);
  }

  private async pushStatus(only?: readonly StreamClient[]): Promise<void> {
    this.broadcast('status', await this.o.engine.status(), only);
  }

  private async pushMetrics(): Promise<void> {
    const m: LiveMetrics = (await this.o.engine.liveMetrics?.()) ?? { tick_to_signal_us: {}, detect_to_fill_ms: {} };
    this.broadcast('metrics', m);
  }

  private async pollOpportunities(): Promise<void> {
    const store = this.o.store;
    if (!store) return;
    const from_ms = (this.oppPrimed ? this.oppWatermark : this.o.nowMs()) - OPPORTUNITY_LOOKBACK_MS;
    const fresh: Opportunity[] = [];
    let page = await store.listOpportunities({ from_ms, limit: 1000 });
    for (let pages = 1; ; pages++) {
      for (const o of page.items) {
        if (this.seenOpps.has(o.id)) continue;
        this.seenOpps.set(o.id, o.ts_ms);
        if (o.ts_ms > this.oppWatermark) this.oppWatermark = o.ts_ms;
        fresh.push(o);
      }
      if (page.next_cursor === null || pages >= 3) break;
      page = await store.listOpportunities({ from_ms, limit: 1000, cursor: page.next_cursor });
    }
    const horizon = this.oppWatermark - OPPORTUNITY_LOOKBACK_MS;
    for (const [id, ts] of this.seenOpps) if (ts < horizon) this.seenOpps.delete(id);
    // The first poll only learns what is already there: history is REST's job.
    if (this.oppPrimed && fresh.length > 0) this.broadcast('opportunities', fresh.reverse());
    this.oppPrimed = true;
  }

  private async pollTrades(): Promise<void> {
    const store = this.o.store;
    if (!store) return;
    const page = await store.listTrades({ from_ms: this.o.nowMs() - TRADE_HORIZON_MS, limit: 1000 });
    const changed: TradeRecord[] = [];
    const next = new Map<string, number>();
    for (const t of page.items) {
      next.set(t.trade_key, t.updated_ts_ms);
      if (this.tradeVersions.get(t.trade_key) !== t.updated_ts_ms) changed.push(t);
    }
    this.tradeVersions = next;
    if (this.tradePrimed && changed.length > 0) this.broadcast('trades', changed.reverse());
    this.tradePrimed = true;
  }
}
