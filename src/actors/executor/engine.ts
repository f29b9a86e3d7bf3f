import type { Clock } from '../../shared/clock.ts';
import { LatencyHistogram } from '../../shared/histogram.ts';
import { ControlFlag, type ControlBlock } from '../../shared/control.ts';
import { errorMessage } from '../../shared/errors.ts';
import { withCorrelation, type Logger } from '../../shared/log.ts';
import { Direction, ExecResult, ExecTry, Flag, Inventory, Kind, Outcome, Venue, kindAt, venueName, type ExecResultView, type ExecTryView, type InventoryView, type VenueName } from '../../shared/messages/index.ts';
import type { Memory } from '../../shared/ring/index.ts';
import type { Store, TradeState } from '../../shared/store/index.ts';
import type { ControlRequest } from '../runtime/protocol.ts';
import type { Output } from '../runtime/actor.ts';
import { Reliability, type Leg, type LegResult } from './legs.ts';
import { RiskCapsule, type RiskLimits } from './risk.ts';
import { recoverTrades } from './recovery.ts';
import { legRequests, runTrade, type TradeDeps, type TradeOutcome, type TradePlan } from './trade.ts';

export interface ExecutorSlice {
  asset: string;
  asset_index: number;
  /** Route names by index (as stored): `<program>#<index>`. */
  routes: string[];
  risk: RiskLimits;
  hedge: { max_loss_pct: number; attempts: number };
  reconcile: { attempts: number; every_ms: number };
  inventory_every_ms: number;
}

export interface ExecutorDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  control: ControlBlock;
  /** Legs by CEX venue id and by DEX route index. */
  cex: Map<number, Leg>;
  dex: Map<number, Leg>;
  out: { signal: Output | undefined; recorder: Output | undefined };
  requestControl: (r: Omit<ControlRequest, 'type'>) => void;
  sleep: (ms: number) => Promise<void>;
  checkpoint?: TradeDeps['checkpoint'];
}

const OUTCOME: Record<TradeState, number> = {
  intent: Outcome.unknown, submitted: Outcome.unknown, reconciling: Outcome.unknown, unknown: Outcome.unknown,
  filled: Outcome.filled, verified: Outcome.verified, partial: Outcome.partial, failed_leg: Outcome.failedLeg,
  hedging: Outcome.partial, hedged: Outcome.hedged, unhedged: Outcome.unhedged, rejected: Outcome.rejected, observe_only: Outcome.observeOnly,
};

/**
 * executor:<asset>: turns ExecTry records into trades. Each trade runs as a tracked task (never a
 * floating promise: a failure that is not a venue outcome crashes the actor, and startup recovery
 * picks up whatever was in flight). Risk capsule, control block and observe-only are checked again
 * here, at the last moment before money moves.
 */
export class ExecutorEngine {
  readonly risk: RiskCapsule;
  readonly reliability = new Reliability();
  private readonly tasks = new Set<Promise<void>>();
  /** Trade keys a live task is handling. */
  private readonly running = new Set<string>();
  private readonly tryView: ExecTryView = new ExecTry();
  private readonly resultView: ExecResultView = new ExecResult();
  private readonly invView: InventoryView = new Inventory();
  private seq = 0;
  private unhedged = new Map<string, number>();
  counts = { tries: 0, observe_only: 0, blocked: 0, duplicates: 0, verified: 0, hedged: 0, unhedged: 0, unknown: 0, rejected: 0, inventory_errors: 0 };
  readonly detectToFillsUs: number[] = [];
  /** Decision → leg filled, per leg (DESIGN §9 `cambist_detect_to_fill_seconds{leg}`). */
  readonly detectToFill = { cex: new LatencyHistogram(), dex: new LatencyHistogram() };
  /** |realised − predicted| / |predicted| of the last trades (for the median gauge). */
  private readonly predictionErrors: number[] = [];

  /**
   * When this incarnation started: an ExecTry decided earlier was read from the ring after a
   * restart (or during boot). Its prices are at least a boot old, so it is recorded, not sent.
   */
  private readonly startedUs: number;

  constructor(private slice: ExecutorSlice, private readonly d: ExecutorDeps) {
    this.risk = new RiskCapsule(slice.risk);
    this.startedUs = d.clock.monoUs();
  }

