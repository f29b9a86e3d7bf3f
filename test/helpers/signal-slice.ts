import type { SignalSlice } from '../../src/actors/signal/slice.ts';

/**
 * The signal slice the unit tests share: SOL, Coinbase (60 bps taker) against one Whirlpool route,
 * 1 % / 2 % thresholds (hot 12-13 UTC), a 0.75 % haircut, 50-500 quote sizing, 3 trades a window,
 * USD = USDC (no basis). Override what a test is about.
 */
export function signalSlice(over: Partial<SignalSlice> = {}): SignalSlice {
  return {
    asset: 'SOL',
    asset_index: 0,
    venues: [{ venue_id: 1, venue: 'coinbase', taker_fee_bps: 60, ioc_epsilon_pct: 0.1, book_usage_cap_pct: 30, stale_ms: 5_000 }],
    routes: [{ route: 0, name: 'whirlpool#0', slippage_bps_cap: 75, stale_ms: 2_000 }],
    signal: { profit_threshold_pct_hot: 1, profit_threshold_pct_cold: 2, slip_haircut_pct: 0.75, window_grace_sec: 20, hot_window_utc: [12, 13], max_basis_bps: 50 },
    sizing: { base_notional_quote: 50, max_notional_quote: 500, pool_usage_cap_pct: 1 },
    max_trades_per_window: 3,
    gates: { stale_pause_ms: 10_000, anomaly_sigma: 3, anomaly_window_sec: 60, anomaly_resume_sec: 120 },
    basis: null,
    store: null,
    ...over,
  };
}
