import { defineMessage, type View } from './codec.ts';
import { Kind } from './kinds.ts';

/**
 * The hot-path message layouts: the single source of truth for what crosses a ring.
 * Units are in every name: `Ms` epoch milliseconds, `Us` monotonic microseconds, `Bps` basis points,
 * `Base`/`Quote` amounts in the asset's base or quote currency (float64).
 * Ids: `asset` is the index of the asset in the config's `assets` list (or `BASIS_ASSET`: the USD vs
 * USDC basis book); `venue` is `Venue`;
 * `route` is the index of the pool in the asset's `dex_route.pools`.
 */

/**
 * `cex.bookUpdate`: the top `depth` levels of one venue's book for one asset, after an applied update.
 * Tail: `depth × 4` float64s: bids as [px, sz] pairs best first (depth pairs), then asks likewise.
 * Levels past `bidCount` / `askCount` are undefined.
 */
export const BookTop = defineMessage({
  name: 'BookTop',
  kind: Kind.BookTop,
  fields: [
    ['venue', 'u16'],
    ['asset', 'u16'],
    ['depth', 'u16'],
    ['bidCount', 'u16'],
    ['askCount', 'u16'],
  ],
  tail: { count: 'depth', perCount: 4 },
});
export type BookTopView = View<typeof BookTop.layout.fields>;
/** Index in `mem.f64` of the first ask pair of a bound BookTop. */
export function askIndex(v: BookTopView): number {
  return v.tailIndex + v.depth * 2;
}

/**
 * `dex.poolUpdate` + `dex.boundQuote`: exact quotes for one pool route at one slot.
 * Tail: `points × 4` float64s: first `points` pairs [baseIn, quoteOut] (selling base into the pool),
 * then `points` pairs [quoteIn, baseOut] (buying base from the pool), sizes ascending. Outputs are
 * exact pool math with the pool fee inside, before the signal's slippage haircut.
 */
export const PoolQuote = defineMessage({
  name: 'PoolQuote',
  kind: Kind.PoolQuote,
  fields: [
    ['venue', 'u16'],
    ['asset', 'u16'],
    ['route', 'u16'],
    ['points', 'u16'],
    ['source', 'u8'],
    ['slot', 'f64'],
    ['midPrice', 'f64'],
    ['feeBps', 'f64'],
    ['fixedCostQuote', 'f64'],
  ],
  tail: { count: 'points', perCount: 4 },
});
export type PoolQuoteView = View<typeof PoolQuote.layout.fields>;

/**
 * `exec.try`: a sized decision to trade both legs, carrying the timestamps of its cause.
 * The DEX leg always trades `sizeBase` of base: selling it (buyCexSellDex) with `dexLimitQuote` the
 * minimum quote out, or buying it exact-out (buyDexSellCex) with `dexLimitQuote` the maximum quote in.
 * `dexExpectedQuote` is the exact pool amount at decision time (before the haircut).
 * `usdPerDexQuote` is the USD/USDC basis the decision priced the pool leg at (1 when both legs quote
 * in one currency): the executor needs it to state realised PnL in the same unit as the prediction.
 */
export const ExecTry = defineMessage({
  name: 'ExecTry',
  kind: Kind.ExecTry,
  fields: [
    ['tradeKey', 'key48'],
    ['asset', 'u16'],
    ['cexVenue', 'u16'],
    ['dexRoute', 'u16'],
    ['direction', 'u8'],
    ['attempt', 'u16'],
    ['windowId', 'f64'],
    ['sizeBase', 'f64'],
    ['cexRefPrice', 'f64'],
    ['cexPriceCap', 'f64'],
    ['dexExpectedQuote', 'f64'],
    ['dexLimitQuote', 'f64'],
    ['predictedPnlQuote', 'f64'],
    ['netEdgeBps', 'f64'],
    ['tickRecvUs', 'f64'],
    ['decidedUs', 'f64'],
    ['usdPerDexQuote', 'f64'],
  ],
});
export type ExecTryView = View<typeof ExecTry.layout.fields>;

