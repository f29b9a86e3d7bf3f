import { describe, expect, it } from 'vitest';
import { Output } from '../../../src/actors/runtime/actor.ts';
import { SignalEngine } from '../../../src/actors/signal/engine.ts';
import type { SignalSlice } from '../../../src/actors/signal/slice.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { ControlBlock, ControlFlag } from '../../../src/shared/control.ts';
import { ExecTry, Flag, Kind, Opportunity, Outcome, Reason, WindowEvent, WindowEventType, kindAt } from '../../../src/shared/messages/index.ts';
import { createDoorbell, createRing, RingConsumer } from '../../../src/shared/ring/index.ts';
import { bookTop, execResult, inventory, linearLadder, poolQuote, type Rec } from '../../helpers/messages.ts';
import { signalSlice } from '../../helpers/signal-slice.ts';

const slice: SignalSlice = signalSlice();

function setup(sl: SignalSlice = slice) {
  // 2026-11-30 03:00 UTC: outside the hot window → 2 % threshold.
  const clock = new ManualClock(1_000_000, Date.UTC(2026, 10, 30, 3));
  const control = ControlBlock.create(1);
  const execRing = createRing({ name: 'signal:SOL->executor:SOL', capacityBytes: 1 << 14, policy: 'reject' });
  const recRing = createRing({ name: 'signal:SOL->recorder', capacityBytes: 1 << 16, policy: 'reject' });
  const engine = new SignalEngine(sl, clock, control, { executor: new Output(execRing, createDoorbell()), recorder: new Output(recRing, createDoorbell()) });
  const execOut = new RingConsumer(execRing);
  const recOut = new RingConsumer(recRing);
  const feed = (r: Rec) => engine.onRecord(r.mem, r.off, r.len);
  const tries = () => {
    const got: { key: string; size: number; pnl: number; flags: number; cap: number; minOut: number; tick: number }[] = [];
    const v = new ExecTry();
    execOut.drain((m, o, l) => {
      v.read(m, o, l);
      got.push({ key: v.tradeKey, size: v.sizeBase, pnl: v.predictedPnlQuote, flags: v.flags, cap: v.cexPriceCap, minOut: v.dexLimitQuote, tick: v.tickRecvUs });
    });
    return got;
  };
  const events = () => {
    const opp = new Opportunity();
    const win = new WindowEvent();
    const got: { kind: string; reason?: number; event?: number }[] = [];
    recOut.drain((m, o, l) => {
      if (kindAt(m, o) === Kind.Opportunity) got.push({ kind: 'opp', reason: opp.read(m, o, l).reason });
      else got.push({ kind: 'win', event: win.read(m, o, l).event });
    });
    return got;
  };
  return { clock, control, engine, feed, tries, events };
}

// Coinbase asks at 100 (deep), the pool pays ~104 for SOL: buy CEX, sell DEX ≈ +4 % gross.
const sizes = [0.5, 1, 2, 4, 8, 16];
function richMarket(t: ReturnType<typeof setup>, dexMid = 104) {
  t.feed(inventory({ venue: 1, base: 100, quote: 100_000 }));
  t.feed(inventory({ venue: 4, base: 100, quote: 100_000 }));
  t.feed(bookTop({ venue: 1, bids: [[99.9, 50]], asks: [[100, 50], [100.05, 50]], recvUs: t.clock.monoUs() }));
  t.feed(poolQuote({ route: 0, mid: dexMid, ...linearLadder(dexMid, 10, sizes), recvUs: t.clock.monoUs() }));
}

