import type { AssetConfig } from '../../shared/config/index.ts';
import type { GateLimits } from './gates.ts';

/** What a signal actor is told at startup (built by the topology from the config). */
export interface SignalSlice {
  asset: string;
  asset_index: number;
  venues: { venue_id: number; venue: string; taker_fee_bps: number; ioc_epsilon_pct: number; book_usage_cap_pct: number; stale_ms: number }[];
  routes: { route: number; name: string; slippage_bps_cap: number; stale_ms: number }[];
  signal: AssetConfig['signal'];
  sizing: AssetConfig['sizing'];
  max_trades_per_window: number;
  /** Asset-wide gates (stale-feed auto-pause, anomaly); null = off. */
  gates: GateLimits | null;
  /**
   * USD per USDC for converting DEX amounts into the CEX quote. `bitstamp:usdcusd`: observed (the mid
   * of the basis BookTop), stale after `stale_ms`, `usd_per_usdc` only until the first observation;
   * `fixed`: `usd_per_usdc` always. null = both legs quote in one currency: no conversion, no gate.
   */
  basis: { source: 'bitstamp:usdcusd' | 'fixed'; usd_per_usdc: number; stale_ms: number } | null;
  /** Where to restore open windows from at start; null = nothing to restore. */
  store: { kind: 'sqlite' | 'mongodb'; data_dir: string; mongodb_url_env: string } | null;
}

/** Route names as stored and shown: `<program>#<index>`. */
export function routeName(program: string, index: number): string {
  return `${program}#${index}`;
}
