import type { Clock } from '../../shared/clock.ts';
import { CambistError } from '../../shared/errors.ts';
import {
  Direction, Outcome, Reason, Venue, venueName, type ExecResultView, type InventoryView, type OpportunityView, type WindowEventView,
} from '../../shared/messages/index.ts';
import { WindowEventType } from '../../shared/messages/enums.ts';
import { TERMINAL_TRADE_STATES } from '../../shared/store/index.ts';
import type {
  Direction as DirectionName, InventorySnapshot, Leg, Opportunity, TradePatch, TradeRecord, TradeState, WindowRecord,
} from '../../shared/store/index.ts';

/**
 * Binary ring records → store records (pure, apart from the clock used to place monotonic
 * timestamps on the wall clock). Ids in messages are small integers; the store speaks names:
 * the asset index → the asset code from the recorder's slice, venue ids → `venueName`, the DEX
 * route index → `<program>:<pool address>` of that pool in the asset's config.
 */
export interface RecorderAsset {
  asset: string;
  /** Route names by route index (the pool's position in `dex_route.pools`): `signal/slice.ts` routeName. */
  dex_routes: string[];
  /** Quote currency names for inventory: CEX venues quote in `quote`, the Solana wallet in `dex_quote`. */
  quote?: string;
  dex_quote?: string;
}

export interface RecorderSlice {
  store: { kind: 'sqlite' | 'mongodb'; mongodb_url_env: string };
  data_dir: string;
  /** By config index (disabled assets included, so indices line up with messages). */
  assets: RecorderAsset[];
  /** Batch bounds; defaults 50 ms / 1,000 records per transaction. */
  batch_ms?: number;
  batch_max?: number;
}

/**
 * Window ids are numbers on the wire (`shared/ids.ts`: opened ms × 64 + pair slot) and their decimal
 * string in the store, which is what a restarted signal parses back (`signal/restore.ts`).
 */
export function windowIdOf(windowId: number): string {
  return String(windowId);
}

const DIRECTION_NAMES: Record<number, DirectionName> = {
  [Direction.buyCexSellDex]: 'buy_cex_sell_dex',
  [Direction.buyDexSellCex]: 'buy_dex_sell_cex',
};

const snake = (s: string) => s.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
const REASON_NAMES = new Map<number, string>(Object.entries(Reason).map(([k, v]) => [v, snake(k)]));
const OUTCOME_NAMES = new Map<number, string>(Object.entries(Outcome).map(([k, v]) => [v, snake(k)]));

/** ExecResult outcome → the trade's state (DESIGN §6). */
const OUTCOME_STATE: Record<number, TradeState> = {
  [Outcome.filled]: 'filled',
  [Outcome.partial]: 'partial',
  [Outcome.failedLeg]: 'failed_leg',
  [Outcome.rejected]: 'rejected',
  [Outcome.unknown]: 'unknown',
  [Outcome.hedged]: 'hedged',
  [Outcome.unhedged]: 'unhedged',
  [Outcome.observeOnly]: 'observe_only',
  [Outcome.verified]: 'verified',
};

export function reasonName(r: number): string | null {
  return r === Reason.none ? null : (REASON_NAMES.get(r) ?? `reason_${r}`);
}

export class Names {
  constructor(private readonly assets: readonly RecorderAsset[]) {}

  asset(index: number): string {
    const a = this.assets[index];
    if (!a) throw new CambistError('RECORDER_UNKNOWN_ASSET', `a record names asset index ${index}; the recorder knows ${this.assets.length} assets`, { retry: 'fatal' });
    return a.asset;
  }

  route(asset: number, route: number): string {
    return this.assets[asset]?.dex_routes[route] ?? `route:${route}`;
  }

  quote(asset: number, venue: number): string {
    const a = this.assets[asset];
    return (venue === Venue.solana ? a?.dex_quote : a?.quote) ?? 'QUOTE';
  }

  venue(id: number): string {
    const v = venueName(id);
    if (v === 'unknown') throw new CambistError('RECORDER_UNKNOWN_VENUE', `a record names venue id ${id}`, { retry: 'fatal' });
    return v;
  }

  direction(d: number): DirectionName {
    const n = DIRECTION_NAMES[d];
    if (!n) throw new CambistError('RECORDER_UNKNOWN_DIRECTION', `a record has direction ${d}`, { retry: 'fatal' });
    return n;
  }
}

