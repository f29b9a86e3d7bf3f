/**
 * Assets and venues the simulator knows. Prices are kept as integer ticks and sizes as integer lots
 * inside the model, so every book operation is exact and the wire strings are formatted, never
 * rounded from a float that drifted.
 */
export const ASSETS = ['SOL', 'BTC', 'ETH'] as const;
export type Asset = (typeof ASSETS)[number];

export const CEX_VENUES = ['coinbase', 'gemini', 'bitstamp'] as const;
export type CexVenue = (typeof CEX_VENUES)[number];
export type Venue = CexVenue | 'dex';

export interface AssetSpec {
  asset: Asset;
  initial_price: number;
  /** Price increment = 10^-price_decimals. */
  price_decimals: number;
  /** Size increment = 10^-size_decimals. */
  size_decimals: number;
  /** Random-walk volatility of the fundamental, in bps per sqrt(second). */
  vol_bps_per_sqrt_s: number;
  /** Half the quoted spread around the venue price, in bps. */
  half_spread_bps: number;
  /** Mean gap between adjacent book levels, in bps. */
  level_gap_bps: number;
  /** Typical notional resting at one level, in quote currency. */
  level_notional: number;
}

export const ASSET_SPECS: Record<Asset, AssetSpec> = {
  SOL: { asset: 'SOL', initial_price: 150, price_decimals: 2, size_decimals: 8, vol_bps_per_sqrt_s: 3, half_spread_bps: 1, level_gap_bps: 1, level_notional: 8_000 },
  BTC: { asset: 'BTC', initial_price: 60_000, price_decimals: 2, size_decimals: 8, vol_bps_per_sqrt_s: 2, half_spread_bps: 0.3, level_gap_bps: 0.5, level_notional: 25_000 },
  ETH: { asset: 'ETH', initial_price: 3_000, price_decimals: 2, size_decimals: 8, vol_bps_per_sqrt_s: 2.5, half_spread_bps: 0.5, level_gap_bps: 0.7, level_notional: 15_000 },
};

/** Exact decimal string of an integer count of 10^-decimals units (no float division). */
export function formatUnits(units: number, decimals: number): string {
  if (!Number.isSafeInteger(units) || units < 0) throw new RangeError(`formatUnits: bad units ${units}`);
  const s = units.toString().padStart(decimals + 1, '0');
  return decimals === 0 ? s : `${s.slice(0, s.length - decimals)}.${s.slice(s.length - decimals)}`;
}

/** Parse a non-negative decimal string into integer units, rejecting more precision than allowed. */
export function parseUnits(text: string, decimals: number): number | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (m === null) return undefined;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > decimals) return undefined;
  const units = Number(m[1]) * 10 ** decimals + Number(frac.padEnd(decimals, '0') || '0');
  return Number.isSafeInteger(units) ? units : undefined;
}

export function formatPrice(spec: AssetSpec, ticks: number): string {
  return formatUnits(ticks, spec.price_decimals);
}

export function formatSize(spec: AssetSpec, lots: number): string {
  return formatUnits(lots, spec.size_decimals);
}
