import { Book, type BookShape, type BookSpec, evolveBook, type L2Change, type Level } from './book.ts';
import { Follower } from './price.ts';
import type { Rng } from './rng.ts';

/**
 * The USDC/USD market (Bitstamp's `usdcusd`): a book around 1.0000 USD per USDC with a little
 * mean-reverting noise, plus an injected depeg (`POST /sim/faults {venue: 'bitstamp', kind:
 * 'depeg', bps, duration_ms}`). The engine observes this book as the USD vs USDC basis.
 *
 * It has its own seeded stream (`stable:USDC`), so adding it shifts no other component's random
 * numbers, and it steps once per pool slot, off the model's own events: same seed, same book.
 */
export const USDC_USD_SPEC: BookSpec = {
  // Bitstamp quotes usdcusd to 5 decimals: one tick is 0.1 bp.
  price_decimals: 5,
  size_decimals: 5,
  half_spread_bps: 0.5,
  level_gap_bps: 0.3,
  level_notional: 100_000,
};

const SHAPE: BookShape = { depth_levels: 30, churn_ops_max: 2 };
const NOISE = { lag_ms: 0, noise_bps: 0.5, noise_tau_ms: 10_000 };

export interface StableUpdate {
  ts_ms: number;
  /** Strictly increasing per book (Bitstamp microtimestamp alignment). */
  micros: number;
  changes: L2Change[];
}

export interface Depeg {
  bps: number;
  start_ms: number;
  end_ms: number;
}

export class StableMarket {
  readonly spec = USDC_USD_SPEC;
  private readonly book = new Book();
  private readonly noise: Follower;
  private readonly listeners = new Set<(u: StableUpdate) => void>();
  private readonly history: Depeg[] = [];
  private active: Depeg | undefined;
  private micros = 0;
  private ts_ms: number;
  private last_ms: number;

  constructor(
    private readonly rng: Rng,
    now_ms: number,
  ) {
    this.noise = new Follower(1, NOISE, rng);
    this.ts_ms = now_ms;
    this.last_ms = now_ms;
    this.micros = now_ms * 1000;
    evolveBook(this.book, this.spec, 1, rng, SHAPE);
  }

  /**
   * USDC moves `bps` against USD (−120: 1 USDC = 0.9880 USD) from now for `duration_ms`; a new
   * depeg replaces a running one and `bps` 0 ends it. Takes effect at the next step.
   */
  depeg(bps: number, duration_ms: number, now_ms: number): void {
    if (this.active !== undefined) this.active.end_ms = Math.min(this.active.end_ms, now_ms);
    this.active = bps === 0 ? undefined : { bps, start_ms: now_ms, end_ms: now_ms + duration_ms };
    if (this.active !== undefined) this.history.push(this.active);
  }

  /** The depeg in effect (0 when none): what the USDC-quoted pools divide their USD price by. */
  depegBps(): number {
    return this.active?.bps ?? 0;
  }

  /** Ground truth of every injected depeg (start, end, size), for tests and `/sim/health`. */
  depegs(): Depeg[] {
    return this.history.map((d) => ({ ...d }));
  }

  /** The price the book is quoted around (USD per USDC). */
  target(): number {
    return this.noise.price(this.depegBps());
  }

  mid(): number {
    const b = this.book.best('bid');
    const a = this.book.best('ask');
    return b === undefined || a === undefined ? this.target() : (a + b) / 2 / 10 ** this.spec.price_decimals;
  }

  snapshot(depth = Infinity): { bids: Level[]; asks: Level[]; micros: number; ts_ms: number } {
    return { bids: this.book.levels('bid', depth), asks: this.book.levels('ask', depth), micros: this.micros, ts_ms: this.ts_ms };
  }

  onUpdate(fn: (u: StableUpdate) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  step(now_ms: number): void {
    if (this.active !== undefined && now_ms >= this.active.end_ms) this.active = undefined;
    this.noise.step(1, Math.max(1, now_ms - this.last_ms));
    this.last_ms = now_ms;
    const changes = evolveBook(this.book, this.spec, this.target(), this.rng, SHAPE);
    if (changes.length === 0) return;
    this.ts_ms = now_ms;
    this.micros = Math.max(now_ms * 1000, this.micros + 1);
    const u: StableUpdate = { ts_ms: now_ms, micros: this.micros, changes };
    for (const fn of this.listeners) fn(u);
  }
}
