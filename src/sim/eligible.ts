import type { Asset, CexVenue } from './market/assets.ts';
import { counterparties, type Eligible, type TruthWindow, type WindowSizer } from './market/dislocations.ts';
import type { MarketModel } from './market/model.ts';
import { TAKER_FEE_BPS } from './matching/engine.ts';
import type { SolanaChain } from './venues/solana/chain.ts';
import { quotePools } from './venues/jupiter/quote.ts';

/** What "eligible" means in the truth record: net edge after the CEX taker fee (pool fee is in the quote) and a haircut. */
export interface Eligibility {
  min_net_edge_bps: number;
  haircut_bps: number;
}

export const DEFAULT_ELIGIBILITY: Eligibility = { min_net_edge_bps: 100, haircut_bps: 75 };

/** Raw token units per base lot: lots have 8 decimals, wSOL 9. */
const RAW_PER_LOT = 10n;
const USDC_RAW = 1e6;
const SEARCH_STEPS = 24;

/**
 * Measures how much of a dislocation one CEX-vs-pool trade could take: the largest base size whose
 * executable prices (walking the CEX book, quoting the simulated pools with the project's exact
 * math) still clear the threshold net of fees and haircut. Net edge falls with size on both legs,
 * so a bisection on size finds it.
 */
export function poolSizer(model: MarketModel, chain: SolanaChain, el: Eligibility): WindowSizer {
  // Once per slot per window: the pools only change at slot boundaries, and a measurement costs
  // ~20 pool quotes (~6 ms), too much for every 100 ms tick.
  const measured = new Map<string, number>();
  return (w: TruthWindow): Eligible | undefined => {
    const pool = [...chain.pools.whirlpools, ...chain.pools.ammV4].find((p) => p.asset === w.asset);
    if (pool === undefined || measured.get(w.id) === chain.slot) return undefined;
    measured.set(w.id, chain.slot);
    const cexes = (w.dislocated_venue === 'dex' ? counterparties('dex') : [w.dislocated_venue]) as CexVenue[];
    let best: Eligible | undefined;
    for (const cex of cexes) {
      const e = sizeAgainst(model, chain, el, w, cex);
      if (e !== undefined && (best === undefined || e.size > best.size)) best = e;
    }
    return best;
  };
}

function sizeAgainst(model: MarketModel, chain: SolanaChain, el: Eligibility, w: TruthWindow, cex: CexVenue): Eligible | undefined {
  const spec = model.spec(w.asset);
  const snap = model.snapshot(cex, w.asset);
  const buyCex = w.direction === 'buy_cex_sell_dex';
  const levels = buyCex ? snap.asks : snap.bids;
  const depth = levels.reduce((n, l) => n + l.size, 0);
  if (depth === 0) return undefined;
  const px = 10 ** spec.price_decimals;
  const sz = 10 ** spec.size_decimals;
  /** Net edge in bps at `lots`, and the CEX notional; undefined when a leg cannot fill it. */
  const net = (lots: number): { bps: number; usd: number } | undefined => {
    let left = lots;
    let quote = 0;
    for (const l of levels) {
      const take = Math.min(left, l.size);
      quote += (take * l.price) / px / sz;
      left -= take;
      if (left === 0) break;
    }
    if (left > 0) return undefined;
    const dex = dexQuote(chain, w.asset, !buyCex, BigInt(lots) * RAW_PER_LOT);
    if (dex === undefined) return undefined;
    const cost = buyCex ? quote : dex;
    const proceeds = buyCex ? dex : quote;
    const gross = ((proceeds - cost) / cost) * 1e4;
    return { bps: gross - TAKER_FEE_BPS[cex] - el.haircut_bps, usd: quote };
  };
  const ok = (lots: number): boolean => (net(lots)?.bps ?? -Infinity) >= el.min_net_edge_bps;
  // Gallop up from 0.01 base, then bisect to 0.5 %: a quote's cost grows with the ticks it crosses,
  // so probing the whole book first would cost more than the answer is worth, every tick.
  let lo = 0;
  let hi = Math.min(depth, Math.max(1, Math.round(sz / 100)));
  while (ok(hi)) {
    lo = hi;
    if (hi === depth) break;
    hi = Math.min(depth, hi * 2);
  }
  if (lo === depth) hi = depth;
  for (let i = 0; i < SEARCH_STEPS && hi - lo > Math.max(1, lo * 0.005); i++) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  const at = lo === 0 ? undefined : net(lo);
  return { size: lo / sz, notional_usd: at?.usd ?? 0, cex };
}

/** USDC for `raw` base units on the best simulated pool: proceeds of selling (buy=false) or cost of buying. */
function dexQuote(chain: SolanaChain, asset: Asset, buy: boolean, raw: bigint): number | undefined {
  const spec = [...chain.pools.whirlpools.map((p) => ({ asset: p.asset, base: p.spec.mintA, quote: p.spec.mintB })), ...chain.pools.ammV4.map((p) => ({ asset: p.asset, base: p.spec.coinMint, quote: p.spec.pcMint }))].find((p) => p.asset === asset);
  if (spec === undefined || raw <= 0n) return undefined;
  const routes = buy
    ? quotePools(chain, { inputMint: spec.quote, outputMint: spec.base, amount: raw, slippageBps: 0, exactIn: false })
    : quotePools(chain, { inputMint: spec.base, outputMint: spec.quote, amount: raw, slippageBps: 0, exactIn: true });
  if (routes.length === 0) return undefined;
  const amounts = routes.map((r) => Number(buy ? r.q.amountIn : r.q.amountOut) / USDC_RAW);
  return buy ? Math.min(...amounts) : Math.max(...amounts);
}