describe('signal engine', () => {
  it('emits one sized ExecTry with a deterministic key when the net edge clears the threshold', () => {
    const t = setup();
    richMarket(t);
    const got = t.tries();
    expect(got).toHaveLength(1);
    const x = got[0]!;
    expect(x.key).toMatch(/^SOL:coinbase:0:bc:\d+:1$/);
    // Capped by max notional (500 quote ≈ 5 SOL), inside 30 % of the 100 visible within the cap.
    expect(x.size).toBeLessThanOrEqual(5.0001);
    expect(x.size).toBeGreaterThan(0.5);
    expect(x.pnl).toBeGreaterThan(0);
    expect(x.cap).toBeCloseTo(100 * 1.001, 9);
    expect(x.flags & Flag.ObserveOnly).toBe(0);
    expect(x.tick).toBe(1_000_000);
    const ev = t.events();
    expect(ev[0]).toEqual({ kind: 'win', event: WindowEventType.open });
    expect(ev.some((e) => e.kind === 'opp' && e.reason === Reason.none)).toBe(true);
  });

  it('predicts the trade without the haircut: the haircut moves the decision, not the prediction', () => {
    const a = setup();
    richMarket(a);
    const b = setup({ ...slice, signal: { ...slice.signal, slip_haircut_pct: 0 } });
    richMarket(b);
    const [x] = a.tries();
    const [y] = b.tries();
    expect(x!.size).toBeCloseTo(y!.size, 9); // the notional cap binds in both
    expect(x!.pnl).toBeCloseTo(y!.pnl, 9);
  });

  it('releases every waiting window when the executor announces a restart', () => {
    const t = setup();
    richMarket(t);
    const [first] = t.tries();
    t.clock.advanceMs(10);
    richMarket(t);
    expect(t.tries()).toHaveLength(0); // in flight
    t.feed(execResult({ key: '', outcome: Outcome.restarted }));
    t.clock.advanceMs(10);
    richMarket(t);
    expect(t.tries().map((x) => x.key)).toEqual([first!.key.replace(/:1$/, ':2')]);
  });

  it('holds the next attempt while one is in flight, and derives attempt 2 after the result', () => {
    const t = setup();
    richMarket(t);
    const [first] = t.tries();
    t.clock.advanceMs(10);
    richMarket(t);
    expect(t.tries()).toHaveLength(0);
    t.feed(execResult({ key: first!.key, outcome: Outcome.filled }));
    t.clock.advanceMs(10);
    richMarket(t);
    const [second] = t.tries();
    expect(second!.key).toBe(first!.key.replace(/:1$/, ':2'));
  });

  it('records the reason and sends nothing when paused; observe-only still emits, flagged', () => {
    const t = setup();
    t.control.set({ kind: 'global' }, ControlFlag.paused, true, 'operator', 0);
    richMarket(t);
    expect(t.tries()).toHaveLength(0);
    expect(t.events().filter((e) => e.kind === 'opp').map((e) => e.reason)).toContain(Reason.paused);
    t.control.set({ kind: 'global' }, ControlFlag.paused, false, 'operator', 0);
    t.control.set({ kind: 'asset', index: 0 }, ControlFlag.observeOnly, true, 'operator', 0);
    t.clock.advanceMs(10);
    richMarket(t);
    const [x] = t.tries();
    expect(x!.flags & Flag.ObserveOnly).toBe(Flag.ObserveOnly);
  });

  it('does not trade below the threshold, on stale inputs, or without inventory', () => {
    const t = setup();
    richMarket(t, 101.5); // ≈ +1.5 % gross: below 2 % after fees and haircut
    expect(t.tries()).toHaveLength(0);
    const u = setup();
    u.feed(inventory({ venue: 1, base: 100, quote: 100_000 }));
    u.feed(bookTop({ venue: 1, bids: [[99.9, 50]], asks: [[100, 50]], recvUs: u.clock.monoUs() }));
    // no Solana wallet inventory reported: the DEX leg cannot be sized
    u.feed(poolQuote({ route: 0, mid: 104, ...linearLadder(104, 10, sizes), recvUs: u.clock.monoUs() }));
    expect(u.tries()).toHaveLength(0);
    expect(u.events().filter((e) => e.kind === 'opp').map((e) => e.reason)).toContain(Reason.inventory);
    const w = setup();
    w.feed(inventory({ venue: 1, base: 100, quote: 100_000 }));
    w.feed(inventory({ venue: 4, base: 100, quote: 100_000 }));
    w.feed(bookTop({ venue: 1, bids: [[99.9, 50]], asks: [[100, 50]], recvUs: w.clock.monoUs() }));
    w.clock.advanceMs(6_000);
    w.feed(poolQuote({ route: 0, mid: 104, ...linearLadder(104, 10, sizes), recvUs: w.clock.monoUs() }));
    expect(w.tries()).toHaveLength(0);
    expect(w.events().filter((e) => e.kind === 'opp').map((e) => e.reason)).toContain(Reason.stale);
  });

  it('closes the window after the grace period and reports it', () => {
    const t = setup();
    richMarket(t);
    t.tries();
    t.events();
    t.clock.advanceMs(21_000);
    t.engine.sweep();
    expect(t.events()).toEqual([{ kind: 'win', event: WindowEventType.close }]);
  });

  it('measures tick→signal from the feed receive time', () => {
    const t = setup();
    richMarket(t);
    expect(t.engine.tickToSignal.count).toBe(2);
  });

  it('measures frame→signal from a venue frame stamped with sub-millisecond time, and skips whole-ms stamps', () => {
    const t = setup();
    const wall = t.clock.nowMs();
    t.feed(bookTop({ venue: 1, bids: [[99.9, 5]], asks: [[100, 5]], recvUs: t.clock.monoUs(), exchTimeMs: wall - 0.75 }));
    t.feed(bookTop({ venue: 1, bids: [[99.9, 5]], asks: [[100, 5]], recvUs: t.clock.monoUs(), exchTimeMs: wall - 3 }));
    expect(t.engine.frameToSignal.count).toBe(1);
    expect(t.engine.frameToSignal.sumUs).toBeCloseTo(750, 6);
  });
});