/** Monotonic µs (this process's clock) → epoch ms. Both clocks are read together, so it is exact to ~1 µs. */
export function wallMs(clock: Clock, monoUs: number): number {
  const now = clock.nowMs();
  if (!(monoUs > 0)) return Math.round(now);
  return Math.round(Math.min(now, now - (clock.monoUs() - monoUs) / 1000));
}

const finiteOr = (v: number, fallback: number) => (Number.isFinite(v) ? v : fallback);
const nonNeg = (v: number) => (Number.isFinite(v) && v > 0 ? v : 0);

export function opportunityRecord(v: OpportunityView, n: Names, clock: Clock): Opportunity {
  const asset = n.asset(v.asset);
  // The signal stamps its own wall clock in the header (deterministic under a sim clock); the
  // monotonic decision time is the fallback for a producer that does not.
  const ts_ms = v.exchTimeMs > 0 ? Math.round(v.exchTimeMs) : wallMs(clock, v.decidedUs);
  return {
    // Derived from the message, so a batch retried after a failed commit inserts nothing twice.
    id: `${asset}-${ts_ms.toString(36)}-${v.cexVenue}.${v.dexRoute}.${v.direction}-${Math.round(v.decidedUs).toString(36)}-${v.seq}`,
    ts_ms,
    asset,
    cex_venue: n.venue(v.cexVenue),
    dex_route: n.route(v.asset, v.dexRoute),
    direction: n.direction(v.direction),
    size_base: nonNeg(v.sizeBase),
    cex_vwap: nonNeg(v.cexVwap),
    dex_price: nonNeg(v.dexPrice),
    gross_edge_bps: finiteOr(v.grossEdgeBps, 0),
    net_edge_bps: finiteOr(v.netEdgeBps, 0),
    predicted_pnl_quote: finiteOr(v.predictedPnlQuote, 0),
    window_id: v.windowId > 0 ? windowIdOf(v.windowId) : null,
    traded: v.reason === Reason.none,
    reason_not_traded: reasonName(v.reason),
  };
}

/** The conflation key of an opportunity: the latest per (asset, venue, route, direction) is kept. */
export function opportunityKey(v: OpportunityView): number {
  return ((v.asset * 8 + v.cexVenue) * 256 + v.dexRoute) * 4 + v.direction;
}

export function windowRecord(v: WindowEventView, n: Names, clock: Clock, lastAboveMs: number | undefined): WindowRecord {
  const asset = n.asset(v.asset);
  const eventMs = v.exchTimeMs > 0 ? Math.round(v.exchTimeMs) : wallMs(clock, v.recvUs);
  const opened = v.openedMs > 0 ? Math.round(v.openedMs) : eventMs;
  const closed = v.event === WindowEventType.close;
  return {
    window_id: windowIdOf(v.windowId),
    asset,
    cex_venue: n.venue(v.cexVenue),
    dex_route: n.route(v.asset, v.dexRoute),
    direction: n.direction(v.direction),
    state: closed ? 'closed' : 'open',
    opened_ts_ms: opened,
    last_above_ts_ms: closed ? Math.max(opened, lastAboveMs ?? opened) : Math.max(opened, eventMs),
    closed_ts_ms: closed ? (v.closedMs > 0 ? Math.round(v.closedMs) : eventMs) : null,
    signals: v.signals,
    trades: v.trades,
    peak_edge_bps: finiteOr(v.peakEdgeBps, 0),
    mean_edge_bps: finiteOr(v.meanEdgeBps, 0),
    reason_not_traded: reasonName(v.reason),
  };
}

/** An ExecResult, copied out of the ring (the trade row it patches is read at flush time). */
export interface ExecUpdate {
  trade_key: string;
  asset: string;
  cex_venue: string;
  outcome: number;
  cex_filled_base: number;
  cex_avg_price: number;
  dex_filled_base: number;
  dex_avg_price: number;
  realised_pnl_quote: number;
  cex_done_us: number;
  dex_done_us: number;
}

export function execUpdate(v: ExecResultView, n: Names): ExecUpdate {
  return {
    trade_key: v.tradeKey,
    asset: n.asset(v.asset),
    cex_venue: n.venue(v.cexVenue),
    outcome: v.outcome,
    cex_filled_base: v.cexFilledBase,
    cex_avg_price: v.cexAvgPrice,
    dex_filled_base: v.dexFilledBase,
    dex_avg_price: v.dexAvgPrice,
    realised_pnl_quote: v.realisedPnlQuote,
    cex_done_us: v.cexDoneUs,
    dex_done_us: v.dexDoneUs,
  };
}

