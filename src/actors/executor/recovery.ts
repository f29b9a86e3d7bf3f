import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { Store, TradeRecord, TradeState } from '../../shared/store/index.ts';
import type { Leg, LegRequest, LegResult } from './legs.ts';

/**
 * Startup is recovery (crash-only, DESIGN §13.5): every trade this asset left in a non-final state
 * is settled from the venues' own records before a new one is taken — the CEX order by its client
 * order id, the swap by the signature written into the intent before it was sent. Nothing is
 * re-sent and nothing is assumed: what cannot be settled stays `unknown` for the operator, and a
 * mismatch between the legs is reported `unhedged` with its exposure.
 */
export const OPEN_STATES: readonly TradeState[] = ['intent', 'submitted', 'reconciling', 'unknown', 'hedging', 'partial', 'failed_leg', 'filled'];

export interface Recovered {
  key: string;
  state: TradeState;
  unhedgedQuote: number;
  trade: TradeRecord;
}

function requestOf(t: TradeRecord, i: number): LegRequest {
  const l = t.legs[i]!;
  return { tradeKey: t.trade_key, clientOrderId: l.client_order_id, side: l.side, sizeBase: l.size_base, priceCap: l.price_cap, limitQuote: 0 };
}

/**
 * A swap signed by a previous process whose blockhash we no longer know: once the trade is older
 * than any blockhash can live (150 blocks ≈ 60-90 s, fetched at most 20 s before signing), "not
 * found" is proof it never landed.
 */
const BLOCKHASH_LIFETIME_MS = 120_000;

export async function recoverTrades(o: {
  store: Store;
  asset: string;
  cexByVenue: Map<string, Leg>;
  dexByRoute: Map<string, Leg>;
  clock: Clock;
  log: Logger;
  /** Which states to settle (startup: every open state; periodically: `unknown` only). */
  states?: readonly TradeState[];
  /** Trades a live task is still running: never touch those. */
  skip?: ReadonlySet<string>;
}): Promise<Recovered[]> {
  const out: Recovered[] = [];
  let cursor: string | null = null;
  do {
    const page = await o.store.listTrades({ asset: o.asset, state: o.states ?? OPEN_STATES, limit: 200, ...(cursor ? { cursor } : {}) });
    for (const t of page.items) if (!o.skip?.has(t.trade_key)) out.push(await recoverOne(o, t));
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

async function recoverOne(o: Parameters<typeof recoverTrades>[0], t: TradeRecord): Promise<Recovered> {
  const cexLeg = o.cexByVenue.get(t.cex_venue);
  const dexLeg = o.dexByRoute.get(t.dex_route);
  const nowMs = Math.floor(o.clock.nowMs());
  if (!cexLeg || !dexLeg || t.legs.length < 2) {
    const reason = `after restart: no execution client for ${!cexLeg ? t.cex_venue : t.dex_route}; settle by hand`;
    await o.store.updateTrade(t.trade_key, { state: 'unknown', reason, updated_ts_ms: nowMs });
    return { key: t.trade_key, state: 'unknown', unhedgedQuote: 0, trade: t };
  }
  const cexReq = requestOf(t, 0);
  const dexReq = requestOf(t, 1);
  const cex: LegResult = await cexLeg.reconcile(cexReq, t.legs[0]!.client_order_id);
  let dex: LegResult = t.legs[1]!.signature
    ? await dexLeg.reconcile(dexReq, t.legs[1]!.signature)
    : { status: 'no_fill', filledBase: 0, avgPrice: 0, feeQuote: 0, ref: null, reason: 'never signed', doneUs: 0 };
  if (dex.status === 'unknown' && dex.reason?.startsWith('not found') && nowMs - t.created_ts_ms > BLOCKHASH_LIFETIME_MS) {
    dex = { ...dex, status: 'no_fill', reason: `not found ${Math.round((nowMs - t.created_ts_ms) / 1000)} s after signing: its blockhash has expired, so it never landed` };
  }
  // Hedge legs (index ≥ 2) are folded in by their recorded fills: they were IOCs on the same venue.
  let hedgeBase = 0;
  for (const h of t.legs.slice(2)) hedgeBase += (h.side === 'buy' ? 1 : -1) * h.filled_size_base;
  let state: TradeState;
  let reason: string;
  let unhedgedQuote = 0;
  if (cex.status === 'unknown' || dex.status === 'unknown') {
    state = 'unknown';
    reason = `after restart: ${cex.status === 'unknown' ? t.cex_venue : t.dex_route} outcome still unknown; settle by hand`;
  } else {
    const signed = (side: 'buy' | 'sell', b: number) => (side === 'buy' ? b : -b);
    const residual = signed(cexReq.side, cex.filledBase) + signed(dexReq.side, dex.filledBase) + hedgeBase;
    const size = Math.max(1, cexReq.sizeBase);
    if (cex.filledBase === 0 && dex.filledBase === 0) {
      state = 'rejected';
      reason = 'after restart: neither leg filled';
    } else if (Math.abs(residual) <= 1e-9 * size) {
      state = t.legs.length > 2 ? 'hedged' : 'filled';
      reason = 'after restart: legs settled from venue records';
    } else {
      state = 'unhedged';
      unhedgedQuote = Math.abs(residual) * (cex.avgPrice || t.legs[0]!.price_cap);
      reason = `after restart: ${Math.abs(residual)} base unhedged; hedge by hand or let the operator decide`;
    }
  }
  const legs = t.legs.map((l, i) =>
    i === 0 ? { ...l, filled_size_base: cex.filledBase, avg_price: cex.filledBase > 0 ? cex.avgPrice : null, fee_quote: cex.feeQuote, status: statusOf(cex), order_id: cex.ref ?? l.order_id }
    : i === 1 ? { ...l, filled_size_base: dex.filledBase, avg_price: dex.filledBase > 0 ? dex.avgPrice : null, fee_quote: dex.feeQuote, status: statusOf(dex) }
    : l,
  );
  await o.store.updateTrade(t.trade_key, { state, legs, reason, updated_ts_ms: nowMs });
  o.log.warn({ correlation_id: t.trade_key, state, reason }, 'trade recovered after restart');
  return { key: t.trade_key, state, unhedgedQuote, trade: t };
}

function statusOf(r: LegResult): 'filled' | 'partial' | 'cancelled' | 'rejected' | 'unknown' {
  return r.status === 'no_fill' ? 'cancelled' : r.status;
}
