import type { Clock } from '../../shared/clock.ts';
import { ControlBlock, ControlFlag } from '../../shared/control.ts';
import { LatencyHistogram } from '../../shared/histogram.ts';
import { pairIndex, tradeKey } from '../../shared/ids.ts';
import {
  Direction, ExecResult, ExecTry, Flag, Kind, Opportunity, Outcome, Reason, Venue, WindowEvent, WindowEventType, kindAt,
  type ExecResultView, type ExecTryView, type OpportunityView, type WindowEventView,
} from '../../shared/messages/index.ts';
import type { Memory } from '../../shared/ring/index.ts';
import type { Output } from '../runtime/actor.ts';
import { dexMaxBase, netPnl, visibleDepth, type LegCosts } from './evaluate.ts';
import { MAX_POINTS, MarketState } from './market-state.ts';
import type { SignalSlice } from './slice.ts';
import { WindowTracker, type Window } from './windows.ts';
import { AnomalyGate, BasisGate, StaleGate, basisBps } from './gates.ts';
import type { ControlRequest } from '../runtime/protocol.ts';

const SOLANA = Venue.solana;
const GRID = 10;
/** At most one Opportunity record per pair this often (the recorder conflates beyond it anyway). */
const OPPORTUNITY_EVERY_MS = 50;
const EXTEND_REPORT_EVERY_MS = 1_000;
/**
 * An attempt whose result never came back (the executor crashed before answering and its recovery
 * reply was lost) stops holding its window after this long. The next attempt has a new trade key,
 * and the executor's recovery settles the old one from the venues, so nothing is doubled.
 */
const IN_FLIGHT_LIMIT_MS = 60_000;

export interface SignalOutputs {
  executor: Output | undefined;
  recorder: Output | undefined;
  requestControl?: (r: Omit<ControlRequest, 'type'>) => void;
}

/**
 * The signal for one asset (DESIGN §5): on every BookTop or PoolQuote it evaluates every
 * (CEX venue × DEX route × direction), sizes by depth on both legs, gates, tracks windows and emits
 * ExecTry. Everything per tick works on preallocated typed arrays; the only allocations are on rare
 * events (a window opens or closes, a trade is emitted).
 */
export class SignalEngine {
  readonly state = new MarketState();
  readonly windows: WindowTracker;
  readonly tickToSignal = new LatencyHistogram();
  /** Venue frame stamp (exchange time) → decision, for venues that stamp frames (Coinbase). */
  readonly frameToSignal = new LatencyHistogram();
  private readonly costs: LegCosts = { takerFeeBps: 0, haircutPct: 0, fixedCostQuote: 0, usdPerDexQuote: 1 };
  private readonly costOut = new Float64Array(2);
  private readonly lastOpportunityMs = new Float64Array(64);
  private readonly inFlight = new Map<string, number>();
  private readonly tryView: ExecTryView = new ExecTry();
  private readonly oppView: OpportunityView = new Opportunity();
  private readonly winView: WindowEventView = new WindowEvent();
  private readonly resultView: ExecResultView = new ExecResult();
  private seq = 0;
  private readonly staleGate: StaleGate;
  private readonly anomalyGate = new AnomalyGate();
  private readonly basisGate = new BasisGate();
  private readonly ages: number[] = [];
  private readonly mids: number[] = [];
  evaluations = 0;
  execTries = 0;
  opportunities = 0;
  /** Opportunities recorded per direction (index = Direction id). */
  readonly opportunitiesByDirection = new Float64Array(3);

  constructor(
    private slice: SignalSlice,
    private readonly clock: Clock,
    private readonly control: ControlBlock,
    private readonly out: SignalOutputs,
  ) {
    this.windows = new WindowTracker(slice.signal.window_grace_sec * 1000);
    this.staleGate = new StaleGate(clock.monoUs());
  }

  configure(slice: SignalSlice): void {
    this.slice = slice;
    this.windows.setGrace(slice.signal.window_grace_sec * 1000);
  }

  /** Ring handler: apply the record, then re-evaluate what it changed. */
  onRecord(mem: Memory, off: number, len: number): void {
    if (kindAt(mem, off) === Kind.ExecResult) return this.onResult(mem, off, len);
    const kind = this.state.apply(mem, off, len);
    if (kind === Kind.BookTop) this.evaluateVenue(this.state.lastVenue);
    else if (kind === Kind.PoolQuote) this.evaluateRoute(this.state.lastRoute);
    else return;
    this.tickToSignal.record(this.clock.monoUs() - this.state.lastRecvUs);
    if (kind === Kind.BookTop && this.clock.wallUs) {
      const exch = this.state.bookExchMs[this.state.lastVenue]!;
      // Only sub-ms stamps measure anything (Coinbase envelopes); whole-ms or missing ones are skipped.
      if (exch > 0 && exch !== Math.floor(exch)) {
        const us = this.clock.wallUs() - exch * 1000;
        if (us >= 0 && us < 10_000_000) this.frameToSignal.record(us);
      }
    }
  }