function legAfter(l: Leg, filled: number, price: number, doneUs: number, outcome: number): Leg {
  const f = nonNeg(filled);
  let status = l.status;
  if (f > 0) status = f >= l.size_base * (1 - 1e-9) ? 'filled' : 'partial';
  else if (outcome === Outcome.rejected) status = 'rejected';
  else if (outcome === Outcome.unknown) status = 'unknown';
  // An IOC that came back with nothing was cancelled by the venue.
  else if (outcome !== Outcome.observeOnly && (l.status === 'submitted' || l.status === 'pending')) status = 'cancelled';
  return {
    ...l,
    filled_size_base: f,
    avg_price: f > 0 && Number.isFinite(price) && price > 0 ? price : l.avg_price,
    filled_us: doneUs > 0 ? doneUs : l.filled_us,
    status,
  };
}

/**
 * The patch an ExecResult makes to its trade row: state, the two legs' fills, realised PnL; null when
 * the row already says as much. The executor writes its own outcomes (with hedge legs and venue
 * reasons the message cannot carry), and usually before it publishes the result: the recorder then
 * only fills in what is missing and never moves a trade back out of a terminal state. Hedge legs
 * (after the first CEX and the first DEX leg) are left as the executor wrote them.
 */
export function tradePatch(t: TradeRecord, u: ExecUpdate, nowMs: number): TradePatch | null {
  const state = OUTCOME_STATE[u.outcome];
  if (!state) throw new CambistError('RECORDER_UNKNOWN_OUTCOME', `exec.result for ${u.trade_key} has outcome ${u.outcome}`, { retry: 'fatal' });
  if (t.state === state || TERMINAL_TRADE_STATES.includes(t.state)) return null;
  const cexAt = t.legs.findIndex((l) => l.venue === t.cex_venue);
  const byRoute = t.legs.findIndex((l) => l.venue === t.dex_route);
  const dexAt = byRoute >= 0 ? byRoute : t.legs.findIndex((_, i) => i !== cexAt);
  const legs = t.legs.map((l, i) =>
    i === cexAt ? legAfter(l, u.cex_filled_base, u.cex_avg_price, u.cex_done_us, u.outcome) : i === dexAt ? legAfter(l, u.dex_filled_base, u.dex_avg_price, u.dex_done_us, u.outcome) : l,
  );
  const troubled = u.outcome === Outcome.failedLeg || u.outcome === Outcome.unhedged || u.outcome === Outcome.rejected || u.outcome === Outcome.unknown;
  return {
    state,
    legs,
    realised_pnl_quote: Number.isFinite(u.realised_pnl_quote) ? u.realised_pnl_quote : t.realised_pnl_quote,
    // The executor's own reason (venue error text) is better than ours; only fill an empty one.
    ...(troubled && t.reason === null ? { reason: `exec.result: ${OUTCOME_NAMES.get(u.outcome)}` } : {}),
    updated_ts_ms: Math.max(nowMs, t.updated_ts_ms),
  };
}

/** The trade as it is after `patch` (to chain several results for one trade in one batch). */
export function applyPatch(t: TradeRecord, p: TradePatch): TradeRecord {
  return {
    ...t,
    state: p.state ?? t.state,
    legs: p.legs ?? t.legs,
    realised_pnl_quote: p.realised_pnl_quote === undefined ? t.realised_pnl_quote : p.realised_pnl_quote,
    reason: p.reason === undefined ? t.reason : p.reason,
    updated_ts_ms: p.updated_ts_ms,
  };
}

/** An Inventory record → two snapshots: the asset's free base and the venue's free quote. */
export function inventorySnapshots(v: InventoryView, n: Names, clock: Clock): InventorySnapshot[] {
  const ts_ms = v.exchTimeMs > 0 ? Math.round(v.exchTimeMs) : Math.round(clock.nowMs());
  const venue = n.venue(v.venue);
  return [
    { ts_ms, venue, asset: n.asset(v.asset), free: nonNeg(v.baseFree), locked: 0 },
    { ts_ms, venue, asset: n.quote(v.asset, v.venue), free: nonNeg(v.quoteFree), locked: 0 },
  ];
}
