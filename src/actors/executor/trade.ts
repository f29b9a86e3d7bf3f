import type { Clock } from '../../shared/clock.ts';
import { errorMessage } from '../../shared/errors.ts';
import { clientOrderId } from '../../shared/ids.ts';
import type { Logger } from '../../shared/log.ts';
import type { Direction, Leg as LegRecord, Store, TradeRecord, TradeState } from '../../shared/store/index.ts';
import { StoreError } from '../../shared/store/index.ts';
import type { Leg, LegRequest, LegResult, Reliability } from './legs.ts';

/**
 * One trade through the leg-risk state machine (DESIGN §6):
 *
 *   intent (persisted, with each leg's durable reference, before anything is sent)
 *   → submitted (both legs in flight, the less reliable venue first)
 *   → filled → verified (amounts re-read from the venue's own records)
 *   | partial / failed_leg → hedging (same CEX venue, IOC, bounded in time and loss) → hedged | unhedged
 *   | unknown → reconciling (by client order id / signature) → one of the above
 *   | rejected (neither leg filled: nothing to hedge)
 *
 * A timeout is never a rejection: an unknown leg is reconciled from the venue's records, and one
 * still unknown after the reconcile budget keeps the trade `unknown` for the operator and for the
 * restart recovery, rather than guessing.
 */
export interface TradePlan {
  key: string;
  asset: string;
  cexVenue: string;
  dexRoute: string;
  direction: Direction;
  windowId: number;
  attempt: number;
  sizeBase: number;
  cexRefPrice: number;
  cexPriceCap: number;
  dexExpectedQuote: number;
  dexLimitQuote: number;
  predictedPnl: number;
  /** USD per unit of the pool's quote (the USD/USDC basis at decision; 1 = same currency as the CEX). */
  usdPerDexQuote: number;
  tickRecvUs: number;
  decidedUs: number;
}

export interface TradeDeps {
  store: Store;
  cex: Leg;
  dex: Leg;
  clock: Clock;
  log: Logger;
  reliability: Reliability;
  hedge: { maxLossPct: number; attempts: number };
  reconcile: { attempts: number; everyMs: number };
  sleep: (ms: number) => Promise<void>;
  /** Fault-injection seam: called at each lifecycle point (restart-safety tests crash here). */
  checkpoint?: (point: LifecyclePoint, key: string) => void;
}

/**
 * The points of a trade's life where the restart-safety test crashes the executor (in order; the
 * hedge point is reached only when one leg filled more than the other). `after-final` is in the
 * engine: the final state is written, the result not yet published.
 */
export const LIFECYCLE_POINTS = [
  'before-intent', 'after-intent', 'after-send', 'after-cex-leg', 'after-dex-leg', 'after-legs', 'after-hedge-send', 'after-verify', 'before-final', 'after-final',
] as const;
export type LifecyclePoint = (typeof LIFECYCLE_POINTS)[number];

export interface TradeOutcome {
  state: TradeState;
  duplicate: boolean;
  cex: LegResult;
  dex: LegResult;
  hedges: LegResult[];
  hedgeSides: ('buy' | 'sell')[];
  /** The hedges as stored (venue, client order id or signature, fill). */
  hedgeRecords: LegRecord[];
  realisedPnl: number;
  /** Base left unhedged (signed: + long, − short) and its quote notional at the reference price. */
  residualBase: number;
  unhedgedQuote: number;
  reason: string | null;
}

const EPS = 1e-9;
const pending = (): LegResult => ({ status: 'unknown', filledBase: 0, avgPrice: 0, feeQuote: 0, ref: null, reason: 'not sent', doneUs: 0 });

export function legRequests(p: TradePlan): { cex: LegRequest; dex: LegRequest } {
  const buyCex = p.direction === 'buy_cex_sell_dex';
  return {
    cex: { tradeKey: p.key, clientOrderId: clientOrderId(p.key, 'cex'), side: buyCex ? 'buy' : 'sell', sizeBase: p.sizeBase, priceCap: p.cexPriceCap, limitQuote: 0 },
    dex: { tradeKey: p.key, clientOrderId: `${p.key}|dex`, side: buyCex ? 'sell' : 'buy', sizeBase: p.sizeBase, priceCap: 0, limitQuote: p.dexLimitQuote },
  };
}