  configure(slice: ExecutorSlice): void {
    this.slice = slice;
    this.risk.setLimits(slice.risk);
  }

  onRecord(mem: Memory, off: number, len: number): void {
    if (kindAt(mem, off) !== Kind.ExecTry) return;
    const t = this.tryView.read(mem, off, len);
    const plan: TradePlan & { cexVenueId: number; route: number; observeOnly: boolean } = {
      key: t.tradeKey,
      asset: this.slice.asset,
      cexVenue: venueName(t.cexVenue),
      cexVenueId: t.cexVenue,
      dexRoute: this.slice.routes[t.dexRoute] ?? `route#${t.dexRoute}`,
      route: t.dexRoute,
      direction: t.direction === Direction.buyCexSellDex ? 'buy_cex_sell_dex' : 'buy_dex_sell_cex',
      windowId: t.windowId,
      attempt: t.attempt,
      sizeBase: t.sizeBase,
      cexRefPrice: t.cexRefPrice,
      cexPriceCap: t.cexPriceCap,
      dexExpectedQuote: t.dexExpectedQuote,
      dexLimitQuote: t.dexLimitQuote,
      predictedPnl: t.predictedPnlQuote,
      tickRecvUs: t.tickRecvUs,
      decidedUs: t.decidedUs,
      // 0 from a sender that predates the field: the legs quote in one currency.
      usdPerDexQuote: t.usdPerDexQuote > 0 ? t.usdPerDexQuote : 1,
      observeOnly: (t.flags & Flag.ObserveOnly) !== 0,
    };
    this.counts.tries++;
    this.running.add(plan.key);
    this.track(this.handle(plan).finally(() => this.running.delete(plan.key)));
  }

  private track(p: Promise<void>): void {
    const tracked = p.then(
      () => undefined,
      (e: unknown) => {
        // Not a venue outcome (those are results): a broken invariant or a store failure. Crash-only:
        // rethrow outside the promise so the worker dies and restarts through recovery.
        setImmediate(() => {
          throw e;
        });
      },
    );
    this.tasks.add(tracked);
    void tracked.finally(() => this.tasks.delete(tracked));
  }

  private async handle(p: TradePlan & { cexVenueId: number; route: number; observeOnly: boolean }): Promise<void> {
    const log = withCorrelation(this.d.log, p.key);
    const nowMs = this.d.clock.nowMs();
    const flags = this.d.control.effective(this.slice.asset_index, p.cexVenueId, Venue.solana);
    const notional = p.sizeBase * p.cexRefPrice;
    const cex = this.d.cex.get(p.cexVenueId);
    const dex = this.d.dex.get(p.route);
    let blocked: string | null = null;
    if (p.decidedUs > 0 && p.decidedUs < this.startedUs) blocked = 'decided before the executor (re)started: its prices are stale, not sent';
    else if (flags & ControlFlag.killed) blocked = 'kill switch on';
    else if (flags & ControlFlag.paused) blocked = 'paused';
    else if (!cex || !dex) blocked = `no execution client for ${!cex ? p.cexVenue : p.dexRoute}`;
    else {
      blocked = this.risk.check(notional, nowMs);
      if (blocked) this.tripDailyCap(blocked, notional);
    }
    const observeOnly = p.observeOnly || (flags & ControlFlag.observeOnly) !== 0;
    if (observeOnly || blocked) {
      const state: TradeState = observeOnly && !blocked ? 'observe_only' : 'rejected';
      if (state === 'observe_only') this.counts.observe_only++;
      else this.counts.blocked++;
      await this.recordUnsent(p, state, blocked ?? 'observe-only: computed and recorded, nothing sent');
      this.publishResult(p, state, undefined);
      return;
    }
    this.risk.onSent(notional, nowMs);
    dex!.expectEdge?.(p.key, p.predictedPnl);
    log.info({ size: p.sizeBase, predicted: p.predictedPnl }, 'trade');
    const out = await runTrade(p, {
      store: this.d.store, cex: cex!, dex: dex!, clock: this.d.clock, log, reliability: this.reliability,
      hedge: { maxLossPct: this.slice.hedge.max_loss_pct, attempts: this.slice.hedge.attempts },
      reconcile: { attempts: this.slice.reconcile.attempts, everyMs: this.slice.reconcile.every_ms }, sleep: this.d.sleep,
      ...(this.d.checkpoint ? { checkpoint: this.d.checkpoint } : {}),
    });
    if (out.duplicate) {
      this.counts.duplicates++;
      return;
    }
    this.d.checkpoint?.('after-final', p.key);
    this.tally(out.state);
    if (out.state === 'verified' || out.state === 'filled') {
      this.detectToFillsUs.push(Math.max(out.cex.doneUs, out.dex.doneUs) - p.decidedUs);
      if (this.detectToFillsUs.length > 1_000) this.detectToFillsUs.shift();
      if (out.cex.doneUs > 0) this.detectToFill.cex.record(out.cex.doneUs - p.decidedUs);
      if (out.dex.doneUs > 0) this.detectToFill.dex.record(out.dex.doneUs - p.decidedUs);
      if (p.predictedPnl !== 0) {
        this.predictionErrors.push(Math.abs(out.realisedPnl - p.predictedPnl) / Math.abs(p.predictedPnl));
        if (this.predictionErrors.length > 50) this.predictionErrors.shift();
      }
    }
    // Balances after every trade, so the signal sizes the next one on what is really left.
    this.track(this.refreshInventory());
    this.publishResult(p, out.state, out);
    log.info({ state: out.state, realised: out.realisedPnl, reason: out.reason }, 'trade done');
    const bothFilled = out.state === 'verified' || out.state === 'filled';
    if (this.risk.onResult(p.predictedPnl, out.realisedPnl, notional, this.d.clock.nowMs(), bothFilled) === 'observe_only') {
      this.d.requestControl({ scope: { asset: this.slice.asset }, action: 'observe_only_on', reason: 'predictionError', detail: `realised vs predicted PnL off by more than ${this.slice.risk.pnl_error_gate_pct}% of notional 3 times in 10 minutes` });
    }
    if (out.unhedgedQuote > 0) this.unhedged.set(p.key, out.unhedgedQuote);
    this.checkExposure();
  }

