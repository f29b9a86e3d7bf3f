import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.ts';
import { type RestPlan, VenueFaults } from '../../../src/sim/faults.ts';
import { ManualScheduler } from '../../../src/sim/market/scheduler.ts';
import { loadScenario } from '../../../src/sim/scenario.ts';

const N = 20_000;
const faults = (venue = 'coinbase', seed = 1) => {
  const sched = new ManualScheduler(new ManualClock());
  return { sched, f: new VenueFaults(venue, sched, seed) };
};
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];
const share = <T>(xs: T[], pred: (x: T) => boolean): number => xs.filter(pred).length / xs.length;

describe('per-venue profiles', () => {
  it('REST latency is lognormal with the configured p50 and p99', () => {
    const { f } = faults();
    f.configure({ rest_latency_ms: { p50: 40, p99: 400 } });
    const xs = Array.from({ length: N }, () => f.planRest().latency_ms);
    expect(quantile(xs, 0.5)).toBeGreaterThan(36);
    expect(quantile(xs, 0.5)).toBeLessThan(44);
    expect(quantile(xs, 0.99)).toBeGreaterThan(330);
    expect(quantile(xs, 0.99)).toBeLessThan(480);
    expect(Math.min(...xs)).toBeGreaterThan(0);
  });

  it('5xx and 429 rates, and the share of 5xx answered after the request took effect', () => {
    const { f } = faults();
    f.configure({ rest_5xx_pct: 10, rest_5xx_processed_pct: 50, rest_429_pct: 5 });
    const plans: RestPlan[] = Array.from({ length: N }, () => f.planRest());
    expect(share(plans, (p) => p.outcome === 'rate_limited')).toBeCloseTo(0.05, 1);
    const errors = plans.filter((p) => p.outcome.startsWith('error'));
    expect(errors.length / N).toBeGreaterThan(0.08);
    expect(errors.length / N).toBeLessThan(0.11);
    expect(share(errors, (p) => p.outcome === 'error_after')).toBeCloseTo(0.5, 1);
  });

  it('one-shot server_error and rate_limit faults come before the rates; with a duration they last that long', () => {
    const { f, sched } = faults();
    f.apply({ venue: 'coinbase', kind: 'server_error', count: 2, processed: true });
    expect([f.planRest().outcome, f.planRest().outcome, f.planRest().outcome]).toEqual(['error_after', 'error_after', 'ok']);
    f.apply({ venue: 'coinbase', kind: 'rate_limit', duration_ms: 1_000 });
    expect(f.planRest().outcome).toBe('rate_limited');
    sched.advance(1_001);
    expect(f.planRest().outcome).toBe('ok');
    // Jupiter answers its own counted 429s; the wrapper then does not take them.
    f.apply({ venue: 'coinbase', kind: 'rate_limit', count: 1 });
    expect(f.planRest(false).outcome).toBe('ok');
    expect(f.planRest().outcome).toBe('rate_limited');
  });

  it('partial fills happen at the configured probability with a ratio in range; counted ones first', () => {
    const { f } = faults();
    f.configure({ partial_fill_pct: 30, partial_fill_ratio: { min: 0.2, max: 0.6 } });
    f.apply({ venue: 'coinbase', kind: 'partial_fill', count: 1, fill_ratio: 0.9 });
    expect(f.takePartial()).toBe(0.9);
    const rs = Array.from({ length: N }, () => f.takePartial());
    expect(share(rs, (r) => r !== undefined)).toBeCloseTo(0.3, 1);
    const hit = rs.filter((r): r is number => r !== undefined);
    expect(Math.min(...hit)).toBeGreaterThanOrEqual(0.2);
    expect(Math.max(...hit)).toBeLessThanOrEqual(0.6);
  });

  it('transaction fates: failed, late by a slot count in range, dropped', () => {
    const { f } = faults('solana');
    f.configure({ tx_fail_pct: 10, tx_late_pct: 20, tx_late_slots: { min: 2, max: 6 }, tx_drop_pct: 5 });
    f.apply({ venue: 'solana', kind: 'slow_land', count: 1, slots: 9 });
    expect(f.takeTxFate().late_slots).toBe(9);
    const fates = Array.from({ length: N }, () => f.takeTxFate());
    expect(share(fates, (x) => x.fail)).toBeCloseTo(0.1, 1);
    expect(share(fates, (x) => x.drop)).toBeCloseTo(0.05, 1);
    const late = fates.filter((x) => x.late_slots > 0);
    expect(late.length / N).toBeCloseTo(0.2, 1);
    expect(Math.min(...late.map((x) => x.late_slots))).toBeGreaterThanOrEqual(2);
    expect(Math.max(...late.map((x) => x.late_slots))).toBeLessThanOrEqual(6);
  });

  it('dropped sockets arrive as a Poisson process at the configured rate and stop when the profile changes', () => {
    const { f, sched } = faults();
    let drops = 0;
    f.onDrop(() => drops++);
    f.configure({ ws_drop_per_min: 6 });
    sched.advance(600_000);
    expect(drops).toBeGreaterThan(40);
    expect(drops).toBeLessThan(85);
    f.configure({ ws_drop_per_min: 0 });
    const before = drops;
    sched.advance(600_000);
    expect(drops).toBe(before);
    f.close();
    expect(sched.pending()).toBe(0);
  });

  it('WS gaps and WS latency draw from the profile; merge updates only the given fields', () => {
    const { f } = faults();
    f.configure({ ws_gap_pct: 10, ws_latency_ms: { p50: 5, p99: 50 } });
    expect(share(Array.from({ length: N }, () => f.takeGap()), (g) => g)).toBeCloseTo(0.1, 1);
    const ds = Array.from({ length: N }, () => f.wsDelayMs());
    expect(quantile(ds, 0.5)).toBeGreaterThan(4);
    expect(quantile(ds, 0.5)).toBeLessThan(6);
    f.configure({ ws_gap_pct: 0 }, true);
    expect(f.profile).toEqual({ ws_gap_pct: 0, ws_latency_ms: { p50: 5, p99: 50 } });
  });

  it('the same seed draws the same fault sequence', () => {
    const seq = () => {
      const { f } = faults('gemini', 77);
      f.configure(loadScenario('chaos').venues.gemini ?? {});
      return Array.from({ length: 200 }, () => [f.planRest().outcome, f.takePartial() ?? 0]);
    };
    expect(seq()).toEqual(seq());
  });
});
