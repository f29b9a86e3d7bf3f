import { ASSET_SPECS, type Asset, type AssetSpec, CEX_VENUES, type CexVenue, type Venue } from './assets.ts';
import { Book, type BookShape, DEFAULT_BOOK_SHAPE, evolveBook, type Fill, type L2Change, type Level, takeLiquidity } from './book.ts';
import { type AutoDislocations, type DislocationSpec, type TruthWindow, type WindowSizer, arbDirection, counterparties } from './dislocations.ts';
import { Follower, type FollowerParams, Fundamental } from './price.ts';
import { type Rng, streamRng } from './rng.ts';
import type { Scheduler, Timer } from './scheduler.ts';
import { StableMarket } from './stable.ts';

export interface TradePrint {
  id: number;
  /** Taker side. */
  side: 'buy' | 'sell';
  price: number;
  size: number;
}

export interface BookUpdate {
  kind: 'book';
  seq: number;
  ts_ms: number;
  /** Strictly increasing across the model, so Bitstamp-style microtimestamp alignment is unambiguous. */
  micros: number;
  venue: CexVenue;
  asset: Asset;
  changes: L2Change[];
  trades: TradePrint[];
}

export interface PoolUpdate {
  kind: 'pool';
  seq: number;
  ts_ms: number;
  slot: number;
  asset: Asset;
  price: number;
}

export type MarketEvent = BookUpdate | PoolUpdate;

export interface BookSnapshot {
  bids: Level[];
  asks: Level[];
  micros: number;
  ts_ms: number;
}

export interface MarketOptions {
  seed: number;
  scheduler: Scheduler;
  assets?: readonly Asset[];
  tick_ms?: number;
  slot_ms?: number;
  book_shape?: BookShape;
  followers?: Partial<Record<Venue, FollowerParams>>;
  /** Seeded random dislocations; off unless given (tests inject their own). */
  auto_dislocations?: AutoDislocations;
  /** Probability that a book update carries a taker trade at the touch. */
  trade_prob?: number;
}

export const DEFAULT_FOLLOWERS: Record<Venue, FollowerParams> = {
  coinbase: { lag_ms: 150, noise_bps: 0.5, noise_tau_ms: 2_000 },
  gemini: { lag_ms: 400, noise_bps: 1, noise_tau_ms: 3_000 },
  bitstamp: { lag_ms: 600, noise_bps: 1.5, noise_tau_ms: 3_000 },
  dex: { lag_ms: 1_500, noise_bps: 2, noise_tau_ms: 5_000 },
};

interface BookState {
  book: Book;
  rng: Rng;
  micros: number;
  ts_ms: number;
}

interface AssetState {
  spec: AssetSpec;
  fundamental: Fundamental;
  followers: Record<Venue, Follower>;
  books: Record<CexVenue, BookState>;
}

type Listener = (e: MarketEvent) => void;

/** The seeded market behind every simulated venue. Same seed + same scheduler steps → same events. */
export class MarketModel {
  readonly assets: readonly Asset[];
  private readonly state = new Map<Asset, AssetState>();
  private readonly listeners = new Set<Listener>();
  private readonly windows: TruthWindow[] = [];
  private readonly dislocRng: Rng;
  private readonly tick_ms: number;
  private readonly slot_ms: number;
  private readonly shape: BookShape;
  private readonly trade_prob: number;
  private timers: Timer[] = [];
  private tickTimer: Timer | undefined;
  private external = false;
  private seq = 0;
  private last_micros = 0;
  private trade_id = 1;
  private slot = 300_000_000;
  private nextWindow = 1;
  private sizer: WindowSizer | undefined;
  /** USDC/USD (Bitstamp `usdcusd`), the engine's USD vs USDC basis; its depeg also moves the USDC-quoted pools. */
  readonly usdc: StableMarket;

