import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { BookSet, type OrderBook } from '../../../shared/book/index.ts';
import type { Clock } from '../../../shared/clock.ts';
import { BookTop, FeedHealth, FeedState, Flag, Venue, askIndex, type BookTopView, type FeedHealthView, type VenueName } from '../../../shared/messages/index.ts';
import type { Logger } from '../../../shared/log.ts';
import type { Output } from '../../runtime/actor.ts';
import { WsSession } from './ws-session.ts';

/**
 * The venue-independent half of a CEX feed actor: one socket for every asset on the venue, a local
 * book per market-data symbol, and after every applied update a BookTop for each asset that trades
 * that symbol, written straight into the asset's ring. It also owns staleness (a book with no update
 * for `stale_ms` is stale; the signal gates on receive times too), resyncs (counted), FeedHealth on
 * every state change, and optional recording of raw frames with their receive time.
 *
 * The venue half (`FeedAdapter`) only knows its wire: what to send on open, how to apply a frame.
 */
export interface FeedRoute {
  asset: string;
  asset_index: number;
  /** Market-data symbol as the venue spells it on the socket. */
  symbol: string;
  depth: number;
}

export interface FeedContext {
  readonly books: BookSet;
  /** Levels for `symbol` were applied: check, then publish. `exchTimeMs` 0 when unknown. */
  applied(symbol: string, exchTimeMs: number, recvUs: number): void;
  /** Something proves the socket is alive without changing a book (heartbeat, ack). */
  alive(): void;
  /** The books on this socket can no longer be trusted (gap, crossed book): rebuild them. */
  resync(reason: string): void;
  send(text: string): void;
  log: Logger;
}

export interface FeedAdapter {
  readonly venue: VenueName;
  /** Full socket URL for the configured base URL. */
  url(base: string, symbols: readonly string[]): string;
  onOpen(ctx: FeedContext, symbols: readonly string[]): void;
  onFrame(text: string, recvUs: number, ctx: FeedContext): void;
  /** Client-side duty every `tickMs` (Bitstamp's heartbeat is client-sent). */
  readonly tickMs?: number;
  onTick?(ctx: FeedContext): void;
  /** New connection: forget per-connection state (sequence numbers, first-snapshot flags). */
  reset(): void;
}

export interface BookFeedOptions {
  adapter: FeedAdapter;
  wsUrl: string;
  routes: FeedRoute[];
  /** Output rings: market data per asset index, FeedHealth to the recorder. */
  assetOutputs: Map<number, Output[]>;
  healthOutputs: Output[];
  clock: Clock;
  random: () => number;
  log: Logger;
  staleMs: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  recordDir?: string;
}

const ALL_ASSETS = 0xffff;

export class BookFeed {
  readonly books: BookSet;
  private readonly session: WsSession;
  private readonly bySymbol = new Map<string, FeedRoute[]>();
  private readonly symbols: string[];
  private readonly lastUpdateUs = new Map<string, number>();
  private readonly state = new Map<number, number>();
  private readonly top: BookTopView = new BookTop();
  private readonly health: FeedHealthView = new FeedHealth();
  private readonly scratchBids: Float64Array;
  private readonly scratchAsks: Float64Array;
  private readonly ctx: FeedContext;
  private readonly venueId: number;
  private staleTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private recorder: WriteStream | undefined;
  private seq = 0;
  private connState: number = FeedState.connecting;
  messages = 0;
  bookUpdates = 0;
  resyncs = 0;
  lastRttMs = 0;

  constructor(private readonly o: BookFeedOptions) {
    for (const r of o.routes) this.bySymbol.set(r.symbol, [...(this.bySymbol.get(r.symbol) ?? []), r]);
    this.symbols = [...this.bySymbol.keys()];
    this.books = new BookSet(this.symbols);
    this.venueId = Venue[o.adapter.venue];
    const maxDepth = Math.max(1, ...o.routes.map((r) => r.depth));
    this.scratchBids = new Float64Array(2 * maxDepth);
    this.scratchAsks = new Float64Array(2 * maxDepth);
    this.ctx = {
      books: this.books,
      applied: (symbol, exchTimeMs, recvUs) => this.onApplied(symbol, exchTimeMs, recvUs),
      alive: () => undefined,
      resync: (reason) => this.resync(reason),
      send: (t) => this.session.send(t),
      log: o.log,
    };
    this.session = new WsSession({
      url: o.adapter.url(o.wsUrl, this.symbols),
      clock: o.clock,
      random: o.random,
      initialBackoffMs: o.reconnectInitialMs,
      maxBackoffMs: o.reconnectMaxMs,
      onOpen: () => {
        o.adapter.reset();
        o.log.info({ url: o.wsUrl }, 'feed connected');
        o.adapter.onOpen(this.ctx, this.symbols);
      },
      onFrame: (text, recvUs) => {
        this.messages++;
        this.recorder?.write(`{"recv_us":${recvUs},"frame":${JSON.stringify(text)}}\n`);
        o.adapter.onFrame(text, recvUs, this.ctx);
      },
      onClose: (why) => {
        o.log.warn({ why }, 'feed disconnected');
        for (const s of this.symbols) this.books.get(s)!.clear();
        this.lastUpdateUs.clear();
        this.setConnState(FeedState.down);
      },
    });
  }