export function legRecord(venue: string, r: LegRequest, res: LegResult | undefined, ref: string, isDex: boolean, validUntilHeight?: number, usdPerQuote?: number): LegRecord {
  const st = res?.status;
  return {
    ...(validUntilHeight !== undefined ? { valid_until_height: validUntilHeight } : {}),
    ...(usdPerQuote !== undefined && usdPerQuote !== 1 ? { usd_per_quote: usdPerQuote } : {}),
    venue,
    side: r.side,
    client_order_id: r.clientOrderId,
    price_cap: isDex ? 0 : r.priceCap,
    size_base: r.sizeBase,
    filled_size_base: res?.filledBase ?? 0,
    avg_price: res && res.filledBase > 0 ? res.avgPrice : null,
    fee_quote: res ? res.feeQuote : null,
    status: !res ? 'pending' : st === 'no_fill' ? 'cancelled' : st === 'filled' ? 'filled' : st === 'partial' ? 'partial' : st === 'rejected' ? 'rejected' : 'unknown',
    order_id: isDex ? null : (res?.ref ?? null),
    signature: isDex ? ref : null,
    sent_us: null,
    ack_us: null,
    filled_us: res && res.doneUs > 0 ? res.doneUs : null,
  };
}

/** Signed quote flow of a leg: + received, − paid (fees always paid). */
function quoteFlow(side: 'buy' | 'sell', r: LegResult): number {
  const gross = r.filledBase * r.avgPrice;
  return (side === 'sell' ? gross : -gross) - r.feeQuote;
}

/** Reason prefix of a trade left `filled` because a venue's records could not be read (re-tried later). */
export const VERIFY_UNREAD = 'verification could not read the venue records';

/**
 * Verification: both legs re-read from the venue's own records (CEX fills, the transaction's
 * balance changes). A read that fails is venue weather (a 5xx on the fills endpoint), not a broken
 * invariant: retried `attempts` times, then the trade stays `filled` (both legs did fill, per the
 * venues' answers to the orders) with a `VERIFY_UNREAD` reason, which the executor's periodic
 * settle pass verifies again, instead of crashing the executor and every trade in it.
 */
export async function verifyLegs(
  cexLeg: Leg,
  dexLeg: Leg,
  req: { cex: LegRequest; dex: LegRequest },
  cex: LegResult,
  dex: LegResult,
  dust: number,
  retry: { attempts: number; everyMs: number; sleep: (ms: number) => Promise<void> },
): Promise<{ state: 'verified' | 'filled'; reason: string | null; cex: LegResult; dex: LegResult }> {
  const read = async (leg: Leg, r: LegRequest, res: LegResult): Promise<LegResult | string> => {
    for (let i = 0; ; i++) {
      try {
        return await leg.verify(r, res);
      } catch (e) {
        if (i + 1 >= Math.max(1, retry.attempts)) return `${leg.venue}: ${errorMessage(e)}`;
        await retry.sleep(retry.everyMs * (i + 1));
      }
    }
  };
  const [vc, vd] = await Promise.all([read(cexLeg, req.cex, cex), read(dexLeg, req.dex, dex)]);
  if (typeof vc === 'string' || typeof vd === 'string') {
    const what = [vc, vd].filter((v) => typeof v === 'string').join('; ').slice(0, 240);
    return { state: 'filled', reason: `${VERIFY_UNREAD} (${what}); fills as the venues answered the orders`, cex, dex };
  }
  const same = (a: LegResult, b: LegResult) => Math.abs(a.filledBase - b.filledBase) <= dust;
  if (same(vc, cex) && same(vd, dex)) return { state: 'verified', reason: null, cex: vc, dex: vd };
  return { state: 'filled', reason: `verification differs: cex ${vc.filledBase} vs ${cex.filledBase}, dex ${vd.filledBase} vs ${dex.filledBase}`, cex: vc, dex: vd };
}

/**
 * Both legs must trade the same base amount, so the size is first rounded down to the coarser of
 * the two venues' steps (the CEX's size increment, 1e-8 SOL, against the pool's 1e-9): otherwise
 * the CEX rounds and the pool does not, and the difference is a dust position no venue will hedge.
 */
export function alignSize(size: number, step: number): number {
  if (!(step > 0)) return size;
  const decimals = Math.max(0, Math.round(-Math.log10(step)));
  return Number((Math.floor(size / step + 1e-9) * step).toFixed(decimals));
}

