import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Output } from '../../../src/actors/runtime/actor.ts';
import type { ControlRequest } from '../../../src/actors/runtime/protocol.ts';
import { SignalEngine } from '../../../src/actors/signal/engine.ts';
import { netPnl } from '../../../src/actors/signal/evaluate.ts';
import { BASIS_RESUME_HOLD_MS, BasisGate, basisBps } from '../../../src/actors/signal/gates.ts';
import { BASIS_TOP, MarketState } from '../../../src/actors/signal/market-state.ts';
import type { SignalSlice } from '../../../src/actors/signal/slice.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { ControlBlock } from '../../../src/shared/control.ts';
import { BASIS_ASSET, ExecTry, FeedHealth, FeedState, Kind, Opportunity, Reason, Venue, kindAt } from '../../../src/shared/messages/index.ts';
import { createDoorbell, createRing, memoryOf, RingConsumer } from '../../../src/shared/ring/index.ts';
import { bookTop, inventory, linearLadder, poolQuote, type Rec } from '../../helpers/messages.ts';
import { signalSlice } from '../../helpers/signal-slice.ts';

describe('PnL with a USD vs USDC basis', () => {
  // One ask level at 100 USD, one bid at 100 USD; the pool pays 103 USDC per SOL and asks 97 USDC.
  const book = new Float64Array([100, 10]);
  const ladder = new Float64Array(64);
  ladder.set([1, 103, 10, 1030], 0);
  ladder.set([97, 1, 970, 10], 32);
  const out = new Float64Array(2);

  it('converts the pool leg at USD per USDC (hand-computed, 1 USDC = 0.98 USD)', () => {
    const c = { takerFeeBps: 50, haircutPct: 1, fixedCostQuote: 0.5, usdPerDexQuote: 0.98 };
    // Buy 2 SOL on the CEX: 200 × 1.005 = 201 USD. Sell 2 into the pool: 206 USDC × 0.99 − 0.5 =
    // 203.44 USDC = 199.3712 USD. PnL = 199.3712 − 201 = −1.6288 USD (at par it would be +2.44).
    const p1 = netPnl(true, 2, book, 0, 1, ladder, 0, 32, 2, c, out);
    expect(p1).toBeCloseTo(-1.6288, 10);
    expect(out[0]).toBeCloseTo(201, 10); // USD notional
    expect(out[1]).toBeCloseTo(206, 10); // the pool's own USDC amount, unconverted (impact check)
    // Buy 2 SOL from the pool: 194 USDC × 1.01 + 0.5 = 196.44 USDC = 192.5112 USD. Sell 2 on the CEX:
    // 200 × 0.995 = 199 USD. PnL = 199 − 192.5112 = +6.4888 USD (at par +2.56).
    const p2 = netPnl(false, 2, book, 0, 1, ladder, 0, 32, 2, c, out);
    expect(p2).toBeCloseTo(6.4888, 10);
    expect(out[0]).toBeCloseTo(192.5112, 10);
    expect(out[1]).toBeCloseTo(194, 10);
  });

  it('at par is exactly the unconverted PnL', () => {
    const c = { takerFeeBps: 50, haircutPct: 1, fixedCostQuote: 0.5, usdPerDexQuote: 1 };
    expect(netPnl(true, 2, book, 0, 1, ladder, 0, 32, 2, c, out)).toBeCloseTo(206 * 0.99 - 0.5 - 201, 12);
  });
});

describe('basis gate', () => {
  it('pauses exactly when |basis| exceeds the limit, and only once while it stays out', () => {
    fc.assert(
      fc.property(fc.double({ min: -500, max: 500, noNaN: true }), fc.double({ min: 0, max: 300, noNaN: true }), (bps, limit) => {
        const g = new BasisGate();
        const first = g.check(bps, limit, 0, false);
        expect(first).toBe(Math.abs(bps) > limit ? 'pause' : null);
        // The supervisor holds the asset paused now: no second request.
        expect(g.check(bps, limit, 250, first === 'pause')).toBeNull();
      }),
      { seed: 7, numRuns: 500 },
    );
    expect(basisBps(0.988)).toBeCloseTo(-120, 9);
    expect(new BasisGate().check(50, 50, 0, false)).toBeNull(); // at the limit is inside
    expect(new BasisGate().check(NaN, 50, 0, false)).toBeNull(); // not observed: the stale gate's business
  });

  it('resumes only after the basis has stayed inside for the hold time, and re-asks if another resume lifted its pause', () => {
    const g = new BasisGate();
    expect(g.check(-120, 50, 0, false)).toBe('pause');
    expect(g.check(-10, 50, 100, true)).toBeNull();
    expect(g.check(-60, 50, 200, true)).toBeNull(); // out again: the hold restarts
    expect(g.check(-10, 50, 300, true)).toBeNull();
    expect(g.check(-10, 50, 300 + BASIS_RESUME_HOLD_MS - 1, true)).toBeNull();
    expect(g.check(-10, 50, 300 + BASIS_RESUME_HOLD_MS, true)).toBe('resume');
    expect(g.check(-10, 50, 5_000, false)).toBeNull();
    expect(g.check(70, 50, 6_000, false)).toBe('pause');
    // Someone else's resume (a stale feed came back) lifted the pause while the basis is still out.
    expect(g.check(70, 50, 6_250, false)).toBe('pause');
  });
});