  constructor(private readonly opts: MarketOptions) {
    this.assets = opts.assets ?? ['SOL', 'BTC', 'ETH'];
    this.tick_ms = opts.tick_ms ?? 100;
    this.slot_ms = opts.slot_ms ?? 400;
    this.shape = opts.book_shape ?? DEFAULT_BOOK_SHAPE;
    this.trade_prob = opts.trade_prob ?? 0.1;
    this.dislocRng = streamRng(opts.seed, 'dislocations');
    const now = opts.scheduler.clock.nowMs();
    for (const asset of this.assets) {
      const spec = ASSET_SPECS[asset];
      const f = new Fundamental(spec.initial_price, spec.vol_bps_per_sqrt_s, streamRng(opts.seed, `fundamental:${asset}`));
      const mk = (v: Venue): Follower =>
        new Follower(spec.initial_price, { ...DEFAULT_FOLLOWERS[v], ...opts.followers?.[v] }, streamRng(opts.seed, `follow:${v}:${asset}`));
      const followers = { coinbase: mk('coinbase'), gemini: mk('gemini'), bitstamp: mk('bitstamp'), dex: mk('dex') };
      const mkBook = (v: CexVenue): BookState => {
        const st: BookState = { book: new Book(), rng: streamRng(opts.seed, `book:${v}:${asset}`), micros: this.nextMicros(now), ts_ms: now };
        evolveBook(st.book, spec, spec.initial_price, st.rng, this.shape);
        return st;
      };
      this.state.set(asset, { spec, fundamental: f, followers, books: { coinbase: mkBook('coinbase'), gemini: mkBook('gemini'), bitstamp: mkBook('bitstamp') } });
    }
    // The stable book steps once per pool slot, driven by the model's own slot events: it starts,
    // stops and replays with the model without a timer of its own.
    this.usdc = new StableMarket(streamRng(opts.seed, 'stable:USDC'), now);
    let stableSlot = -1;
    this.listeners.add((e) => {
      if (e.kind !== 'pool' || e.slot === stableSlot) return;
      stableSlot = e.slot;
      this.usdc.step(e.ts_ms);
    });
  }

  start(): void {
    if (this.timers.length > 0) return;
    // Tick before slot: at an instant where both are due, the pools see that tick's prices.
    if (!this.external) this.tickTimer = this.opts.scheduler.every(this.tick_ms, () => this.step());
    this.timers.push(this.opts.scheduler.every(this.slot_ms, () => this.emitPools()));
  }

  stop(): void {
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.tickTimer?.cancel();
    this.tickTimer = undefined;
  }

  /**
   * Hand the book ticks to an outside driver (the load generator, `load.ts`), which calls
   * `step(dt_ms)` at its own rate; `false` gives them back to the model's `tick_ms` timer. Both at
   * once would run model time faster than wall time. Pool slots stay on their own timer either way.
   */
  setExternalStepping(on: boolean): void {
    this.external = on;
    const running = this.timers.length > 0;
    if (on) {
      this.tickTimer?.cancel();
      this.tickTimer = undefined;
    } else if (running && this.tickTimer === undefined) {
      this.tickTimer = this.opts.scheduler.every(this.tick_ms, () => this.step());
    }
  }

  /** Books per step: every simulated (CEX venue, asset) book publishes one update per step. */
  get booksPerStep(): number {
    return CEX_VENUES.length * this.assets.length;
  }

  /** Measures each active window's eligible size every tick (set once the pools exist). */
  setSizer(fn: WindowSizer): void {
    this.sizer = fn;
  }