/**
 * Flatten a residual position (+ long base, − short base) left by one leg filling more than the other.
 *
 * When the pool leg filled and the CEX leg did not, the position is first unwound on the pool: the
 * pool has not moved against us (our swap is what moved it), so giving the base back costs two pool
 * fees and the impact, while the CEX leg usually failed because that venue's price just ran away —
 * a hedge there, capped at its old reference, would not fill either. What is left goes to the CEX
 * as IOCs capped at `cexRefPrice × (1 ∓ maxLossPct)`. Every hedge is written to the store (as the
 * pending last leg: a client order id, or the signed swap's signature and last valid height) before
 * it is sent, so recovery can look it up after a crash; an unknown hedge outcome stops hedging (a
 * second hedge on top of one that filled would open the opposite position).
 */
export interface FlattenContext {
  key: string;
  cex: Leg;
  dex: Leg;
  store: Store;
  clock: Clock;
  residual: number;
  dust: number;
  maxLossPct: number;
  attempts: number;
  cexRefPrice: number;
  /** USD per unit of the pool's quote, recorded on a pool unwind like on the pool leg. */
  usdPerDexQuote: number;
  /** The pool leg over-filled: unwind up to `size` base there first, priced from its fill. */
  dexUnwind: { size: number; avgPrice: number } | null;
  /** Appended: each hedge's result, side and stored leg record. */
  hedges: LegResult[];
  sides: ('buy' | 'sell')[];
  records: LegRecord[];
  /** The two main legs as they should be stored. */
  main: () => LegRecord[];
  afterSend?: () => void;
}

export async function flatten(o: FlattenContext): Promise<{ residual: number; unknown: boolean }> {
  let residual = o.residual;
  const capPct = o.maxLossPct / 100;
  const durable = (pending: LegRecord) => o.store.updateTrade(o.key, { legs: [...o.main(), ...o.records, pending], updated_ts_ms: Math.floor(o.clock.nowMs()) });
  const applied = (h: LegResult, sell: boolean) => {
    if (h.status === 'filled' || h.status === 'partial') residual += sell ? -h.filledBase : h.filledBase;
  };
  if (o.dexUnwind && Math.abs(residual) > o.dust) {
    const size = Math.min(Math.abs(residual), o.dexUnwind.size);
    const sell = residual > 0;
    const px = o.dexUnwind.avgPrice;
    const req: LegRequest = {
      tradeKey: `${o.key}|unwind`, clientOrderId: clientOrderId(o.key, 'hedge', o.hedges.length), side: sell ? 'sell' : 'buy',
      sizeBase: size, priceCap: 0, limitQuote: sell ? size * px * (1 - capPct) : size * px * (1 + capPct),
    };
    o.dex.expectEdge?.(req.tradeKey, size * px * capPct); // worth at most the loss it avoids
    const ref = await o.dex.prepare(req);
    const height = o.dex.validUntilHeight?.(ref);
    await durable(legRecord(o.dex.venue, req, undefined, ref, true, height, o.usdPerDexQuote));
    const h = await o.dex.submit(req);
    o.afterSend?.();
    o.hedges.push(h);
    o.sides.push(req.side);
    o.records.push(legRecord(o.dex.venue, req, h, ref, true, height, o.usdPerDexQuote));
    if (h.status === 'unknown') return { residual, unknown: true };
    applied(h, sell);
  }
  for (let i = 0; i < o.attempts && Math.abs(residual) > o.dust; i++) {
    const sell = residual > 0;
    const req: LegRequest = {
      tradeKey: o.key, clientOrderId: clientOrderId(o.key, 'hedge', o.hedges.length), side: sell ? 'sell' : 'buy',
      sizeBase: Math.abs(residual), priceCap: o.cexRefPrice * (sell ? 1 - capPct : 1 + capPct), limitQuote: 0,
    };
    await durable(legRecord(o.cex.venue, req, undefined, '', false));
    const h = await o.cex.submit(req);
    o.afterSend?.();
    o.hedges.push(h);
    o.sides.push(req.side);
    o.records.push(legRecord(o.cex.venue, req, h, '', false));
    if (h.status === 'unknown') return { residual, unknown: true };
    applied(h, sell);
  }
  return { residual, unknown: false };
}