  private tally(s: TradeState): void {
    if (s === 'verified' || s === 'filled') this.counts.verified++;
    else if (s === 'hedged') this.counts.hedged++;
    else if (s === 'unhedged') this.counts.unhedged++;
    else if (s === 'unknown') this.counts.unknown++;
    else if (s === 'rejected') this.counts.rejected++;
  }

  /** The notional a daily cap refused (0: no cap pause of ours is on). */
  private capBlockedNotional = 0;

  /**
   * A daily cap (loss, trade count, notional) pauses the asset, with an incident, instead of
   * refusing attempt after attempt: the signal stops emitting while the asset is paused. The
   * pause lifts itself when the caps reset at 00:00 UTC (see `checkExposure`) or by an operator.
   */
  private tripDailyCap(why: string, notional: number): void {
    if (this.capBlockedNotional > 0) return;
    this.capBlockedNotional = Math.max(notional, 1e-9);
    this.d.requestControl({ scope: { asset: this.slice.asset }, action: 'pause', reason: 'riskCap', detail: `${why}; resumes at 00:00 UTC when the daily caps reset` });
  }

  /** Periodic: accrue unhedged exposure time; past the limit the kill switch goes on. */
  checkExposure(): void {
    const st = this.d.control.read({ kind: 'asset', index: this.slice.asset_index });
    if (st.paused && st.reason === 'riskCap' && this.risk.check(this.capBlockedNotional, this.d.clock.nowMs()) === null) {
      // A new UTC day (or raised limits): undo our own pause. An operator's pause is never touched.
      this.capBlockedNotional = 0;
      this.d.requestControl({ scope: { asset: this.slice.asset }, action: 'resume', reason: 'riskCap', detail: 'the daily caps have room again' });
    }
    let total = 0;
    for (const q of this.unhedged.values()) total += q;
    const nowMs = this.d.clock.nowMs();
    const verdict = this.risk.setUnhedged(total, nowMs);
    if (verdict === 'kill') {
      this.d.requestControl({ scope: null, action: 'kill', reason: 'unhedged', detail: `unhedged exposure ${this.risk.unhedgedQuoteSec.toFixed(0)} quote·s exceeds ${this.slice.risk.max_unhedged_quote_sec}` });
    }
  }