  /** Periodic duty (from the actor's loop): close windows whose grace ran out while inputs were quiet. */
  sweep(): void {
    const nowMs = this.clock.nowMs();
    const nowUs = this.clock.monoUs();
    this.windows.sweep(nowMs, (w) => this.publishWindow(w, WindowEventType.close));
    const s = this.state;
    const g = this.slice.gates;
    const ask = this.out.requestControl;
    if (!g || !ask) return;
    // Stale-feed auto-pause over every required input.
    this.ages.length = 0;
    for (const v of this.slice.venues) this.ages.push(s.bookRecvUs[v.venue_id]! > 0 ? (nowUs - s.bookRecvUs[v.venue_id]!) / 1000 : Infinity);
    for (const r of this.slice.routes) this.ages.push(s.poolRecvUs[r.route]! > 0 ? (nowUs - s.poolRecvUs[r.route]!) / 1000 : Infinity);
    if (this.basisObserved()) this.ages.push(this.basisAgeMs(nowUs));
    const t = this.staleGate.check(this.ages, g.stale_pause_ms, nowUs);
    const scope = { asset: this.slice.asset };
    if (t === 'pause') ask({ scope, action: 'pause', reason: 'staleFeed', detail: `a required feed for ${this.slice.asset} has been stale for more than ${g.stale_pause_ms} ms` });
    else if (t === 'resume') ask({ scope, action: 'resume', reason: 'staleFeed', detail: `every feed for ${this.slice.asset} is fresh again` });
    this.sweepBasis(nowMs, nowUs, ask);
    // Anomaly gate on the median mid across venues: one dislocated venue (the opportunity itself)
    // does not move the median; a market-wide jump does.
    this.mids.length = 0;
    for (const v of this.slice.venues) {
      const b = s.levels[MarketState.bookOffset(v.venue_id)]!;
      const a = s.levels[MarketState.askOffset(v.venue_id)]!;
      if (s.bidCount[v.venue_id]! > 0 && s.askCount[v.venue_id]! > 0) this.mids.push((a + b) / 2);
    }
    for (const r of this.slice.routes) if (s.poolMid[r.route]! > 0) this.mids.push(s.poolMid[r.route]!);
    if (this.mids.length === 0) return;
    this.mids.sort((x, y) => x - y);
    const median = this.mids[this.mids.length >> 1]!;
    const a = this.anomalyGate.sample(median, nowMs, g);
    if (a === 'pause') ask({ scope, action: 'pause', reason: 'anomaly', detail: `${this.slice.asset} moved more than ${g.anomaly_sigma} σ within ${g.anomaly_window_sec} s` });
    else if (a === 'resume') ask({ scope, action: 'resume', reason: 'anomaly', detail: `${this.slice.asset} stayed within ${g.anomaly_sigma} σ for ${g.anomaly_resume_sec} s` });
  }

  /**
   * USD per USDC for this tick's PnL: the observed basis book's mid, else (fixed source, or nothing
   * observed yet, which the stale gate refuses to trade on) the configured value; 1 when both legs
   * quote in one currency.
   */
  usdPerUsdc(): number {
    const b = this.slice.basis;
    if (!b) return 1;
    const s = this.state;
    if (b.source !== 'fixed' && s.basisRecvUs > 0) return (s.basisBid + s.basisAsk) / 2;
    return b.usd_per_usdc;
  }

  private basisObserved(): boolean {
    return this.slice.basis !== null && this.slice.basis.source !== 'fixed';
  }

  /** Age of the observed basis in ms (Infinity before the first one); 0 when it is not observed. */
  private basisAgeMs(nowUs: number): number {
    if (!this.basisObserved()) return 0;
    const t = this.state.basisRecvUs;
    return t > 0 ? (nowUs - t) / 1000 : Infinity;
  }

  private basisStaleMs(): number {
    return this.slice.basis?.stale_ms ?? Infinity;
  }

