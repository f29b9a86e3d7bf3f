/**
 * Baselines: books written the obvious way.
 * - `ObviousBook` ("map+bsearch"): per side a Map price → size plus a sorted `number[]` of prices
 *   kept with a binary search and `splice`; top-N reads build `[price, size]` pairs. This is the
 *   *strong* baseline, roughly what ccxt's OrderBook does.
 * - `ObjectArrayBook` ("objects+findIndex"): per side a sorted array of `{price, size}` objects,
 *   located with `findIndex` and changed with `splice`: the first thing most people write.
 * The JSON path parses levels into objects first, then applies them.
 */
export class ObviousSide {
  readonly sizes = new Map<number, number>();
  readonly prices: number[] = [];
  constructor(private readonly desc: boolean) {}

  private index(price: number): number {
    let lo = 0;
    let hi = this.prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = this.prices[mid]!;
      if (this.desc ? p > price : p < price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  set(price: number, size: number): void {
    if (size > 0) {
      if (!this.sizes.has(price)) this.prices.splice(this.index(price), 0, price);
      this.sizes.set(price, size);
    } else if (this.sizes.delete(price)) {
      this.prices.splice(this.index(price), 1);
    }
  }

  top(n: number): [number, number][] {
    return this.prices.slice(0, n).map((p) => [p, this.sizes.get(p)!]);
  }
}

export class ObviousBook {
  bids = new ObviousSide(true);
  asks = new ObviousSide(false);
  clear(): void {
    this.bids = new ObviousSide(true);
    this.asks = new ObviousSide(false);
  }
  apply(side: number, price: number, size: number): void {
    (side === 0 ? this.bids : this.asks).set(price, size);
  }
}

interface PriceLevel {
  price: number;
  size: number;
}

export class ObjectArraySide {
  levels: PriceLevel[] = [];
  constructor(private readonly desc: boolean) {}

  set(price: number, size: number): void {
    const at = this.levels.findIndex((l) => (this.desc ? l.price <= price : l.price >= price));
    const i = at < 0 ? this.levels.length : at;
    const hit = i < this.levels.length && this.levels[i]!.price === price;
    if (size > 0) {
      if (hit) this.levels[i]!.size = size;
      else this.levels.splice(i, 0, { price, size });
    } else if (hit) this.levels.splice(i, 1);
  }

  top(n: number): [number, number][] {
    return this.levels.slice(0, n).map((l) => [l.price, l.size]);
  }
}

export class ObjectArrayBook {
  bids = new ObjectArraySide(true);
  asks = new ObjectArraySide(false);
  clear(): void {
    this.bids = new ObjectArraySide(true);
    this.asks = new ObjectArraySide(false);
  }
  apply(side: number, price: number, size: number): void {
    (side === 0 ? this.bids : this.asks).set(price, size);
  }
}

interface Level {
  side: 'bid' | 'offer';
  price: number;
  size: number;
}

/** Obvious Coinbase handling: parse, map every level to an object, then apply. */
export function obviousCoinbase(text: string, book: ObviousBook | ObjectArrayBook): void {
  const msg = JSON.parse(text) as { events: { type: string; updates: { side: 'bid' | 'offer'; price_level: string; new_quantity: string }[] }[] };
  for (const ev of msg.events) {
    if (ev.type === 'snapshot') book.clear();
    const levels: Level[] = ev.updates.map((u) => ({ side: u.side, price: parseFloat(u.price_level), size: parseFloat(u.new_quantity) }));
    for (const l of levels) book.apply(l.side === 'bid' ? 0 : 1, l.price, l.size);
  }
}
