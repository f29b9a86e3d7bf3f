import type { AssetSpec } from './assets.ts';
import type { Rng } from './rng.ts';

/** What a book needs to know about its instrument (an asset, or the USDC/USD stable book). */
export type BookSpec = Pick<AssetSpec, 'price_decimals' | 'size_decimals' | 'half_spread_bps' | 'level_gap_bps' | 'level_notional'>;

export type Side = 'bid' | 'ask';

/** One level change: price in ticks, size in lots; size 0 deletes the level (absolute sizes, like every venue's L2). */
export interface L2Change {
  side: Side;
  price: number;
  size: number;
}

export interface Level {
  price: number;
  size: number;
}

export interface Fill {
  price: number;
  size: number;
}

/** A price-level book. Invariants (checked by `assertCoherent`): sizes > 0, best bid < best ask. */
export class Book {
  private readonly sides: Record<Side, Map<number, number>> = { bid: new Map(), ask: new Map() };
  /**
   * Prices best first, kept sorted on every insert/delete (binary search + splice on ~150 levels):
   * `levels()` and `best()` run many times per update, and sorting the map each time was what
   * limited the simulator's message rate.
   */
  private readonly order: Record<Side, number[]> = { bid: [], ask: [] };

  get(side: Side, price: number): number {
    return this.sides[side].get(price) ?? 0;
  }

  set(side: Side, price: number, size: number): void {
    const m = this.sides[side];
    const had = m.has(price);
    if (size === 0) {
      if (!had) return;
      m.delete(price);
      this.order[side].splice(this.position(side, price), 1);
    } else {
      m.set(price, size);
      if (!had) this.order[side].splice(this.position(side, price), 0, price);
    }
  }

  count(side: Side): number {
    return this.sides[side].size;
  }