  onEvent(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  nowMs(): number {
    return this.opts.scheduler.clock.nowMs();
  }

  spec(asset: Asset): AssetSpec {
    return this.st(asset).spec;
  }

  hasAsset(asset: string): asset is Asset {
    return this.state.has(asset as Asset);
  }

  fundamental(asset: Asset): number {
    return this.st(asset).fundamental.price;
  }

  dexPrice(asset: Asset): number {
    // Pools quote in USDC: when USDC depegs to (1 + d) USD, the same USD price is 1/(1 + d) as many USDC.
    const d = this.usdc.depegBps();
    const usd = this.st(asset).followers.dex.price(this.offset(asset, 'dex'));
    return d === 0 ? usd : usd / (1 + d / 1e4);
  }

  /** Mid of a CEX book in price units, or the DEX pool price. */
  mid(venue: Venue, asset: Asset): number {
    if (venue === 'dex') return this.dexPrice(asset);
    const st = this.st(asset);
    const b = st.books[venue].book;
    const bid = b.best('bid');
    const ask = b.best('ask');
    if (bid === undefined || ask === undefined) return st.followers[venue].price(0);
    return (bid + ask) / 2 / 10 ** st.spec.price_decimals;
  }

  snapshot(venue: CexVenue, asset: Asset, depth = Infinity): BookSnapshot {
    const b = this.st(asset).books[venue];
    return { bids: b.book.levels('bid', depth), asks: b.book.levels('ask', depth), micros: b.micros, ts_ms: b.ts_ms };
  }

  /** Read-only access for invariant checks in tests. */
  book(venue: CexVenue, asset: Asset): Book {
    return this.st(asset).books[venue].book;
  }

  /**
   * A market-wide move: the asset's fundamental price jumps by `bps` at once; every venue follows
   * with its own lag (a flash move, for the engine's anomaly gate). Not a dislocation: no truth window.
   */
  jump(asset: Asset, bps: number): void {
    this.st(asset).fundamental.price *= 1 + bps / 1e4;
  }

  /** Schedule a dislocation; returns its ground-truth id. */
  dislocate(spec: DislocationSpec): string {
    if (!this.state.has(spec.asset)) throw new RangeError(`dislocate: asset ${spec.asset} is not simulated`);
    const start = this.opts.scheduler.clock.nowMs() + (spec.delay_ms ?? 0);
    const w: TruthWindow = {
      id: `d${this.nextWindow++}`,
      asset: spec.asset,
      venues: [spec.venue, ...counterparties(spec.venue)],
      dislocated_venue: spec.venue,
      start_ms: start,
      end_ms: start + spec.duration_ms,
      direction: arbDirection(spec.venue, spec.bps),
      requested_bps: spec.bps,
      peak_edge_bps: 0,
      eligible_size: null,
      eligible_notional_usd: null,
      eligible_cex: null,
      state: 'scheduled',
    };
    this.windows.push(w);
    return w.id;
  }

  truth(): TruthWindow[] {
    return this.windows.map((w) => ({ ...w, venues: [...w.venues] }));
  }

  /**
   * A taker order against the simulated book (the matching engine's only entry point): takes
   * resting liquidity up to `limit` ticks and `max_lots`, publishes the resulting L2 changes and
   * trade prints, and returns the fills.
   */
  take(venue: CexVenue, asset: Asset, taker: 'buy' | 'sell', limit: number, max_lots: number): Fill[] {
    const bs = this.st(asset).books[venue];
    const { fills, changes } = takeLiquidity(bs.book, taker === 'buy' ? 'ask' : 'bid', limit, max_lots);
    if (fills.length > 0) {
      const trades = fills.map((f) => ({ id: this.trade_id++, side: taker, price: f.price, size: f.size }));
      this.publishBook(venue, asset, bs, changes, trades);
    }
    return fills;
  }

  /**
   * One model tick of `dt_ms` model time (default `tick_ms`); public so a test can drive the model
   * without a scheduler, and so the load generator can tick faster with a shorter `dt_ms` while
   * model time keeps pace with wall time.
   */
  step(dt_ms: number = this.tick_ms): void {
    const now = this.opts.scheduler.clock.nowMs();
    this.advanceWindows(now);
    this.maybeAutoDislocate(dt_ms);
    for (const asset of this.assets) {
      const st = this.st(asset);
      st.fundamental.step(dt_ms);
      for (const v of [...CEX_VENUES, 'dex'] as const) st.followers[v].step(st.fundamental.price, dt_ms);
      for (const v of CEX_VENUES) {
        const bs = st.books[v];
        const target = st.followers[v].price(this.offset(asset, v));
        const changes = evolveBook(bs.book, st.spec, target, bs.rng, this.shape);
        const trades: TradePrint[] = [];
        if (bs.rng.chance(this.trade_prob)) this.touchTrade(bs, changes, trades);
        this.publishBook(v, asset, bs, changes, trades);
      }
    }
    this.measureWindows();
  }

  private touchTrade(bs: BookState, changes: L2Change[], trades: TradePrint[]): void {
    const taker = bs.rng.chance(0.5) ? 'buy' : 'sell';
    const side = taker === 'buy' ? 'ask' : 'bid';
    const top = bs.book.levels(side, 1)[0];
    if (top === undefined || top.size < 2) return;
    const size = Math.max(1, Math.floor(top.size * (0.05 + 0.5 * bs.rng.uniform())));
    bs.book.set(side, top.price, top.size - size);
    const i = changes.findIndex((c) => c.side === side && c.price === top.price);
    if (i >= 0) changes.splice(i, 1);
    changes.push({ side, price: top.price, size: top.size - size });
    trades.push({ id: this.trade_id++, side: taker, price: top.price, size });
  }

  private publishBook(venue: CexVenue, asset: Asset, bs: BookState, changes: L2Change[], trades: TradePrint[]): void {
    if (changes.length === 0 && trades.length === 0) return;
    const ts = this.opts.scheduler.clock.nowMs();
    bs.micros = this.nextMicros(ts);
    bs.ts_ms = ts;
    this.emit({ kind: 'book', seq: this.seq++, ts_ms: ts, micros: bs.micros, venue, asset, changes, trades });
  }

  private emitPools(): void {
    this.slot++;
    const ts = this.opts.scheduler.clock.nowMs();
    for (const asset of this.assets) {
      this.emit({ kind: 'pool', seq: this.seq++, ts_ms: ts, slot: this.slot, asset, price: this.dexPrice(asset) });
    }
  }

  private emit(e: MarketEvent): void {
    for (const fn of this.listeners) fn(e);
  }

  private nextMicros(ts_ms: number): number {
    this.last_micros = Math.max(ts_ms * 1000, this.last_micros + 1);
    return this.last_micros;
  }

  private offset(asset: Asset, venue: Venue): number {
    let bps = 0;
    for (const w of this.windows) if (w.state === 'active' && w.asset === asset && w.dislocated_venue === venue) bps += w.requested_bps;
    return bps;
  }

  private advanceWindows(now: number): void {
    for (const w of this.windows) {
      if (w.state === 'scheduled' && now >= w.start_ms) {
        // Ground truth starts when the move first reaches the books, i.e. at this tick.
        const duration = w.end_ms - w.start_ms;
        w.start_ms = now;
        w.end_ms = now + duration;
        w.state = 'active';
      } else if (w.state === 'active' && now >= w.end_ms) {
        w.end_ms = now;
        w.state = 'ended';
      }
    }
  }

  private measureWindows(): void {
    for (const w of this.windows) {
      if (w.state !== 'active') continue;
      const own = this.mid(w.dislocated_venue, w.asset);
      const others = counterparties(w.dislocated_venue).map((v) => this.mid(v, w.asset));
      const ref = others.reduce((a, b) => a + b, 0) / others.length;
      const edge = ((own - ref) / ref) * 1e4 * Math.sign(w.requested_bps);
      if (edge > w.peak_edge_bps) w.peak_edge_bps = Math.round(edge * 100) / 100;
      const e = this.sizer?.(w);
      if (e !== undefined && (w.eligible_size === null || e.size > w.eligible_size)) {
        w.eligible_size = e.size;
        w.eligible_notional_usd = Math.round(e.notional_usd * 100) / 100;
        w.eligible_cex = e.cex;
      }
    }
  }

  private maybeAutoDislocate(dt_ms: number): void {
    const a = this.opts.auto_dislocations;
    if (a === undefined) return;
    const r = this.dislocRng;
    if (!r.chance(dt_ms / a.mean_interval_ms)) return;
    // Restricted lists are drawn from with the same number of draws, so an unrestricted run is unchanged.
    const assets = a.assets?.filter((x) => this.state.has(x)) ?? this.assets;
    const venues: readonly Venue[] = a.venues ?? [...CEX_VENUES, 'dex'];
    if (assets.length === 0 || venues.length === 0) return;
    const asset = assets[r.int(0, assets.length - 1)];
    const venue = venues[r.int(0, venues.length - 1)];
    const bps = (a.bps_min + r.uniform() * (a.bps_max - a.bps_min)) * (r.chance(0.5) ? 1 : -1);
    const duration_ms = Math.round(a.duration_ms_min + r.uniform() * (a.duration_ms_max - a.duration_ms_min));
    // Overlapping windows on one asset would make the ground truth ambiguous; skip this draw instead.
    if (this.windows.some((w) => w.asset === asset && w.state !== 'ended')) return;
    this.dislocate({ asset, venue, bps: Math.round(bps), duration_ms });
  }

  private st(asset: Asset): AssetState {
    const s = this.state.get(asset);
    if (s === undefined) throw new RangeError(`asset ${asset} is not simulated (have ${this.assets.join(', ')})`);
    return s;
  }
}