describe('basis BookTop encoding', () => {
  it('a BookTop with asset BASIS_ASSET sets the basis, not the venue book; its FeedHealth leaves the venue state alone', () => {
    const s = new MarketState();
    const k = s.apply(...rec(bookTop({ venue: Venue.bitstamp, asset: BASIS_ASSET, bids: [[0.9998, 1e5]], asks: [[1.0002, 1e5]], recvUs: 42 })));
    expect(k).toBe(BASIS_TOP);
    expect([s.basisBid, s.basisAsk, s.basisRecvUs, s.basisUpdates]).toEqual([0.9998, 1.0002, 42, 1]);
    expect([s.bidCount[Venue.bitstamp], s.books]).toEqual([0, 0]);
    // One-sided: counted, but the last good mid and its time stay.
    s.apply(...rec(bookTop({ venue: Venue.bitstamp, asset: BASIS_ASSET, bids: [], asks: [[1.01, 1]], recvUs: 99 })));
    expect([s.basisBid, s.basisRecvUs, s.basisUpdates]).toEqual([0.9998, 42, 2]);
    s.apply(...rec(bookTop({ venue: Venue.bitstamp, asset: 0, bids: [[150, 1]], asks: [[150.1, 1]], recvUs: 50 })));
    expect(s.feedState[Venue.bitstamp]).toBe(FeedState.live);
    s.apply(...rec(health(Venue.bitstamp, BASIS_ASSET, FeedState.stale)));
    expect(s.feedState[Venue.bitstamp]).toBe(FeedState.live);
    s.apply(...rec(health(Venue.bitstamp, 0, FeedState.stale)));
    expect(s.feedState[Venue.bitstamp]).toBe(FeedState.stale);
  });
});

const rec = (r: Rec): [Rec['mem'], number, number] => [r.mem, r.off, r.len];

function health(venue: number, asset: number, state: number): Rec {
  const mem = memoryOf(new ArrayBuffer(FeedHealth.bytesFor()));
  const v = new FeedHealth().write(mem, 0);
  v.venue = venue;
  v.asset = asset;
  v.state = state;
  return { mem, off: 0, len: v.length };
}

const slice: SignalSlice = signalSlice({ basis: { source: 'bitstamp:usdcusd', usd_per_usdc: 1, stale_ms: 10_000 } });

function setup(s: SignalSlice = slice) {
  const clock = new ManualClock(1_000_000, Date.UTC(2026, 10, 30, 3)); // outside the hot window: 2 % threshold
  const control = ControlBlock.create(1);
  const execRing = createRing({ name: 'signal:SOL->executor:SOL', capacityBytes: 1 << 14, policy: 'reject' });
  const recRing = createRing({ name: 'signal:SOL->recorder', capacityBytes: 1 << 16, policy: 'reject' });
  const requests: Omit<ControlRequest, 'type'>[] = [];
  const engine = new SignalEngine(s, clock, control, {
    executor: new Output(execRing, createDoorbell()),
    recorder: new Output(recRing, createDoorbell()),
    requestControl: (r) => requests.push(r),
  });
  const execOut = new RingConsumer(execRing);
  const recOut = new RingConsumer(recRing);
  const feed = (r: Rec) => engine.onRecord(r.mem, r.off, r.len);
  const tries = () => {
    const got: { pnl: number; minOut: number; usd: number }[] = [];
    const v = new ExecTry();
    execOut.drain((m, o, l) => {
      v.read(m, o, l);
      got.push({ pnl: v.predictedPnlQuote, minOut: v.dexLimitQuote, usd: v.usdPerDexQuote });
    });
    return got;
  };
  const reasons = () => {
    const got: number[] = [];
    const opp = new Opportunity();
    recOut.drain((m, o, l) => {
      if (kindAt(m, o) === Kind.Opportunity) got.push(opp.read(m, o, l).reason);
    });
    return got;
  };
  const basis = (usdPerUsdc: number, half = 0.00005) =>
    feed(bookTop({ venue: Venue.bitstamp, asset: BASIS_ASSET, bids: [[usdPerUsdc - half, 1e5]], asks: [[usdPerUsdc + half, 1e5]], recvUs: clock.monoUs() }));
  // Coinbase asks at 100 USD, the pool pays ~104 USDC: buy CEX, sell DEX, about +4 % gross at par.
  const market = (dexMid = 104) => {
    feed(inventory({ venue: 1, base: 100, quote: 100_000 }));
    feed(inventory({ venue: 4, base: 100, quote: 100_000 }));
    feed(bookTop({ venue: 1, bids: [[99.9, 50]], asks: [[100, 50], [100.05, 50]], recvUs: clock.monoUs() }));
    feed(poolQuote({ route: 0, mid: dexMid, ...linearLadder(dexMid, 10, [0.5, 1, 2, 4, 8, 16]), recvUs: clock.monoUs() }));
  };
  return { clock, control, engine, feed, tries, reasons, basis, market, requests };
}

