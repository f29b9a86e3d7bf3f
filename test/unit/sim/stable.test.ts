import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.ts';
import { MarketModel, ManualScheduler } from '../../../src/sim/market/index.ts';
import type { StableUpdate } from '../../../src/sim/market/stable.ts';
import { startSim } from '../../../src/sim/index.ts';

function run(seed: number, ms: number, during?: (m: MarketModel, s: ManualScheduler) => void) {
  const sched = new ManualScheduler(new ManualClock());
  const model = new MarketModel({ seed, scheduler: sched, assets: ['SOL'] });
  const updates: StableUpdate[] = [];
  const mids: number[] = [];
  model.usdc.onUpdate((u) => {
    updates.push(u);
    mids.push(model.usdc.mid());
  });
  model.start();
  during?.(model, sched);
  sched.advance(ms);
  return { model, updates, mids, sched };
}

describe('USDC/USD stable book', () => {
  it('is deterministic for a seed, differs across seeds, and stays within a few bps of 1.0000', () => {
    const a = run(5, 20_000);
    const b = run(5, 20_000);
    expect(a.updates.length).toBeGreaterThan(40); // one step per 400 ms slot
    expect(JSON.stringify(b.updates)).toBe(JSON.stringify(a.updates));
    expect(JSON.stringify(run(6, 20_000).updates)).not.toBe(JSON.stringify(a.updates));
    for (const m of a.mids) expect(Math.abs(m - 1) * 1e4).toBeLessThan(5);
    const snap = a.model.usdc.snapshot();
    expect(snap.bids[0]!.price).toBeLessThan(snap.asks[0]!.price);
    expect(snap.bids.length).toBe(30);
  });

  it('a depeg moves the book and the USDC-quoted pools for its duration, then both come back', () => {
    const calm = run(5, 3_500);
    const r = run(5, 0);
    r.sched.advance(1_000);
    const dexBefore = r.model.dexPrice('SOL');
    const t0 = r.sched.clock.nowMs();
    r.model.usdc.depeg(-120, 2_000, t0);
    // The pool's USDC price of the same USD value rises by 1/0.988.
    expect(r.model.dexPrice('SOL') / dexBefore).toBeCloseTo(1 / 0.988, 4);
    r.sched.advance(1_000);
    expect((r.model.usdc.mid() - 1) * 1e4).toBeLessThan(-110);
    expect((r.model.usdc.mid() - 1) * 1e4).toBeGreaterThan(-130);
    r.sched.advance(1_500);
    expect(Math.abs(r.model.usdc.mid() - 1) * 1e4).toBeLessThan(5);
    expect(r.model.usdc.depegBps()).toBe(0);
    expect(r.model.usdc.depegs()).toEqual([{ bps: -120, start_ms: t0, end_ms: t0 + 2_000 }]);
    // Without a depeg the pools are exactly the model without a stable book would give: the calm run agrees.
    expect(r.model.dexPrice('SOL')).toBe(calm.model.dexPrice('SOL'));
  });
  it('scheduled depegs in a scenario start after their delay and end after their duration', async () => {
    const sched = new ManualScheduler(new ManualClock(0, 1_700_000_000_000));
    const sim = await startSim({ seed: 3, scenario: 'depeg', scheduler: sched });
    try {
      sched.advance(44_000);
      expect(sim.market.usdc.depegBps()).toBe(0);
      sched.advance(2_000);
      expect(sim.market.usdc.depegBps()).toBe(-120);
      expect(sim.market.usdc.mid()).toBeLessThan(0.99);
      sched.advance(30_000);
      expect(sim.market.usdc.depegBps()).toBe(0);
      sched.advance(25_000);
      expect(sim.market.usdc.depegBps()).toBe(-30);
      expect(sim.market.usdc.depegs().map((d) => d.bps)).toEqual([-120, -30]);
    } finally {
      await sim.close();
    }
  });
});
