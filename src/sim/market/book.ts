import type { AssetSpec } from './assets.ts';
import type { Rng } from './rng.ts';

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

  get(side: Side, price: number): number {
    return this.sides[side].get(price) ?? 0;
  }

  set(side: Side, price: number, size: number): void {
    if (size === 0) this.sides[side].delete(price);
    else this.sides[side].set(price, size);
  }

  count(side: Side): number {
    return this.sides[side].size;
  }

  /** Levels best first. */
  levels(side: Side, limit = Infinity): Level[] {
    const out = [...this.sides[side]].map(([price, size]) => ({ price, size }));
    out.sort(side === 'bid' ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
    return limit < out.length ? out.slice(0, limit) : out;
  }

  best(side: Side): number | undefined {
    let best: number | undefined;
    for (const p of this.sides[side].keys()) {
      if (best === undefined || (side === 'bid' ? p > best : p < best)) best = p;
    }
    return best;
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
  private readonly byKey = new Map<string, L2Change>();
  constructor(private readonly book: Book) {}
  set(side: Side, price: number, size: number): void {
    this.book.set(side, price, size);
    this.byKey.set(`${side}:${price}`, { side, price, size });
  }
  list(): L2Change[] {
    return [...this.byKey.values()];
  }
}

function levelSize(spec: AssetSpec, mid: number, rng: Rng): number {
  const notional = spec.level_notional * Math.exp(0.7 * rng.normal() - 0.245);
  return Math.max(1, Math.round((notional / mid) * 10 ** spec.size_decimals));
}

/**
 * Move the book toward a new venue price with coherent L2 changes: levels that would cross are
 * deleted, the new touch is inserted, holes near the touch are filled, a few random levels are
 * resized, inserted or deleted, and the depth is trimmed or extended back to `depth_levels`.
 */
export function evolveBook(book: Book, spec: AssetSpec, mid: number, rng: Rng, shape: BookShape = DEFAULT_BOOK_SHAPE): L2Change[] {
  const scale = 10 ** spec.price_decimals;
  const midTicks = mid * scale;
  const half = Math.max(1, Math.round((midTicks * spec.half_spread_bps) / 1e4));
  const gap = Math.max(1, Math.round((midTicks * spec.level_gap_bps) / 1e4));
  const topBid = Math.floor(midTicks - half);
  let topAsk = Math.ceil(midTicks + half);
  if (topAsk <= topBid) topAsk = topBid + 1;
  const cs = new ChangeSet(book);

  for (const l of book.levels('bid')) if (l.price > topBid) cs.set('bid', l.price, 0);
  for (const l of book.levels('ask')) if (l.price < topAsk) cs.set('ask', l.price, 0);
  if (book.get('bid', topBid) === 0) cs.set('bid', topBid, levelSize(spec, mid, rng));
  if (book.get('ask', topAsk) === 0) cs.set('ask', topAsk, levelSize(spec, mid, rng));

  for (const side of ['bid', 'ask'] as const) {
    const dir = side === 'bid' ? -1 : 1;
    fillHoles(book, cs, side, dir, gap, spec, mid, rng, shape.depth_levels);
    churn(book, cs, side, dir, gap, spec, mid, rng, shape);
    const levels = book.levels(side);
    for (const l of levels.slice(shape.depth_levels)) cs.set(side, l.price, 0);
    let deepest = levels[Math.min(levels.length, shape.depth_levels) - 1]?.price ?? (side === 'bid' ? topBid : topAsk);
    for (let n = book.count(side); n < shape.depth_levels; n++) {
      deepest += dir * rng.int(1, 2 * gap);
      if (deepest <= 0) break;
      cs.set(side, deepest, levelSize(spec, mid, rng));
    }
  }
  return cs.list();
}

function fillHoles(book: Book, cs: ChangeSet, side: Side, dir: number, gap: number, spec: AssetSpec, mid: number, rng: Rng, max: number): void {
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

function churn(book: Book, cs: ChangeSet, side: Side, dir: number, gap: number, spec: AssetSpec, mid: number, rng: Rng, shape: BookShape): void {
  const ops = rng.int(0, shape.churn_ops_max);
  for (let k = 0; k < ops; k++) {
    const levels = book.levels(side);
    if (levels.length === 0) return;
    // Squaring the uniform biases activity toward the touch, where real books change most.
    const idx = Math.floor(rng.uniform() ** 2 * levels.length);
    const op = rng.uniform();
    const level = levels[idx];
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