  /** The depeg gate's pause and resume (strings only on a transition). */
  private sweepBasis(nowMs: number, nowUs: number, ask: NonNullable<SignalOutputs['requestControl']>): void {
    const b = this.slice.basis;
    if (!b) return;
    const observed = this.basisObserved();
    // Nothing observed yet, or stale: the stale gate owns that; hold the last decision.
    const age = this.basisAgeMs(nowUs);
    const bps = observed && !(age <= b.stale_ms) ? NaN : basisBps(this.usdPerUsdc());
    const limit = this.slice.signal.max_basis_bps;
    const assetPaused = (this.control.effective(this.slice.asset_index) & (ControlFlag.paused | ControlFlag.killed)) !== 0;
    const t = this.basisGate.check(bps, limit, nowMs, assetPaused);
    if (t === null) return;
    const where = observed ? b.source : 'fixed in config';
    const usd = this.usdPerUsdc().toFixed(5);
    const scope = { asset: this.slice.asset };
    const signed = `${bps >= 0 ? '+' : ''}${bps.toFixed(1)}`;
    if (t === 'pause') ask({ scope, action: 'pause', reason: 'basis', detail: `USD vs USDC basis ${signed} bps (1 USDC = ${usd} USD, ${where}) is beyond the ±${limit} bps limit (signal.max_basis_bps)` });
    else ask({ scope, action: 'resume', reason: 'basis', detail: `USD vs USDC basis back inside ±${limit} bps: ${signed} bps (1 USDC = ${usd} USD)` });
  }

  private evaluateVenue(v: number): void {
    for (const r of this.slice.routes) for (let d = 1; d <= 2; d++) this.evaluate(v, r.route, d);
  }

  private evaluateRoute(route: number): void {
    for (const v of this.slice.venues) for (let d = 1; d <= 2; d++) this.evaluate(v.venue_id, route, d);
  }

  private venueCfg(v: number): SignalSlice['venues'][number] | undefined {
    const vs = this.slice.venues;
    for (let i = 0; i < vs.length; i++) if (vs[i]!.venue_id === v) return vs[i];
    return undefined;
  }

