import type { SimHost } from '../../src/sim/host/index.ts';
import type { DislocationSpec } from '../../src/sim/index.ts';

/**
 * The simulated world of an SLO run: a latency model applied through the simulator's fault hooks
 * and a dislocation scenario. The book-update rate is the simulator's own load generator
 * (`src/sim/load.ts`), which runs in the simulator's worker thread.
 */

/** The simulator calls an SLO run makes (the worker-hosted simulator's asynchronous API). */
export type SimControl = Pick<SimHost, 'inject' | 'configure' | 'dislocate'>;

/** One-way latencies added by the simulator before each outgoing message (see README "Latency model"). */
export interface LatencyModel {
  coinbase_ws_ms: number;
  gemini_ws_ms: number;
  bitstamp_ws_ms: number;
  /** Solana RPC: delays HTTP answers and PubSub notifications alike (the simulator's `delay`). */
  solana_rpc_ms: number;
  jupiter_http_ms: number;
  /** Extra slots every transaction waits before landing (the simulator lands at the next 400 ms slot). */
  solana_land_extra_slots: number;
  /** REST/HTTP answer latency per venue, lognormal fitted to p50/p99 (the simulator's venue profile). */
  rest_ms: Record<'coinbase' | 'gemini' | 'bitstamp' | 'solana' | 'jupiter', { p50: number; p99: number } | null>;
}

export const DEFAULT_LATENCY: LatencyModel = {
  coinbase_ws_ms: 2,
  gemini_ws_ms: 3,
  bitstamp_ws_ms: 35,
  solana_rpc_ms: 15,
  jupiter_http_ms: 40,
  solana_land_extra_slots: 1,
  rest_ms: {
    coinbase: { p50: 30, p99: 120 },
    gemini: { p50: 35, p99: 150 },
    bitstamp: { p50: 90, p99: 250 },
    solana: { p50: 20, p99: 90 },
    jupiter: { p50: 60, p99: 250 },
  },
};

export const NO_LATENCY: LatencyModel = {
  coinbase_ws_ms: 0,
  gemini_ws_ms: 0,
  bitstamp_ws_ms: 0,
  solana_rpc_ms: 0,
  jupiter_http_ms: 0,
  solana_land_extra_slots: 0,
  rest_ms: { coinbase: null, gemini: null, bitstamp: null, solana: null, jupiter: null },
};

/** Enough slow-land credits that every transaction of a run takes the extra slots. */
const SLOW_LAND_CREDITS = 1_000_000;

export async function applyLatency(sim: SimControl, m: LatencyModel): Promise<void> {
  const delay = async (venue: string, delay_ms: number) => {
    if (delay_ms > 0) await sim.inject({ venue, kind: 'delay', delay_ms });
  };
  await delay('coinbase', m.coinbase_ws_ms);
  await delay('gemini', m.gemini_ws_ms);
  await delay('bitstamp', m.bitstamp_ws_ms);
  await delay('solana', m.solana_rpc_ms);
  await delay('jupiter', m.jupiter_http_ms);
  if (m.solana_land_extra_slots > 0) await sim.inject({ venue: 'solana', kind: 'slow_land', count: SLOW_LAND_CREDITS, slots: m.solana_land_extra_slots });
  // REST answer latency is a standing venue profile in the simulator (merged into what is there).
  for (const [venue, l] of Object.entries(m.rest_ms) as [keyof LatencyModel['rest_ms'], { p50: number; p99: number } | null][]) {
    if (l) await sim.configure(venue, { rest_latency_ms: l }, true);
  }
}

export const SCENARIOS = ['windows', 'auto'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface WindowsScenario {
  period_ms: number;
  duration_ms: number;
  bps: number;
}

/** A dislocation every 6 s lasting 3 s, 450 bps: above the default config's cold threshold + costs (≈ 339 bps for Coinbase). */
export const DEFAULT_WINDOWS: WindowsScenario = { period_ms: 6_000, duration_ms: 3_000, bps: 450 };

/**
 * `windows`: dislocations on SOL scheduled up front, rotating the dislocated venue (coinbase,
 * gemini, bitstamp, dex) and the sign, so every pair and both directions come up. They are all
 * scheduled at start, so SOL always has a pending window and the simulator's own random
 * dislocations (which never overlap one on an asset) stay off SOL for the run: the ground truth of
 * SOL is exactly this list. `auto`: only the simulator's seeded random dislocations.
 */
export async function scheduleWindows(sim: SimControl, scenario: Scenario, first_ms: number, span_ms: number, w: WindowsScenario = DEFAULT_WINDOWS): Promise<string[]> {
  if (scenario === 'auto') return [];
  const venues = ['coinbase', 'dex', 'gemini', 'bitstamp'] as const;
  const period = Math.min(w.period_ms, Math.max(1_500, span_ms / 2));
  const duration = Math.min(w.duration_ms, period * 0.6);
  const ids: string[] = [];
  for (let i = 0, t = first_ms; t + duration <= first_ms + span_ms; i++, t += period) {
    const spec: DislocationSpec = { asset: 'SOL', venue: venues[i % venues.length]!, bps: (Math.floor(i / 2) % 2 === 0 ? 1 : -1) * w.bps, duration_ms: Math.round(duration), delay_ms: Math.round(t) };
    ids.push(await sim.dislocate(spec));
  }
  return ids;
}
