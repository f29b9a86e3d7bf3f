import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.ts';
import { ManualScheduler, type Sim, startSim } from '../../../src/sim/index.ts';
import type { MarketEvent } from '../../../src/sim/market/model.ts';

/** Run a scenario for `ms` of simulated time; market events without their timestamps, and the truth. */
async function run(seed: number, scenario: string, ms: number, start_ms = 1_700_000_000_000): Promise<{ events: string[]; sim: Sim; truth: ReturnType<Sim['truth']> }> {
  const clock = new ManualClock(0, start_ms);
  const sched = new ManualScheduler(clock);
  const sim = await startSim({ seed, scenario, scheduler: sched });
  const events: string[] = [];
  sim.market.onEvent((e: MarketEvent) => {
    const { ts_ms: _t, ...rest } = e;
    const noMicros = 'micros' in rest ? { ...rest, micros: 0 } : rest;
    events.push(JSON.stringify(noMicros));
  });
  for (let t = 0; t < ms; t += 1_000) sched.advance(1_000);
  const truth = sim.truth();
  await sim.close();
  return { events, sim, truth };
}

const untimed = (t: ReturnType<Sim['truth']>) => t.map(({ start_ms, end_ms, ...w }) => ({ ...w, duration_ms: end_ms - start_ms }));

describe('same seed + scenario → same market', () => {
  it('windows: identical event sequences and truth (timestamps aside) across two runs', async () => {
    // The second run starts on another day: only timestamps may differ.
    const a = await run(9, 'windows', 90_000);
    const b = await run(9, 'windows', 90_000, 1_700_086_400_123);
    expect(a.events.length).toBeGreaterThan(2_000);
    expect(b.events).toEqual(a.events);
    expect(untimed(b.truth)).toEqual(untimed(a.truth));
    expect(a.truth.length).toBeGreaterThanOrEqual(2);
  });

  it('chaos: identical across two runs although every fault rate is drawing; a different seed differs', async () => {
    const a = await run(4, 'chaos', 30_000);
    const b = await run(4, 'chaos', 30_000);
    const c = await run(5, 'chaos', 30_000);
    expect(b.events).toEqual(a.events);
    expect(c.events).not.toEqual(a.events);
  });

  it('calm: no truth windows at all', async () => {
    const a = await run(2, 'calm', 60_000);
    expect(a.truth).toEqual([]);
  });
});

describe('windows scenario truth records', () => {
  it('carry start, end, direction, peak edge and an eligible size at the stated threshold', async () => {
    const { truth } = await run(9, 'windows', 120_000);
    const ended = truth.filter((w) => w.state === 'ended');
    expect(ended.length).toBeGreaterThanOrEqual(3);
    for (const w of ended) {
      expect(w.venues).toEqual(['gemini', 'dex']);
      expect(w.end_ms - w.start_ms).toBeGreaterThanOrEqual(4_000);
      expect(['buy_cex_sell_dex', 'buy_dex_sell_cex']).toContain(w.direction);
      expect(w.direction).toBe(w.requested_bps > 0 ? 'buy_dex_sell_cex' : 'buy_cex_sell_dex');
      // Gross edge must cover 200 bps net + 35 bps fee + 75 bps haircut.
      expect(w.peak_edge_bps).toBeGreaterThan(310);
      expect(w.eligible_cex).toBe('gemini');
      expect(w.eligible_size).toBeGreaterThan(0);
      expect(w.eligible_notional_usd).toBeGreaterThan(w.eligible_size! * 100);
    }
  });
});