  start(): void {
    if (this.o.recordDir) {
      mkdirSync(this.o.recordDir, { recursive: true });
      this.recorder = createWriteStream(join(this.o.recordDir, `${this.o.adapter.venue}-${this.o.clock.nowMs()}.jsonl`), { flags: 'a' });
    }
    this.session.start();
    const every = Math.max(20, Math.min(250, this.o.staleMs / 4));
    this.staleTimer = setInterval(() => this.checkStale(), every);
    if (this.o.adapter.tickMs && this.o.adapter.onTick) {
      this.tickTimer = setInterval(() => this.o.adapter.onTick!(this.ctx), this.o.adapter.tickMs);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.staleTimer);
    clearInterval(this.tickTimer);
    this.session.stop();
    if (this.recorder) await new Promise<void>((r) => this.recorder!.end(() => r()));
  }

  /** Drop the socket's books and start over from a fresh connection (and a fresh snapshot). */
  resync(reason: string): void {
    this.resyncs++;
    this.o.log.warn({ reason, resyncs: this.resyncs }, 'book resync');
    this.setConnState(FeedState.resyncing);
    this.session.reconnectNow(`resync: ${reason}`);
  }

  private onApplied(symbol: string, exchTimeMs: number, recvUs: number): void {
    const book = this.books.get(symbol);
    const routes = this.bySymbol.get(symbol);
    if (!book || !routes) return;
    if (book.isCrossed()) {
      this.resync(`crossed book on ${symbol}: bid ${book.bestBid()} ≥ ask ${book.bestAsk()}`);
      return;
    }
    this.bookUpdates++;
    this.lastUpdateUs.set(symbol, recvUs);
    this.setConnState(FeedState.live);
    for (const r of routes) {
      if (this.state.get(r.asset_index) !== FeedState.live) this.setAssetState(r.asset_index, FeedState.live, 0);
      const outs = this.o.assetOutputs.get(r.asset_index);
      if (outs) for (const out of outs) this.publishTop(out, book, r, exchTimeMs, recvUs);
    }
  }

  private publishTop(out: Output, book: OrderBook, r: FeedRoute, exchTimeMs: number, recvUs: number): void {
    const n = r.depth;
    const bids = this.scratchBids;
    const asks = this.scratchAsks;
    // Top-N goes into preallocated scratch arrays, then into the ring record: the record's
    // position changes every time, and a subarray view per message would allocate.
    const counts = book.writeTop(bids, asks, n);
    const v = this.top.begin(out.producer, n);
    v.seq = ++this.seq;
    v.exchTimeMs = exchTimeMs;
    v.recvUs = recvUs;
    v.venue = this.venueId;
    v.asset = r.asset_index;
    v.bidCount = counts.bids;
    v.askCount = counts.asks;
    const f64 = out.producer.mem.f64;
    const b0 = v.tailIndex;
    const a0 = askIndex(v);
    for (let i = 0; i < 2 * n; i++) {
      f64[b0 + i] = bids[i]!;
      f64[a0 + i] = asks[i]!;
    }
    out.publish();
  }

  private checkStale(): void {
    const now = this.o.clock.monoUs();
    for (const [symbol, routes] of this.bySymbol) {
      const last = this.lastUpdateUs.get(symbol);
      const ageMs = last === undefined ? Infinity : (now - last) / 1000;
      if (ageMs > this.o.staleMs) {
        for (const r of routes) if (this.state.get(r.asset_index) === FeedState.live) this.setAssetState(r.asset_index, FeedState.stale, ageMs);
      }
    }
  }

  /** Staleness per asset in seconds (for metrics); Infinity before the first update. */
  stalenessSec(assetIndex: number): number {
    let worst = 0;
    const now = this.o.clock.monoUs();
    for (const [symbol, routes] of this.bySymbol) {
      if (!routes.some((r) => r.asset_index === assetIndex)) continue;
      const last = this.lastUpdateUs.get(symbol);
      worst = Math.max(worst, last === undefined ? Infinity : (now - last) / 1e6);
    }
    return worst;
  }

  assetState(assetIndex: number): number {
    return this.state.get(assetIndex) ?? FeedState.connecting;
  }

  private setConnState(s: number): void {
    if (s === this.connState) return;
    this.connState = s;
    if (s !== FeedState.live) for (const r of this.o.routes) this.setAssetState(r.asset_index, s, 0);
    this.publishHealth(ALL_ASSETS, s, 0, this.o.healthOutputs);
  }

  private setAssetState(assetIndex: number, s: number, stalenessMs: number): void {
    if (this.state.get(assetIndex) === s) return;
    this.state.set(assetIndex, s);
    this.o.log.info({ asset_index: assetIndex, state: s }, 'feed state');
    this.publishHealth(assetIndex, s, stalenessMs, [...this.o.healthOutputs, ...(this.o.assetOutputs.get(assetIndex) ?? [])]);
  }

  private publishHealth(assetIndex: number, s: number, stalenessMs: number, outs: Output[]): void {
    for (const out of outs) {
      const h = this.health.begin(out.producer);
      h.seq = ++this.seq;
      h.recvUs = this.o.clock.monoUs();
      h.exchTimeMs = this.o.clock.nowMs();
      h.venue = this.venueId;
      h.asset = assetIndex;
      h.state = s;
      h.resyncs = this.resyncs;
      h.stalenessMs = Number.isFinite(stalenessMs) ? stalenessMs : -1;
      h.rttMs = this.lastRttMs;
      h.messages = this.messages;
      out.publish();
    }
  }
}
