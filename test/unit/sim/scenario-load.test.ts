import { describe, expect, it } from 'vitest';
import { TAKER_FEE_BPS } from '../../../src/sim/matching/engine.ts';
import { listScenarios, loadScenario, parseScenario, ScenarioError } from '../../../src/sim/scenario.ts';

describe('scenario files', () => {
  it('ships calm, windows, chaos and depeg, all valid', () => {
    expect(listScenarios()).toEqual(expect.arrayContaining(['calm', 'chaos', 'depeg', 'windows']));
    for (const n of ['calm', 'windows', 'chaos', 'depeg']) expect(loadScenario(n).name).toBe(n);
  });

  it('depeg schedules one USDC depeg beyond the default 50 bps basis limit and one inside it', () => {
    const d = loadScenario('depeg').depegs;
    expect(d.some((x) => Math.abs(x.bps) > 50)).toBe(true);
    expect(d.some((x) => Math.abs(x.bps) < 50)).toBe(true);
    expect(loadScenario('windows').depegs).toEqual([]);
  });

  it('calm has no dislocations and no fault rates', () => {
    const s = loadScenario('calm');
    expect(s.dislocations.auto).toBe(false);
    expect(s.dislocations.scheduled).toEqual([]);
    for (const p of Object.values(s.venues)) {
      expect(Object.keys(p ?? {}).filter((k) => !k.endsWith('latency_ms'))).toEqual([]);
    }
  });

  it('windows dislocates one CEX against the pool by enough to clear 2 % net after its taker fee and a 0.75 % haircut', () => {
    const s = loadScenario('windows');
    const a = s.dislocations.auto;
    if (a === false) throw new Error('windows must have auto dislocations');
    expect(a.assets).toEqual(['SOL']);
    expect(a.venues).toHaveLength(1);
    const cex = a.venues![0];
    expect(cex).not.toBe('dex');
    expect(s.eligibility).toEqual({ min_net_edge_bps: 200, haircut_bps: 75 });
    // Whirlpool fee 4 bps and ~2 bps of spread on top of the CEX taker fee and the haircut.
    expect(a.bps_min - TAKER_FEE_BPS[cex as 'gemini'] - 75 - 6).toBeGreaterThanOrEqual(200);
    expect(a.mean_interval_ms).toBeLessThanOrEqual(30_000);
  });

  it('chaos turns on failed and late transactions, partial fills, 5xx and dropped sockets', () => {
    const v = loadScenario('chaos').venues;
    expect(v.solana?.tx_fail_pct).toBeGreaterThan(0);
    expect(v.solana?.tx_late_pct).toBeGreaterThan(0);
    for (const c of [v.coinbase, v.gemini, v.bitstamp]) {
      expect(c?.partial_fill_pct).toBeGreaterThan(0);
      expect(c?.rest_5xx_pct).toBeGreaterThan(0);
      expect(c?.ws_drop_per_min).toBeGreaterThan(0);
    }
  });
});

describe('scenario validation', () => {
  const base = { description: 'x', dislocations: { auto: false } };

  it('refuses unknown keys at every level, naming them', () => {
    expect(() => parseScenario({ ...base, seed: 3 }, 't')).toThrow(/seed/);
    expect(() => parseScenario({ ...base, dislocations: { auto: false, often: true } }, 't')).toThrow(/often/);
    expect(() => parseScenario({ ...base, venues: { coinbase: { rest_latency: 5 } } }, 't')).toThrow(/rest_latency/);
    expect(() => parseScenario({ ...base, venues: { kraken: {} } }, 't')).toThrow(/kraken/);
  });

  it('refuses fields a venue does not have and out-of-range values', () => {
    expect(() => parseScenario({ ...base, venues: { coinbase: { tx_fail_pct: 5 } } }, 't')).toThrow(ScenarioError);
    expect(() => parseScenario({ ...base, venues: { jupiter: { ws_drop_per_min: 1 } } }, 't')).toThrow(ScenarioError);
    expect(() => parseScenario({ ...base, venues: { gemini: { rest_5xx_pct: 120 } } }, 't')).toThrow(/rest_5xx_pct/);
    expect(() => parseScenario({ ...base, venues: { gemini: { rest_latency_ms: { p50: 50, p99: 10 } } } }, 't')).toThrow(/p99/);
    expect(() => parseScenario({ description: 'x' }, 't')).toThrow(/dislocations/);
  });

  it('a scheduled depeg needs a non-zero bps and a positive duration', () => {
    expect(() => parseScenario({ ...base, depegs: [{ bps: 0, duration_ms: 1_000 }] }, 't')).toThrow(/bps must be non-zero/);
    expect(() => parseScenario({ ...base, depegs: [{ bps: -50, duration_ms: 0 }] }, 't')).toThrow(/duration_ms/);
    expect(() => parseScenario({ ...base, depegs: [{ bps: -50, duration_ms: 10, when: 3 }] }, 't')).toThrow(/when/);
    expect(parseScenario({ ...base, depegs: [{ bps: -50, duration_ms: 10 }] }, 't').depegs[0]!.delay_ms).toBe(0);
  });

  it('an unknown scenario name lists the ones there are', () => {
    expect(() => loadScenario('nope')).toThrow(/no scenario "nope".*calm/);
  });
});