/** `exec.result`: what happened to an ExecTry, with per-leg completion times for latency. */
export const ExecResult = defineMessage({
  name: 'ExecResult',
  kind: Kind.ExecResult,
  fields: [
    ['tradeKey', 'key48'],
    ['asset', 'u16'],
    ['cexVenue', 'u16'],
    ['dexRoute', 'u16'],
    ['direction', 'u8'],
    ['outcome', 'u8'],
    ['cexFilledBase', 'f64'],
    ['cexAvgPrice', 'f64'],
    ['dexFilledBase', 'f64'],
    ['dexAvgPrice', 'f64'],
    ['predictedPnlQuote', 'f64'],
    ['realisedPnlQuote', 'f64'],
    ['tickRecvUs', 'f64'],
    ['decidedUs', 'f64'],
    ['cexDoneUs', 'f64'],
    ['dexDoneUs', 'f64'],
  ],
});
export type ExecResultView = View<typeof ExecResult.layout.fields>;

/** `signal.opportunity`: one evaluated (venue × route × direction) above zero edge, for the record. */
export const Opportunity = defineMessage({
  name: 'Opportunity',
  kind: Kind.Opportunity,
  fields: [
    ['asset', 'u16'],
    ['cexVenue', 'u16'],
    ['dexRoute', 'u16'],
    ['direction', 'u8'],
    ['reason', 'u8'],
    ['windowId', 'f64'],
    ['sizeBase', 'f64'],
    ['cexVwap', 'f64'],
    ['dexPrice', 'f64'],
    ['grossEdgeBps', 'f64'],
    ['netEdgeBps', 'f64'],
    ['predictedPnlQuote', 'f64'],
    ['tickRecvUs', 'f64'],
    ['decidedUs', 'f64'],
  ],
});
export type OpportunityView = View<typeof Opportunity.layout.fields>;

/** `signal.window`: a window opened, extended or closed (DESIGN §5). */
export const WindowEvent = defineMessage({
  name: 'WindowEvent',
  kind: Kind.WindowEvent,
  fields: [
    ['asset', 'u16'],
    ['cexVenue', 'u16'],
    ['dexRoute', 'u16'],
    ['direction', 'u8'],
    ['event', 'u8'],
    ['reason', 'u8'],
    ['signals', 'u32'],
    ['trades', 'u32'],
    ['windowId', 'f64'],
    ['openedMs', 'f64'],
    ['closedMs', 'f64'],
    ['peakEdgeBps', 'f64'],
    ['meanEdgeBps', 'f64'],
  ],
});
export type WindowEventView = View<typeof WindowEvent.layout.fields>;

/** `feed.health`: a feed's state for one asset (0xffff = the whole venue connection). */
export const FeedHealth = defineMessage({
  name: 'FeedHealth',
  kind: Kind.FeedHealth,
  fields: [
    ['venue', 'u16'],
    ['asset', 'u16'],
    ['state', 'u8'],
    ['resyncs', 'u32'],
    ['stalenessMs', 'f64'],
    ['rttMs', 'f64'],
    ['messages', 'f64'],
  ],
});
export type FeedHealthView = View<typeof FeedHealth.layout.fields>;

/**
 * `inventory.update`: what is free to trade on one venue for one asset, from the executor (its
 * balance reconciliation) to the signal, which sizes within it. `venue` 4 = the Solana wallet.
 */
export const Inventory = defineMessage({
  name: 'Inventory',
  kind: Kind.Inventory,
  fields: [
    ['venue', 'u16'],
    ['asset', 'u16'],
    ['baseFree', 'f64'],
    ['quoteFree', 'f64'],
  ],
});
export type InventoryView = View<typeof Inventory.layout.fields>;

export const ALL_MESSAGES = [BookTop, PoolQuote, ExecTry, ExecResult, Opportunity, WindowEvent, FeedHealth, Inventory] as const;
