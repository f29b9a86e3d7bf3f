/**
 * The signal's arithmetic, pure and allocation-free: what a size q costs and yields on each leg.
 *
 * CEX levels are interleaved [px, sz] pairs, best first (BookTop tail layout). DEX ladders are the
 * PoolQuote tail: K pairs [baseIn, quoteOut] (selling base), then K pairs [quoteIn, baseOut]
 * (buying base), sizes ascending, each an exact pool quote with the pool fee inside.
 *
 * Between two exact ladder points we interpolate linearly, and that is conservative on both sides:
 * a pool's output is concave in its input, so the chord under-states what selling q yields, and the
 * input needed for an output is convex, so the chord over-states what buying q costs. Beyond the
 * largest exact point we do not extrapolate (NaN): the size is capped there.
 */

/** Quote spent to buy `q` base by walking `count` ask levels at `off`; NaN if the levels run out. */
export function cexBuyCost(levels: Float64Array, off: number, count: number, q: number): number {
  let left = q;
  let cost = 0;
  for (let i = 0; i < count && left > 0; i++) {
    const px = levels[off + 2 * i]!;
    const take = Math.min(left, levels[off + 2 * i + 1]!);
    cost += take * px;
    left -= take;
  }
  return left > 1e-12 * q ? NaN : cost;
}

/** Quote received for selling `q` base into `count` bid levels; NaN if they run out. */
export function cexSellProceeds(levels: Float64Array, off: number, count: number, q: number): number {
  return cexBuyCost(levels, off, count, q); // the same walk: Σ take × px over the best levels
}

/** Base size visible at prices no worse than `cap` (asks: px ≤ cap; bids: px ≥ cap). */
export function visibleDepth(levels: Float64Array, off: number, count: number, cap: number, asks: boolean): number {
  let d = 0;
  for (let i = 0; i < count; i++) {
    const px = levels[off + 2 * i]!;
    if (asks ? px > cap : px < cap) break;
    d += levels[off + 2 * i + 1]!;
  }
  return d;
}

/** Quote out for selling `q` base into the pool (ladder pairs [baseIn, quoteOut] at `off`). */
export function dexSellBase(ladder: Float64Array, off: number, k: number, q: number): number {
  let x0 = 0;
  let y0 = 0;
  for (let i = 0; i < k; i++) {
    const x1 = ladder[off + 2 * i]!;
    const y1 = ladder[off + 2 * i + 1]!;
    if (q <= x1) return x1 === x0 ? y1 : y0 + ((y1 - y0) * (q - x0)) / (x1 - x0);
    x0 = x1;
    y0 = y1;
  }
  return NaN;
}

/** Quote in needed to buy `q` base from the pool (ladder pairs [quoteIn, baseOut] at `off`). */
export function dexBuyBase(ladder: Float64Array, off: number, k: number, q: number): number {
  let x0 = 0; // quote in
  let y0 = 0; // base out
  for (let i = 0; i < k; i++) {
    const x1 = ladder[off + 2 * i]!;
    const y1 = ladder[off + 2 * i + 1]!;
    if (q <= y1) return y1 === y0 ? x1 : x0 + ((x1 - x0) * (q - y0)) / (y1 - y0);
    x0 = x1;
    y0 = y1;
  }
  return NaN;
}

/** Largest base size the ladder can price in a direction. */
export function dexMaxBase(ladder: Float64Array, off: number, k: number, sellBase: boolean): number {
  if (k === 0) return 0;
  return sellBase ? ladder[off + 2 * (k - 1)]! : ladder[off + 2 * (k - 1) + 1]!;
}

export interface LegCosts {
  takerFeeBps: number;
  haircutPct: number;
  /** Priority + base fee, in the DEX quote currency (USDC). */
  fixedCostQuote: number;
  /** The basis: CEX quote per DEX quote (USD per USDC). Every DEX amount is converted at it. */
  usdPerDexQuote: number;
}

/**
 * Net PnL in the CEX quote currency (USD) of trading `q` base, or NaN when a leg cannot price it.
 * With b = USD per USDC (`usdPerDexQuote`):
 * buyCexSellDex: Σasks × (1 + fee) paid on the CEX; (pool output × (1 − haircut) − fixed) × b received.
 * buyDexSellCex: (pool input × (1 + haircut) + fixed) × b paid; Σbids × (1 − fee) received.
 * `costOut[0]` receives the USD spent (the notional the edge is measured on); `costOut[1]` the
 * pool's own amount in USDC (quote out for a DEX sell, quote in for a DEX buy), for the impact check.
 */
export function netPnl(
  buyCex: boolean,
  q: number,
  book: Float64Array,
  bookOff: number,
  bookCount: number,
  ladder: Float64Array,
  sellOff: number,
  buyOff: number,
  k: number,
  c: LegCosts,
  costOut: Float64Array,
): number {
  const fee = c.takerFeeBps / 1e4;
  const hair = c.haircutPct / 100;
  const b = c.usdPerDexQuote;
  if (buyCex) {
    const cost = cexBuyCost(book, bookOff, bookCount, q) * (1 + fee);
    const dexOut = dexSellBase(ladder, sellOff, k, q);
    costOut[0] = cost;
    costOut[1] = dexOut;
    return (dexOut * (1 - hair) - c.fixedCostQuote) * b - cost;
  }
  const dexIn = dexBuyBase(ladder, buyOff, k, q);
  const cost = (dexIn * (1 + hair) + c.fixedCostQuote) * b;
  const proceeds = cexSellProceeds(book, bookOff, bookCount, q) * (1 - fee);
  costOut[0] = cost;
  costOut[1] = dexIn;
  return proceeds - cost;
}