  private evaluate(v: number, route: number, dir: number): void {
    const vc = this.venueCfg(v);
    const rc = this.slice.routes[route];
    const s = this.state;
    const k = s.points[route]!;
    const buyCex = dir === Direction.buyCexSellDex;
    const count = buyCex ? s.askCount[v]! : s.bidCount[v]!;
    if (!vc || !rc || k === 0 || count === 0) return;
    this.evaluations++;
    const nowUs = this.clock.monoUs();
    const nowMs = this.clock.nowMs();
    const bookOff = buyCex ? MarketState.askOffset(v) : MarketState.bookOffset(v);
    const sellOff = MarketState.ladderOffset(route);
    const buyOff = sellOff + 2 * MAX_POINTS;
    const ref = s.levels[bookOff]!;
    const eps = vc.ioc_epsilon_pct / 100;
    const cap = buyCex ? ref * (1 + eps) : ref * (1 - eps);

    // Size limits on both legs at once: CEX depth inside the price cap × usage cap, the pool's exact
    // ladder, inventory on both venues, and the notional cap.
    const cexCap = (visibleDepth(s.levels, bookOff, count, cap, buyCex) * vc.book_usage_cap_pct) / 100;
    const dexCap = dexMaxBase(s.ladders, buyCex ? sellOff : buyOff, k, buyCex);
    const invCap = buyCex ? Math.min(s.quoteFree[v]! / cap, s.baseFree[SOLANA]!) : Math.min(s.baseFree[v]!, s.quoteFree[SOLANA]! / ref);
    const qMax = Math.min(cexCap, dexCap, this.slice.sizing.max_notional_quote / ref);
    const qMin = this.slice.sizing.base_notional_quote / ref;

    this.costs.takerFeeBps = vc.taker_fee_bps;
    this.costs.haircutPct = this.slice.signal.slip_haircut_pct;
    this.costs.fixedCostQuote = s.poolFixedCost[route]!;
    const usdPerUsdc = this.usdPerUsdc();
    this.costs.usdPerDexQuote = usdPerUsdc;
    const mid = s.poolMid[route]!;
    let bestQ = NaN;
    let bestPnl = -Infinity;
    let bestCost = 0;
    let bestRaw = 0;
    const hi = Math.max(qMin, qMax);
    for (let i = 0; i <= GRID; i++) {
      const q = qMin * (hi / qMin) ** (i / GRID);
      const pnl = netPnl(buyCex, q, s.levels, bookOff, count, s.ladders, sellOff, buyOff, k, this.costs, this.costOut);
      if (!(pnl === pnl)) continue;
      // Pool price impact beyond the fee must stay inside the route's slippage cap.
      const impactBps = Math.abs(this.costOut[1]! / q / mid - 1) * 1e4 - s.poolFeeBps[route]!;
      if (impactBps > rc.slippage_bps_cap) continue;
      if (pnl > bestPnl) {
        bestPnl = pnl;
        bestQ = q;
        bestCost = this.costOut[0]!;
        bestRaw = this.costOut[1]!;
      }
    }
    if (!(bestQ === bestQ)) return;
    const edgeBps = (bestPnl / bestCost) * 1e4;
    const hour = Math.floor(nowMs / 3_600_000) % 24; // UTC hour without a Date per tick
    const [h0, h1] = this.slice.signal.hot_window_utc;
    const thresholdBps = 100 * (hour >= h0 && hour < h1 ? this.slice.signal.profit_threshold_pct_hot : this.slice.signal.profit_threshold_pct_cold);
    const above = edgeBps >= thresholdBps;
    const pair = pairIndex(v, route, dir);
    const { change, window } = this.windows.observe(pair, v, route, dir, edgeBps, above, nowMs);
    if (change === 'closed') this.publishWindow(window!, WindowEventType.close);
    if (!above || !window) {
      if (edgeBps > 0) this.publishOpportunity(v, route, dir, bestQ, bestCost, edgeBps, bestPnl, 0, Reason.belowThreshold, nowMs);
      return;
    }
    if (change === 'opened') this.publishWindow(window, WindowEventType.open);

    // Gates, in the order an operator reads them; the first that blocks is the window's reason.
    const flags = this.control.effective(this.slice.asset_index, v, SOLANA);
    const stale = nowUs - s.bookRecvUs[v]! > vc.stale_ms * 1000 || nowUs - s.poolRecvUs[route]! > rc.stale_ms * 1000 || this.basisAgeMs(nowUs) > this.basisStaleMs();
    let reason: number = Reason.none;
    if (flags & ControlFlag.killed) reason = Reason.killed;
    else if (flags & ControlFlag.paused) reason = Reason.paused;
    else if (stale) reason = Reason.stale;
    else if (this.slice.basis && Math.abs(basisBps(usdPerUsdc)) > this.slice.signal.max_basis_bps) reason = Reason.basis;
    else if (qMax < qMin) reason = Reason.belowSize;
    else if (!(invCap >= bestQ)) reason = Reason.inventory;
    else if (window.inFlight && nowMs - window.inFlightSinceMs < IN_FLIGHT_LIMIT_MS) reason = Reason.inFlight;
    else if (window.attempts >= this.slice.max_trades_per_window) reason = Reason.risk;
    if (reason !== Reason.none) window.reason = reason;
    else {
      // The decision used the haircut PnL (a margin against slippage, on purpose pessimistic); the
      // prediction stored with the trade and judged against its realised PnL is the unbiased one,
      // without the haircut. Computed only when a trade is emitted, never per tick.
      this.costs.haircutPct = 0;
      const expected = netPnl(buyCex, bestQ, s.levels, bookOff, count, s.ladders, sellOff, buyOff, k, this.costs, this.costOut);
      this.emitTry(window, v, route, dir, bestQ, ref, cap, bestRaw, expected === expected ? expected : bestPnl, edgeBps, (flags & ControlFlag.observeOnly) !== 0, nowUs);
    }
    this.publishOpportunity(v, route, dir, bestQ, bestCost, edgeBps, bestPnl, window.id, reason, nowMs, reason === Reason.none);
    if (nowMs - window.lastReportMs >= EXTEND_REPORT_EVERY_MS) this.publishWindow(window, WindowEventType.extend);
  }