  private async recordUnsent(p: TradePlan, state: TradeState, reason: string): Promise<void> {
    const req = legRequests(p);
    const nowMs = Math.floor(this.d.clock.nowMs());
    const leg = (venue: string, r: typeof req.cex) => ({
      venue, side: r.side, client_order_id: r.clientOrderId, price_cap: r.priceCap, size_base: r.sizeBase, filled_size_base: 0,
      avg_price: null, fee_quote: null, status: 'pending' as const, order_id: null, signature: null, sent_us: null, ack_us: null, filled_us: null,
    });
    try {
      await this.d.store.insertTradeIntent({
        trade_key: p.key, asset: p.asset, cex_venue: p.cexVenue, dex_route: p.dexRoute, direction: p.direction, window_id: String(p.windowId),
        attempt: p.attempt, state, legs: [leg(p.cexVenue, req.cex), leg(p.dexRoute, req.dex)], predicted_pnl_quote: p.predictedPnl,
        realised_pnl_quote: null, reason, tick_recv_us: Math.max(0, p.tickRecvUs), decided_us: Math.max(0, p.decidedUs), created_ts_ms: nowMs, updated_ts_ms: nowMs,
      });
    } catch (e) {
      if ((e as { code?: string }).code !== 'STORE_DUPLICATE_TRADE_KEY') throw e;
    }
  }

  private publishResult(p: TradePlan & { cexVenueId: number; route: number }, state: TradeState, out: TradeOutcome | undefined): void {
    for (const o of [this.d.out.signal, this.d.out.recorder]) {
      if (!o) continue;
      const r = this.resultView.begin(o.producer);
      r.seq = ++this.seq;
      r.recvUs = this.d.clock.monoUs();
      r.exchTimeMs = this.d.clock.nowMs();
      r.tradeKey = p.key;
      r.asset = this.slice.asset_index;
      r.cexVenue = p.cexVenueId;
      r.dexRoute = p.route;
      r.direction = p.direction === 'buy_cex_sell_dex' ? Direction.buyCexSellDex : Direction.buyDexSellCex;
      r.outcome = OUTCOME[state];
      const z: LegResult = { status: 'no_fill', filledBase: 0, avgPrice: 0, feeQuote: 0, ref: null, reason: null, doneUs: 0 };
      const c = out?.cex ?? z;
      const d = out?.dex ?? z;
      r.cexFilledBase = c.filledBase;
      r.cexAvgPrice = c.avgPrice;
      r.dexFilledBase = d.filledBase;
      r.dexAvgPrice = d.avgPrice;
      r.predictedPnlQuote = p.predictedPnl;
      r.realisedPnlQuote = out?.realisedPnl ?? 0;
      r.tickRecvUs = p.tickRecvUs;
      r.decidedUs = p.decidedUs;
      r.cexDoneUs = c.doneUs;
      r.dexDoneUs = d.doneUs;
      o.publish();
    }
  }

  /** Read balances from every leg and tell the signal what is free to trade. */
  async refreshInventory(): Promise<void> {
    const out = this.d.out.signal;
    const report = async (venue: number, leg: Leg) => {
      try {
        const b = await leg.balances();
        if (!out) return;
        const v = this.invView.begin(out.producer);
        v.seq = ++this.seq;
        v.recvUs = this.d.clock.monoUs();
        v.venue = venue;
        v.asset = this.slice.asset_index;
        v.baseFree = b.base;
        v.quoteFree = b.quote;
        out.publish();
      } catch (e) {
        // A balance poll failing is network weather, not a broken invariant: the signal keeps the
        // last figures (and sizes nothing until the first ones arrive). Counted and logged.
        this.counts.inventory_errors++;
        this.d.log.warn({ venue: venueName(venue), err: errorMessage(e) }, 'balance refresh failed');
      }
    };
    await Promise.all([
      ...[...this.d.cex].map(([v, leg]) => report(v, leg)),
      ...[...this.d.dex.values()].slice(0, 1).map((leg) => report(Venue.solana, leg)),
    ]);
  }

