import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { Leg as LegRecord, Store, TradeRecord, TradeState } from '../../shared/store/index.ts';
import type { Leg, LegRequest, LegResult } from './legs.ts';
import { flatten, VERIFY_UNREAD, verifyLegs } from './trade.ts';

const NO_RETRY = { attempts: 1, everyMs: 0, sleep: async () => undefined };

/**
 * Startup is recovery (crash-only, DESIGN §13.5): every trade this asset left in a non-final state
 * is settled from the venues' own records before a new one is taken — the CEX order by its client
 * order id, the swap by the signature written into the intent before it was sent. Nothing is
 * re-sent and nothing is assumed: what cannot be settled stays `unknown` for the operator, and a
 * mismatch between the legs is reported `unhedged` with its exposure. `filled` is listed only for
 * the trades whose verification could not read the venue (VERIFY_UNREAD): those are read again.
 */
export const OPEN_STATES: readonly TradeState[] = ['intent', 'submitted', 'reconciling', 'unknown', 'hedging', 'partial', 'failed_leg', 'filled'];

export interface Recovered {
  key: string;
  state: TradeState;
  unhedgedQuote: number;
  trade: TradeRecord;
  /** A settled (`filled`) trade only read again: its result was published when it settled. */
  reverified?: boolean;
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
const RECOVER_CONCURRENCY = 8;
const REVERIFY_FOR_MS = 24 * 3_600_000;

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
  /** Hedge a one-legged trade on its CEX (absent: report it unhedged and leave it to the operator). */
  hedge?: { maxLossPct: number; attempts: number };
}): Promise<Recovered[]> {
  const out: Recovered[] = [];
  let cursor: string | null = null;
  do {
    const page = await o.store.listTrades({ asset: o.asset, state: o.states ?? OPEN_STATES, limit: 200, ...(cursor ? { cursor } : {}) });
    // Trades settle independently (one venue lookup each): a few at a time, so a restart with
    // several trades in flight is back in service in about one round trip, not one per trade.
    // A `filled` trade is settled; only one whose verification could not read the venue is read
    // again, for a day (a venue that still cannot show a day-old fill is a question for an operator).
    const now = o.clock.nowMs();
    const reread = (t: TradeRecord) => t.reason?.includes(VERIFY_UNREAD) === true && now - t.created_ts_ms < REVERIFY_FOR_MS;
    const todo = page.items.filter((t) => !o.skip?.has(t.trade_key) && (t.state !== 'filled' || reread(t)));
    const one = (t: TradeRecord) => (t.state === 'filled' ? reverify(o, t) : recoverOne(o, t));
    for (let i = 0; i < todo.length; i += RECOVER_CONCURRENCY) out.push(...(await Promise.all(todo.slice(i, i + RECOVER_CONCURRENCY).map(one))));
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

/**
 * A trade both of whose legs filled but whose verification could not read the venue's records:
 * read them again from the stored legs (nothing is reconciled or re-sent). Verified, or a reason
 * that says what differs; still unreadable, it stays as it is for the next pass.
 */
async function reverify(o: Parameters<typeof recoverTrades>[0], t: TradeRecord): Promise<Recovered> {
  const cexLeg = o.cexByVenue.get(t.cex_venue);
  const dexLeg = o.dexByRoute.get(t.dex_route);
  const same = { key: t.trade_key, state: t.state, unhedgedQuote: 0, trade: t, reverified: true };
  if (!cexLeg || !dexLeg || t.legs.length < 2) return same;
  const cex = storedResult(t.legs[0]!, 'filled');
  const dex = storedResult(t.legs[1]!, 'filled');
  const dust = Math.max(1e-9 * Math.max(1, t.legs[0]!.size_base), (cexLeg.sizeStep ?? 0) / 2);
  const v = await verifyLegs(cexLeg, dexLeg, { cex: requestOf(t, 0), dex: requestOf(t, 1) }, cex, dex, dust, NO_RETRY);
  if (v.reason?.startsWith(VERIFY_UNREAD)) return same;
  const legs = [settle(t.legs[0]!, v.cex), { ...settle(t.legs[1]!, v.dex), order_id: t.legs[1]!.order_id }, ...t.legs.slice(2)];
  const reason = v.state === 'verified' ? 'verified on a later pass (the venue records were unreadable at first)' : v.reason;
  await o.store.updateTrade(t.trade_key, { state: v.state, legs, reason, updated_ts_ms: Math.floor(o.clock.nowMs()) });
  o.log.info({ correlation_id: t.trade_key, state: v.state }, 'trade verified again');
  return { key: t.trade_key, state: v.state, unhedgedQuote: 0, trade: t, reverified: true };
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
  let cex: LegResult = await cexLeg.reconcile(cexReq, t.legs[0]!.client_order_id);
  let dex: LegResult = t.legs[1]!.signature
    ? await dexLeg.reconcile(dexReq, t.legs[1]!.signature, t.legs[1]!.valid_until_height ?? undefined)
    : { status: 'no_fill', filledBase: 0, avgPrice: 0, feeQuote: 0, ref: null, reason: 'never signed', doneUs: 0 };
  if (dex.status === 'unknown' && dex.reason?.startsWith('not found') && nowMs - t.created_ts_ms > BLOCKHASH_LIFETIME_MS) {
    dex = { ...dex, status: 'no_fill', reason: `not found ${Math.round((nowMs - t.created_ts_ms) / 1000)} s after signing: its blockhash has expired, so it never landed` };
  }
  // Hedge legs (index ≥ 2): CEX IOCs or pool unwinds, each written to the store before it was sent.
  // One a crash left without an answer is looked up like a main leg: by its client order id, or by
  // its signature (and proven expired by its stored last valid height).
  const hedges: LegResult[] = [];
  for (let i = 2; i < t.legs.length; i++) {
    const h = t.legs[i]!;
    const st = h.status === 'cancelled' ? 'no_fill' : h.status;
    hedges.push(
      st === 'filled' || st === 'partial' || st === 'no_fill' || st === 'rejected'
        ? storedResult(h, st)
        : h.signature
          ? await dexLeg.reconcile(requestOf(t, i), h.signature, h.valid_until_height ?? undefined)
          : await cexLeg.reconcile(requestOf(t, i), h.client_order_id),
    );
  }
  let hedgeBase = 0;
  let hedgeUnknown = false;
  hedges.forEach((h, i) => {
    if (h.status === 'unknown') hedgeUnknown = true;
    hedgeBase += (t.legs[i + 2]!.side === 'buy' ? 1 : -1) * h.filledBase;
  });
  let state: TradeState;
  let reason: string;
  let unhedgedQuote = 0;
  const hedgeSides = t.legs.slice(2).map((l) => l.side);
  const main = (): LegRecord[] => [settle(t.legs[0]!, cex), { ...settle(t.legs[1]!, dex), order_id: t.legs[1]!.order_id }];
  // Stored hedges settled from the venues; new ones (below) are appended by `flatten`.
  const records: LegRecord[] = t.legs.slice(2).map((l, i) => ({ ...settle(l, hedges[i]!), ...(l.signature ? { order_id: l.order_id } : {}) }));
  const settledLegs = (): LegRecord[] => [...main(), ...records];
  if (cex.status === 'unknown' || dex.status === 'unknown' || hedgeUnknown) {
    state = 'unknown';
    reason = `after restart: ${cex.status === 'unknown' || hedgeUnknown ? t.cex_venue : t.dex_route} ${hedgeUnknown && cex.status !== 'unknown' ? 'hedge ' : ''}outcome still unknown; settle by hand`;
  } else {
    const signed = (side: 'buy' | 'sell', b: number) => (side === 'buy' ? b : -b);
    let residual = signed(cexReq.side, cex.filledBase) + signed(dexReq.side, dex.filledBase) + hedgeBase;
    const dust = Math.max(1e-9 * Math.max(1, cexReq.sizeBase), (cexLeg.sizeStep ?? 0) / 2);
    if (cex.filledBase === 0 && dex.filledBase === 0) {
      state = 'rejected';
      reason = 'after restart: neither leg filled';
    } else if (Math.abs(residual) <= dust && t.legs.length > 2) {
      state = 'hedged';
      reason = 'after restart: legs and hedges settled from venue records';
    } else if (Math.abs(residual) <= dust) {
      // Both legs filled: verify them as a live trade is verified (the venue's fill records, the
      // transaction's balance changes), so the trade ends final and no later restart revisits it.
      // One read, no waiting: an unreadable record leaves it `filled` for the periodic pass.
      const v = await verifyLegs(cexLeg, dexLeg, { cex: cexReq, dex: dexReq }, cex, dex, dust, NO_RETRY);
      state = v.state;
      reason = v.state === 'verified' ? 'after restart: legs settled and verified from venue records' : `after restart: ${v.reason}`;
      cex = v.cex;
      dex = v.dex;
    } else {
      // One leg filled and the other did not (the crash came between them, or before the hedge):
      // flatten it now, bounded in loss like a live hedge, rather than leave it to the exposure clock.
      const before = residual;
      const ref = cex.filledBase > 0 ? cex.avgPrice : t.legs[0]!.price_cap;
      let unknownHedge = false;
      if (o.hedge && o.hedge.attempts > 0) {
        await o.store.updateTrade(t.trade_key, { state: 'hedging', legs: settledLegs(), updated_ts_ms: nowMs });
        // The pool leg over-filled net of earlier pool unwinds: unwind the rest there first.
        let dexOver = dex.filledBase - cex.filledBase;
        t.legs.slice(2).forEach((l, i) => {
          if (l.signature) dexOver -= hedges[i]!.filledBase;
        });
        const f = await flatten({
          key: t.trade_key, cex: cexLeg, dex: dexLeg, store: o.store, clock: o.clock, residual, dust,
          maxLossPct: o.hedge.maxLossPct, attempts: o.hedge.attempts, cexRefPrice: ref, usdPerDexQuote: t.legs[1]?.usd_per_quote ?? 1,
          dexUnwind: dexOver > dust && dex.avgPrice > 0 ? { size: dexOver, avgPrice: dex.avgPrice } : null,
          hedges, sides: hedgeSides, records, main,
        });
        residual = f.residual;
        unknownHedge = f.unknown;
      }
      if (unknownHedge) {
        state = 'unknown';
        reason = `after restart: one leg short by ${Math.abs(before)} base; a hedge's outcome is unknown (reconciled later)`;
      } else if (Math.abs(residual) <= dust) {
        state = 'hedged';
        reason = `after restart: one leg short by ${Math.abs(before)} base; hedged on ${[...new Set(records.slice(t.legs.length - 2).map((r) => r.venue))].join(' and ') || t.cex_venue}`;
      } else {
        state = 'unhedged';
        unhedgedQuote = Math.abs(residual) * ref;
        reason = `after restart: ${Math.abs(residual)} base unhedged${o.hedge ? ` (hedge IOC capped at ${o.hedge.maxLossPct}% did not fill)` : ''}; hedge by hand or let the operator decide`;
      }
    }
  }
  const legs = settledLegs();
  await o.store.updateTrade(t.trade_key, { state, legs, reason, updated_ts_ms: nowMs });
  o.log.warn({ correlation_id: t.trade_key, state, reason }, 'trade recovered after restart');
  return { key: t.trade_key, state, unhedgedQuote, trade: t };
}

/** A leg as the store holds it, back as a result (a settled leg needs no venue lookup). */
function storedResult(l: LegRecord, status: LegResult['status']): LegResult {
  return { status, filledBase: l.filled_size_base, avgPrice: l.avg_price ?? 0, feeQuote: l.fee_quote ?? 0, ref: l.order_id ?? l.signature, reason: null, doneUs: l.filled_us ?? 0 };
}

function settle(l: LegRecord, r: LegResult): LegRecord {
  return { ...l, filled_size_base: r.filledBase, avg_price: r.filledBase > 0 ? r.avgPrice : null, fee_quote: r.feeQuote, status: statusOf(r), order_id: r.ref ?? l.order_id };
}

function statusOf(r: LegResult): 'filled' | 'partial' | 'cancelled' | 'rejected' | 'unknown' {
  return r.status === 'no_fill' ? 'cancelled' : r.status;
}
