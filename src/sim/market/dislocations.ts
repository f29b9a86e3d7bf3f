import { type Asset, CEX_VENUES, type CexVenue, type Venue } from './assets.ts';

export type ArbDirection = 'buy_cex_sell_dex' | 'buy_dex_sell_cex';

/** What a test or scenario asks for: move `venue` away from the rest by `bps` (signed) for `duration_ms`. */
export interface DislocationSpec {
  asset: Asset;
  venue: Venue;
  bps: number;
  duration_ms: number;
  /** Start this long after the request (default 0: at the next model tick). */
  delay_ms?: number;
}

/** Ground truth of one injected dislocation, as the benchmark scores capture against it. */
export interface TruthWindow {
  id: string;
  asset: Asset;
  /** The dislocated venue first, then the venues it now has an edge against. */
  venues: Venue[];
  dislocated_venue: Venue;
  start_ms: number;
  end_ms: number;
  /** The arbitrage the window opens, in the engine's terms. */
  direction: ArbDirection;
  requested_bps: number;
  /** Largest edge observed between the dislocated venue's mid and its counterparties' mean mid, in bps, signed in `direction`. */
  peak_edge_bps: number;
  /**
   * Largest base size seen during the window that one CEX-vs-pool trade could take at the truth's
   * eligibility threshold (executable prices on the CEX book and the pool, net of the CEX taker fee,
   * the pool fee and the haircut); null when it could not be measured (no pool for the asset).
   */
  eligible_size: number | null;
  /** That size in USD at the CEX's executable average price. */
  eligible_notional_usd: number | null;
  /** The CEX side of that trade (the dislocated CEX, or for a DEX window the best counterparty). */
  eligible_cex: CexVenue | null;
  state: 'scheduled' | 'active' | 'ended';
}

/** Eligible size of a window at this moment, as a sizer measures it. */
export interface Eligible {
  size: number;
  notional_usd: number;
  cex: CexVenue;
}

export type WindowSizer = (w: TruthWindow) => Eligible | undefined;

export function arbDirection(venue: Venue, bps: number): ArbDirection {
  const venueRich = bps > 0;
  if (venue === 'dex') return venueRich ? 'buy_cex_sell_dex' : 'buy_dex_sell_cex';
  return venueRich ? 'buy_dex_sell_cex' : 'buy_cex_sell_dex';
}

export function counterparties(venue: Venue): Venue[] {
  return venue === 'dex' ? [...CEX_VENUES] : ['dex'];
}

/** Random dislocations drawn from the model's seed, for `npm start` and the benchmark. */
export interface AutoDislocations {
  mean_interval_ms: number;
  bps_min: number;
  bps_max: number;
  duration_ms_min: number;
  duration_ms_max: number;
  /** Draw only these assets / venues (default: all). */
  assets?: readonly Asset[];
  venues?: readonly Venue[];
}

export const DEFAULT_AUTO_DISLOCATIONS: AutoDislocations = {
  mean_interval_ms: 20_000,
  bps_min: 40,
  bps_max: 150,
  duration_ms_min: 2_000,
  duration_ms_max: 10_000,
};