describe('signal with an observed basis', () => {
  it('trades nothing until the basis has been observed (stale), then prices the pool leg in USD', () => {
    const t = setup();
    t.market();
    expect(t.tries()).toEqual([]);
    expect(t.reasons()).toContain(Reason.stale);
    t.basis(1);
    t.market();
    const [atPar] = t.tries();
    expect(atPar).toBeDefined();

    // The same market with 1 USDC = 0.997 USD (−30 bps, inside the 50 bps limit): the USDC the pool
    // pays is worth 0.3 % less, and the predicted PnL drops by about that share of the proceeds.
    const u = setup();
    u.basis(0.997);
    u.market();
    const [depegged] = u.tries();
    expect(depegged).toBeDefined();
    expect(depegged!.pnl).toBeLessThan(atPar!.pnl);
    // The pool leg's limit stays in the pool's own currency (USDC), untouched by the basis.
    expect(depegged!.minOut).toBeCloseTo(atPar!.minOut, 6);
    expect(u.engine.usdPerUsdc()).toBeCloseTo(0.997, 12);
    // …and the ExecTry carries the rate it priced at, for the executor's realised PnL in USD.
    expect(depegged!.usd).toBeCloseTo(0.997, 12);
    expect(atPar!.usd).toBeCloseTo(1, 12);
  });

  it('refuses every trade while the basis is beyond max_basis_bps (reason basis) and asks for a pause that names it', () => {
    const t = setup();
    t.basis(0.988); // −120 bps; the pool pays ~108 USDC, still far above the threshold in USD
    t.market(108);
    expect(t.tries()).toEqual([]);
    expect(t.reasons()).toContain(Reason.basis);
    t.engine.sweep();
    expect(t.requests).toEqual([
      expect.objectContaining({ scope: { asset: 'SOL' }, action: 'pause', reason: 'basis', detail: expect.stringMatching(/basis -120\.0 bps \(1 USDC = 0\.98800 USD, bitstamp:usdcusd\) is beyond the ±50 bps limit/) }),
    ]);
    // Back at par: trades again at the next tick; the pause is lifted after the hold time.
    t.basis(1);
    t.market(108);
    expect(t.tries()).toHaveLength(1);
    t.engine.sweep();
    t.clock.advanceMs(BASIS_RESUME_HOLD_MS);
    t.basis(1);
    t.engine.sweep();
    expect(t.requests.map((r) => `${r.action}:${r.reason}`)).toEqual(['pause:basis', 'resume:basis']);
    expect(t.requests[1]!.detail).toMatch(/back inside ±50 bps/);
  });

  it('a basis older than basis.stale_ms is stale: no trade, and the stale auto-pause counts it', () => {
    const t = setup();
    t.basis(1);
    t.clock.advanceMs(10_001);
    t.market(); // CEX and pool fresh, the basis not
    expect(t.tries()).toEqual([]);
    expect(t.reasons()).toContain(Reason.stale);
    t.engine.sweep();
    expect(t.requests).toEqual([expect.objectContaining({ action: 'pause', reason: 'staleFeed' })]);
  });

  it('a fixed basis is used as given; null (one currency on both legs) converts nothing and never gates', () => {
    const fixed = setup({ ...slice, basis: { source: 'fixed', usd_per_usdc: 0.999, stale_ms: 10_000 } });
    fixed.market();
    expect(fixed.tries()).toHaveLength(1);
    expect(fixed.engine.usdPerUsdc()).toBe(0.999);
    const off = setup({ ...slice, basis: null });
    off.basis(0.9); // ignored: this asset has no basis
    off.market();
    expect(off.tries()).toHaveLength(1);
    expect(off.engine.usdPerUsdc()).toBe(1);
    off.engine.sweep();
    expect(off.requests).toEqual([]);
  });
});