export async function runTrade(plan: TradePlan, d: TradeDeps): Promise<TradeOutcome> {
  const step = d.cex.sizeStep ?? 0;
  const p: TradePlan = { ...plan, sizeBase: alignSize(plan.sizeBase, step) };
  // A residual below half a step is rounding between the venues' units, not a position.
  const dust = Math.max(EPS * Math.max(1, p.sizeBase), step / 2);
  const req = legRequests(p);
  const nowMs = () => Math.floor(d.clock.nowMs());
  const out: TradeOutcome = { state: 'intent', duplicate: false, cex: pending(), dex: pending(), hedges: [], hedgeSides: [], hedgeRecords: [], realisedPnl: 0, residualBase: 0, unhedgedQuote: 0, reason: null };
  // Durable references first: the DEX transaction is signed now, so its signature is in the intent
  // and a crash after sending can still be reconciled; the CEX ref is the client order id.
  const [cexRef, dexRef] = await Promise.all([d.cex.prepare(req.cex), d.dex.prepare(req.dex)]);
  const at = (point: LifecyclePoint) => d.checkpoint?.(point, p.key);
  const legs = (cex?: LegResult, dex?: LegResult) => [
    legRecord(d.cex.venue, req.cex, cex, cexRef, false),
    legRecord(d.dex.venue, req.dex, dex, dexRef, true, d.dex.validUntilHeight?.(dexRef), p.usdPerDexQuote),
    ...out.hedgeRecords,
  ];
  const intent: TradeRecord = {
    trade_key: p.key, asset: p.asset, cex_venue: p.cexVenue, dex_route: p.dexRoute, direction: p.direction,
    window_id: String(p.windowId), attempt: p.attempt, state: 'intent', legs: legs(),
    predicted_pnl_quote: p.predictedPnl, realised_pnl_quote: null, reason: null,
    tick_recv_us: Math.max(0, p.tickRecvUs), decided_us: Math.max(0, p.decidedUs), created_ts_ms: nowMs(), updated_ts_ms: nowMs(),
  };
  at('before-intent');
  try {
    await d.store.insertTradeIntent(intent);
  } catch (e) {
    if (e instanceof StoreError && e.code === 'STORE_DUPLICATE_TRADE_KEY') {
      // Already decided (a restarted signal re-emitted an attempt): the store refuses the second
      // intent, so nothing is sent twice.
      d.log.warn({ correlation_id: p.key }, 'duplicate trade key: already handled, nothing sent');
      return { ...out, duplicate: true, state: 'rejected', reason: 'duplicate trade key' };
    }
    throw e;
  }
  at('after-intent');

  // Both legs at once, the less reliable venue dispatched first.
  const cexFirst = d.reliability.of(d.cex.venue) <= d.reliability.of(d.dex.venue);
  let cexP: Promise<LegResult>;
  let dexP: Promise<LegResult>;
  if (cexFirst) {
    cexP = d.cex.submit(req.cex);
    dexP = d.dex.submit(req.dex);
  } else {
    dexP = d.dex.submit(req.dex);
    cexP = d.cex.submit(req.cex);
  }
  at('after-send');
  const submitted = d.store.updateTrade(p.key, { state: 'submitted', updated_ts_ms: nowMs() });
  if (d.checkpoint) {
    // One leg answered, the other still out: the hardest point to recover from.
    void cexP.then(() => at('after-cex-leg'));
    void dexP.then(() => at('after-dex-leg'));
  }
  let [cex, dex] = await Promise.all([cexP, dexP]);
  await submitted;
  at('after-legs');

  if (cex.status === 'unknown' || dex.status === 'unknown') {
    await d.store.updateTrade(p.key, { state: 'reconciling', legs: legs(cex, dex), updated_ts_ms: nowMs() });
    for (let i = 0; i < d.reconcile.attempts && (cex.status === 'unknown' || dex.status === 'unknown'); i++) {
      await d.sleep(d.reconcile.everyMs * (i + 1));
      if (cex.status === 'unknown') cex = await d.cex.reconcile(req.cex, cexRef);
      if (dex.status === 'unknown') dex = await d.dex.reconcile(req.dex, dexRef);
    }
  }
  d.reliability.observe(d.cex.venue, cex.status === 'filled');
  d.reliability.observe(d.dex.venue, dex.status === 'filled');
  out.cex = cex;
  out.dex = dex;
  if (cex.status === 'unknown' || dex.status === 'unknown') {
    out.state = 'unknown';
    out.reason = `leg outcome still unknown after ${d.reconcile.attempts} reconciliations (${cex.status === 'unknown' ? d.cex.venue : d.dex.venue})`;
    await d.store.updateTrade(p.key, { state: 'unknown', legs: legs(cex, dex), reason: out.reason, updated_ts_ms: nowMs() });
    return out;
  }

  const bought = req.cex.side === 'buy' ? cex.filledBase : dex.filledBase;
  const sold = req.cex.side === 'sell' ? cex.filledBase : dex.filledBase;
  let residual = bought - sold; // + long base, − short base
  if (bought < EPS && sold < EPS) {
    out.state = 'rejected';
    out.reason = `neither leg filled (cex ${cex.status}${cex.reason ? `: ${cex.reason}` : ''}, dex ${dex.status}${dex.reason ? `: ${dex.reason}` : ''})`;
  } else if (Math.abs(residual) <= dust) {
    out.state = 'filled';
  } else {
    // One leg filled more than the other: flatten the difference now (see `flatten`).
    await d.store.updateTrade(p.key, { state: 'hedging', legs: legs(cex, dex), updated_ts_ms: nowMs() });
    const dexOver = dex.filledBase - cex.filledBase;
    const f = await flatten({
      key: p.key, cex: d.cex, dex: d.dex, store: d.store, clock: d.clock, residual, dust,
      maxLossPct: d.hedge.maxLossPct, attempts: d.hedge.attempts, cexRefPrice: p.cexRefPrice, usdPerDexQuote: p.usdPerDexQuote,
      dexUnwind: dexOver > dust && dex.avgPrice > 0 ? { size: dexOver, avgPrice: dex.avgPrice } : null,
      hedges: out.hedges, sides: out.hedgeSides, records: out.hedgeRecords, main: () => legs(cex, dex).slice(0, 2),
      ...(d.checkpoint ? { afterSend: () => at('after-hedge-send') } : {}),
    });
    residual = f.residual;
    const flat = Math.abs(residual) <= dust;
    out.state = f.unknown ? 'unknown' : flat ? 'hedged' : 'unhedged';
    // Name the short leg and its own reason (a min-out breach, a refused order): that is what an
    // operator needs to tell venue weather from a pricing problem.
    const short = cex.status === 'filled' ? dex : cex;
    const on = [...new Set(out.hedgeRecords.map((h) => h.venue))].join(' and ') || d.cex.venue;
    const what = f.unknown ? `a hedge's outcome is unknown (reconciled later), ${Math.abs(residual)} base open` : flat ? 'hedged' : `${Math.abs(residual)} base left unhedged`;
    out.reason = `${cex.status === 'filled' ? 'dex' : 'cex'} leg ${short.status}${short.reason ? ` (${short.reason.slice(0, 160)})` : ''}; ${what} on ${on}`;
  }

  if (out.state === 'filled') {
    const v = await verifyLegs(d.cex, d.dex, req, cex, dex, dust, { attempts: d.reconcile.attempts, everyMs: d.reconcile.everyMs, sleep: d.sleep });
    out.state = v.state;
    out.reason = v.reason;
    out.cex = cex = v.cex;
    out.dex = dex = v.dex;
    at('after-verify');
  }
  at('before-final');
  out.residualBase = residual;
  out.unhedgedQuote = Math.abs(residual) * p.cexRefPrice;
  // In the CEX's quote (USD): pool flows (the leg and any unwind on the pool) are in USDC and are
  // converted at the basis the decision used, as the prediction was; at a 30 bps basis, counting
  // USDC as USD would misstate every trade by 0.3 % of its notional.
  const usd = p.usdPerDexQuote;
  out.realisedPnl =
    quoteFlow(req.cex.side, cex) +
    quoteFlow(req.dex.side, dex) * usd +
    out.hedges.reduce((sum, h, i) => sum + quoteFlow(out.hedgeSides[i]!, h) * (out.hedgeRecords[i]?.venue === d.dex.venue ? usd : 1), 0) +
    residual * p.cexRefPrice; // an open position is marked at the reference price
  await d.store.updateTrade(p.key, { state: out.state, legs: legs(cex, dex), realised_pnl_quote: out.realisedPnl, reason: out.reason, updated_ts_ms: nowMs() });
  return out;
}