  /** Today's (UTC) sent trades from the store, into the risk capsule (startup, crash-only). */
  async restoreRiskDay(): Promise<void> {
    const nowMs = this.d.clock.nowMs();
    const from = Math.floor(nowMs / 86_400_000) * 86_400_000;
    const day = { notional: 0, trades: 0, pnl: 0 };
    let cursor: string | null = null;
    do {
      const page = await this.d.store.listTrades({ asset: this.slice.asset, from_ms: from, limit: 500, ...(cursor ? { cursor } : {}) });
      for (const t of page.items) {
        // Counted when sent (as `onSent` does): not observe-only rows, not attempts refused before sending.
        const sent = t.state !== 'observe_only' && t.legs.slice(0, 2).some((l) => l.status !== 'pending');
        if (!sent) continue;
        day.trades++;
        day.notional += (t.legs[0]?.size_base ?? 0) * (t.legs[0]?.price_cap ?? 0);
        day.pnl += t.realised_pnl_quote ?? 0;
      }
      cursor = page.next_cursor;
    } while (cursor);
    this.risk.restoreDay(nowMs, day);
  }

  /**
   * Settle what a previous incarnation left open (see recovery.ts), before taking new trades; later,
   * periodically, retry the trades still `unknown` (`onlyUnknown`), skipping any a live task runs.
   */
  async recover(onlyUnknown = false): Promise<number> {
    const byName = (m: Map<number, Leg>, name: (k: number) => string) => new Map([...m].map(([k, leg]) => [name(k), leg]));
    const rec = await recoverTrades({
      store: this.d.store,
      asset: this.slice.asset,
      cexByVenue: byName(this.d.cex, (v) => venueName(v)),
      dexByRoute: byName(this.d.dex, (r) => this.slice.routes[r] ?? `route#${r}`),
      clock: this.d.clock,
      log: this.d.log,
      hedge: { maxLossPct: this.slice.hedge.max_loss_pct, attempts: this.slice.hedge.attempts },
      ...(onlyUnknown ? { states: ['unknown', 'filled'] as const, skip: this.running } : {}),
    });
    for (const r of rec) {
      if (r.reverified) continue;
      if (r.unhedgedQuote > 0) this.unhedged.set(r.key, r.unhedgedQuote);
      // Tell the signal: the window that emitted this trade is waiting for its result.
      const t = r.trade;
      this.publishResult(
        {
          key: t.trade_key, asset: t.asset, cexVenue: t.cex_venue, cexVenueId: Venue[t.cex_venue as VenueName] ?? 0, dexRoute: t.dex_route,
          route: Math.max(0, this.slice.routes.indexOf(t.dex_route)), direction: t.direction, windowId: Number(t.window_id), attempt: t.attempt,
          sizeBase: t.legs[0]?.size_base ?? 0, cexRefPrice: 0, cexPriceCap: t.legs[0]?.price_cap ?? 0, dexExpectedQuote: 0, dexLimitQuote: 0,
          predictedPnl: t.predicted_pnl_quote, usdPerDexQuote: t.legs[1]?.usd_per_quote ?? 1, tickRecvUs: t.tick_recv_us, decidedUs: t.decided_us,
        },
        r.state,
        undefined,
      );
    }
    if (rec.length > 0) this.checkExposure();
    return rec.filter((r) => !r.reverified).length;
  }

  /**
   * After startup recovery (whose results are already published): tell the signal that every
   * trade of an earlier incarnation is accounted for, so windows still waiting on a trade that a
   * crash lost before its intent was written stop waiting (otherwise they wait out the in-flight limit).
   */
  announceStarted(): void {
    const o = this.d.out.signal;
    if (!o) return;
    const r = this.resultView.begin(o.producer);
    r.seq = ++this.seq;
    r.recvUs = this.d.clock.monoUs();
    r.exchTimeMs = this.d.clock.nowMs();
    r.tradeKey = '';
    r.asset = this.slice.asset_index;
    r.outcome = Outcome.restarted;
    o.publish();
  }

  /** Median relative prediction error of the last 50 filled trades (0 before any). */
  predictionErrorMedian(): number {
    if (this.predictionErrors.length === 0) return 0;
    const sorted = [...this.predictionErrors].sort((a, b) => a - b);
    return sorted[sorted.length >> 1]!;
  }

  /** Wait for every trade in flight (stop). */
  async drain(): Promise<void> {
    while (this.tasks.size > 0) await Promise.all([...this.tasks]);
  }
}