  /** Levels best first. */
  levels(side: Side, limit = Infinity): Level[] {
    const prices = this.order[side];
    const m = this.sides[side];
    const n = Math.min(limit, prices.length);
    const out: Level[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = { price: prices[i], size: m.get(prices[i])! };
    return out;
  }

  best(side: Side): number | undefined {
    return this.order[side][0];
  }

  /** Price of the i-th level, best first (no allocation; the hot path of evolveBook). */
  priceAt(side: Side, i: number): number | undefined {
    return this.order[side][i];
  }

  /** Index of `price` in the side's best-first order, or where it would be inserted. */
  private position(side: Side, price: number): number {
    const a = this.order[side];
    const bid = side === 'bid';
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bid ? a[mid] > price : a[mid] < price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  assertCoherent(): void {
    for (const side of ['bid', 'ask'] as const) {
      for (const [p, s] of this.sides[side]) {
        if (!(s > 0) || !Number.isSafeInteger(s) || !Number.isSafeInteger(p)) {
          throw new Error(`incoherent book: ${side} level ${p} has size ${s}`);
        }
      }
    }
    const b = this.best('bid');
    const a = this.best('ask');
    if (b !== undefined && a !== undefined && b >= a) throw new Error(`crossed book: bid ${b} >= ask ${a}`);
  }
}

export interface BookShape {
  /** Levels kept per side (Bitstamp's top-100 snapshot needs more than 100). */
  depth_levels: number;
  /** Random resize/insert/delete operations per update. */
  churn_ops_max: number;
}

export const DEFAULT_BOOK_SHAPE: BookShape = { depth_levels: 150, churn_ops_max: 3 };

/** Collects changes so one update never lists the same level twice (the last write wins, like the venue would send). */
class ChangeSet {
  // Numeric keys (price × 2 + side): a string key per change was a measurable share of the garbage.
  private readonly byKey = new Map<number, L2Change>();
  constructor(private readonly book: Book) {}
  set(side: Side, price: number, size: number): void {
    this.book.set(side, price, size);
    this.byKey.set(price * 2 + (side === 'bid' ? 0 : 1), { side, price, size });
  }
  list(): L2Change[] {
    return [...this.byKey.values()];
  }
}

function levelSize(spec: BookSpec, mid: number, rng: Rng): number {
  const notional = spec.level_notional * Math.exp(0.7 * rng.normal() - 0.245);
  return Math.max(1, Math.round((notional / mid) * 10 ** spec.size_decimals));
}

/**
 * Move the book toward a new venue price with coherent L2 changes: levels that would cross are
 * deleted, the new touch is inserted, holes near the touch are filled, a few random levels are
 * resized, inserted or deleted, and the depth is trimmed or extended back to `depth_levels`.
 */
export function evolveBook(book: Book, spec: BookSpec, mid: number, rng: Rng, shape: BookShape = DEFAULT_BOOK_SHAPE): L2Change[] {
  const scale = 10 ** spec.price_decimals;
  const midTicks = mid * scale;
  const half = Math.max(1, Math.round((midTicks * spec.half_spread_bps) / 1e4));
  const gap = Math.max(1, Math.round((midTicks * spec.level_gap_bps) / 1e4));
  const topBid = Math.floor(midTicks - half);
  let topAsk = Math.ceil(midTicks + half);
  if (topAsk <= topBid) topAsk = topBid + 1;
  const cs = new ChangeSet(book);

  for (let p = book.best('bid'); p !== undefined && p > topBid; p = book.best('bid')) cs.set('bid', p, 0);
  for (let p = book.best('ask'); p !== undefined && p < topAsk; p = book.best('ask')) cs.set('ask', p, 0);
  if (book.get('bid', topBid) === 0) cs.set('bid', topBid, levelSize(spec, mid, rng));
  if (book.get('ask', topAsk) === 0) cs.set('ask', topAsk, levelSize(spec, mid, rng));

  for (const side of ['bid', 'ask'] as const) {
    const dir = side === 'bid' ? -1 : 1;
    fillHoles(book, cs, side, dir, gap, spec, mid, rng, shape.depth_levels);
    churn(book, cs, side, dir, gap, spec, mid, rng, shape);
    const n = book.count(side);
    let deepest = book.priceAt(side, Math.min(n, shape.depth_levels) - 1) ?? (side === 'bid' ? topBid : topAsk);
    while (book.count(side) > shape.depth_levels) cs.set(side, book.priceAt(side, shape.depth_levels)!, 0);
    for (let n = book.count(side); n < shape.depth_levels; n++) {
      deepest += dir * rng.int(1, 2 * gap);
      if (deepest <= 0) break;
      cs.set(side, deepest, levelSize(spec, mid, rng));
    }
  }
  return cs.list();
}

function fillHoles(book: Book, cs: ChangeSet, side: Side, dir: number, gap: number, spec: BookSpec, mid: number, rng: Rng, max: number): void {
  // Only the first few levels: a price jump leaves a hole at the touch that a real book refills at once.
  const levels = book.levels(side, 10);
  for (let i = 0; i + 1 < levels.length && book.count(side) < max + 5; i++) {
    let p = levels[i].price + dir * gap;
    while (dir * (levels[i + 1].price - p) > 0 && book.count(side) < max + 5) {
      if (book.get(side, p) === 0) cs.set(side, p, levelSize(spec, mid, rng));
      p += dir * gap;
    }
  }
}

function churn(book: Book, cs: ChangeSet, side: Side, dir: number, gap: number, spec: BookSpec, mid: number, rng: Rng, shape: BookShape): void {
  const ops = rng.int(0, shape.churn_ops_max);
  for (let k = 0; k < ops; k++) {
    const n = book.count(side);
    if (n === 0) return;
    // Squaring the uniform biases activity toward the touch, where real books change most.
    const idx = Math.floor(rng.uniform() ** 2 * n);
    const op = rng.uniform();
    const level = { price: book.priceAt(side, idx)! };
    if (op < 0.5) {
      cs.set(side, level.price, levelSize(spec, mid, rng));
    } else if (op < 0.7) {
      if (idx > 0) cs.set(side, level.price, 0);
    } else {
      const p = level.price + dir * rng.int(1, gap);
      if (p > 0 && book.get(side, p) === 0) cs.set(side, p, levelSize(spec, mid, rng));
    }
  }
}

/**
 * Take liquidity from `side` (the resting side: an incoming buy takes asks) up to `max_lots`, not
 * beyond `limit` ticks. Returns the fills and the level changes it caused.
 */
export function takeLiquidity(book: Book, side: Side, limit: number, max_lots: number): { fills: Fill[]; changes: L2Change[] } {
  const fills: Fill[] = [];
  const changes: L2Change[] = [];
  let left = max_lots;
  for (const l of book.levels(side)) {
    if (left <= 0) break;
    if (side === 'ask' ? l.price > limit : l.price < limit) break;
    const take = Math.min(left, l.size);
    fills.push({ price: l.price, size: take });
    book.set(side, l.price, l.size - take);
    changes.push({ side, price: l.price, size: l.size - take });
    left -= take;
  }
  return { fills, changes };
}
