import type { DislocationSpec, Sim } from '../../src/sim/index.ts';

/**
 * The simulated world of an SLO run: a latency model applied through the simulator's fault hooks,
 * a dislocation scenario, and a driver that steps the market model at the requested book-update rate.
 */

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

export function applyLatency(sim: Sim, m: LatencyModel): void {
  const delay = (venue: string, delay_ms: number) => {
    if (delay_ms > 0) sim.faults.inject({ venue, kind: 'delay', delay_ms });
  };
  delay('coinbase', m.coinbase_ws_ms);
  delay('gemini', m.gemini_ws_ms);
  delay('bitstamp', m.bitstamp_ws_ms);
  delay('solana', m.solana_rpc_ms);
  delay('jupiter', m.jupiter_http_ms);
  if (m.solana_land_extra_slots > 0) sim.faults.inject({ venue: 'solana', kind: 'slow_land', count: SLOW_LAND_CREDITS, slots: m.solana_land_extra_slots });
  // REST answer latency is a standing venue profile in the simulator (merged into what is there).
  for (const [venue, l] of Object.entries(m.rest_ms) as [keyof LatencyModel['rest_ms'], { p50: number; p99: number } | null][]) {
    if (l) sim.faults.configure(venue, { rest_latency_ms: l }, true);
  }
}

export function clearLatency(sim: Sim): void {
  for (const venue of ['coinbase', 'gemini', 'bitstamp', 'solana', 'jupiter']) sim.faults.inject({ venue, kind: 'delay', delay_ms: 0 });
  sim.faults.venue('solana').pending_slow_lands = 0;
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
export function scheduleWindows(sim: Sim, scenario: Scenario, first_ms: number, span_ms: number, w: WindowsScenario = DEFAULT_WINDOWS): string[] {
  if (scenario === 'auto') return [];
  const venues = ['coinbase', 'dex', 'gemini', 'bitstamp'] as const;
  const period = Math.min(w.period_ms, Math.max(1_500, span_ms / 2));
  const duration = Math.min(w.duration_ms, period * 0.6);
  const ids: string[] = [];
  for (let i = 0, t = first_ms; t + duration <= first_ms + span_ms; i++, t += period) {
    const spec: DislocationSpec = { asset: 'SOL', venue: venues[i % venues.length]!, bps: (Math.floor(i / 2) % 2 === 0 ? 1 : -1) * w.bps, duration_ms: Math.round(duration), delay_ms: Math.round(t) };
    ids.push(sim.market.dislocate(spec));
  }
  return ids;
}

/**
 * Book updates per second, driven by extra `market.step()` calls on top of the model's own 100 ms
 * timer (`step()` is the model's public stepping hook). Each step updates every simulated book; the
 * engine subscribes to `booksPerStep` of them (3 CEX venues × enabled assets), so steps/s =
 * rate / booksPerStep. Consequence, stated in the README: model time runs faster than wall time
 * (each step is one 100 ms model tick), so prices wander faster; dislocation windows are scheduled
 * in wall time and are not affected.
 */
/** Longest run of model steps per event-loop turn. */
const MAX_TURN_MS = 4;

export class RateDriver {
  private steps = 0;
  private t0 = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  stepsDone = 0;

  constructor(
    private readonly sim: Sim,
    private rate: number,
    private readonly booksPerStep: number,
  ) {}

  start(): void {
    this.running = true;
    this.setRate(this.rate);
    this.loop();
  }

  setRate(rate: number): void {
    this.rate = rate;
    this.t0 = performance.now();
    this.steps = 0;
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private loop = (): void => {
    if (!this.running) return;
    const started = performance.now();
    const due = Math.floor(((started - this.t0) / 1000) * (this.rate / this.booksPerStep));
    if (this.rate <= 0) {
      this.timer = setTimeout(this.loop, 50);
      return;
    }
    // Step until caught up or MAX_TURN_MS is spent, whichever comes first.
    let n = 0;
    while (this.steps < due && performance.now() - started < MAX_TURN_MS) {
      this.sim.market.step();
      this.steps++;
      n++;
    }
    this.stepsDone += n;
    const spent = performance.now() - started;
    // Duty cap: the model shares the main thread with the simulators' sockets and the engine's edge
    // and supervisor; after a busy turn it sleeps as long as it worked, so it never takes more than
    // about half of that thread. Behind schedule the missed steps are dropped (the rate reported is
    // the one achieved, not the one asked for).
    if (this.steps < due && spent >= MAX_TURN_MS) this.steps = due;
    this.timer = setTimeout(this.loop, Math.max(1, spent));
  };
}