  private emitTry(w: Window, v: number, route: number, dir: number, q: number, ref: number, cap: number, dexRaw: number, pnl: number, edgeBps: number, observeOnly: boolean, nowUs: number): void {
    const out = this.out.executor;
    if (!out) return;
    w.attempts++;
    w.inFlight = true;
    w.inFlightSinceMs = this.clock.nowMs();
    const key = tradeKey(this.slice.asset, this.venueCfg(v)!.venue, route, dir, w.id, w.attempts);
    this.inFlight.set(key, w.pair);
    const t = this.tryView.begin(out.producer);
    t.seq = ++this.seq;
    t.recvUs = this.state.lastRecvUs;
    t.exchTimeMs = this.state.bookExchMs[v]!;
    t.flags = observeOnly ? Flag.ObserveOnly : 0;
    t.tradeKey = key;
    t.asset = this.slice.asset_index;
    t.cexVenue = v;
    t.dexRoute = route;
    t.direction = dir;
    t.attempt = w.attempts;
    t.windowId = w.id;
    t.sizeBase = q;
    t.cexRefPrice = ref;
    t.cexPriceCap = cap;
    // The pool leg's limit: min quote out when selling base, max quote in when buying it.
    const slip = this.slice.routes[route]!.slippage_bps_cap / 1e4;
    t.dexExpectedQuote = dexRaw;
    t.dexLimitQuote = dir === Direction.buyCexSellDex ? dexRaw * (1 - slip) : dexRaw * (1 + slip);
    t.predictedPnlQuote = pnl;
    t.netEdgeBps = edgeBps;
    t.tickRecvUs = this.state.lastRecvUs;
    t.decidedUs = nowUs;
    t.usdPerDexQuote = this.costs.usdPerDexQuote;
    out.publish();
    this.execTries++;
  }

  private onResult(mem: Memory, off: number, len: number): void {
    const r = this.resultView.read(mem, off, len);
    if (r.outcome === Outcome.restarted) {
      // The executor restarted and settled everything earlier incarnations took: stop waiting.
      for (const pair of this.inFlight.values()) {
        const w = this.windows.get(pair);
        if (w) w.inFlight = false;
      }
      this.inFlight.clear();
      return;
    }
    const key = r.tradeKey;
    const pair = this.inFlight.get(key);
    if (pair === undefined) return;
    this.inFlight.delete(key);
    const w = this.windows.get(pair);
    if (!w) return;
    w.inFlight = false;
    const o = r.outcome;
    if (o === Outcome.filled || o === Outcome.verified || o === Outcome.partial || o === Outcome.hedged || o === Outcome.unhedged) w.trades++;
  }

  private publishOpportunity(v: number, route: number, dir: number, q: number, cost: number, edgeBps: number, pnl: number, windowId: number, reason: number, nowMs: number, force = false): void {
    const out = this.out.recorder;
    const pair = pairIndex(v, route, dir);
    if (!out || (!force && nowMs - this.lastOpportunityMs[pair]! < OPPORTUNITY_EVERY_MS)) return;
    this.lastOpportunityMs[pair] = nowMs;
    const s = this.state;
    const buyCex = dir === Direction.buyCexSellDex;
    const o = this.oppView.begin(out.producer);
    o.seq = ++this.seq;
    o.recvUs = s.lastRecvUs;
    o.exchTimeMs = nowMs;
    o.asset = this.slice.asset_index;
    o.cexVenue = v;
    o.dexRoute = route;
    o.direction = dir;
    o.reason = reason;
    o.windowId = windowId;
    o.sizeBase = q;
    o.cexVwap = buyCex ? cost / (1 + this.costs.takerFeeBps / 1e4) / q : (cost + pnl) / (1 - this.costs.takerFeeBps / 1e4) / q;
    o.dexPrice = s.poolMid[route]!;
    const cexTop = s.levels[buyCex ? MarketState.askOffset(v) : MarketState.bookOffset(v)]!;
    // The pool's mid is in USDC, the book in USD: compare them in USD.
    const dexUsd = o.dexPrice * this.costs.usdPerDexQuote;
    o.grossEdgeBps = (buyCex ? dexUsd / cexTop - 1 : cexTop / dexUsd - 1) * 1e4;
    o.netEdgeBps = edgeBps;
    o.predictedPnlQuote = pnl;
    o.tickRecvUs = s.lastRecvUs;
    o.decidedUs = this.clock.monoUs();
    out.publish();
    this.opportunities++;
    this.opportunitiesByDirection[dir]!++;
  }

  private publishWindow(w: Window, event: number): void {
    w.lastReportMs = this.clock.nowMs();
    const out = this.out.recorder;
    if (!out) return;
    const e = this.winView.begin(out.producer);
    e.seq = ++this.seq;
    e.recvUs = this.clock.monoUs();
    e.exchTimeMs = w.lastReportMs;
    e.asset = this.slice.asset_index;
    e.cexVenue = w.cexVenue;
    e.dexRoute = w.route;
    e.direction = w.direction;
    e.event = event;
    e.reason = w.reason;
    e.signals = w.signals;
    e.trades = w.trades;
    e.windowId = w.id;
    e.openedMs = w.openedMs;
    e.closedMs = w.closedMs;
    e.peakEdgeBps = w.peakBps;
    e.meanEdgeBps = w.signals > 0 ? w.sumBps / w.signals : 0;
    out.publish();
  }
}
