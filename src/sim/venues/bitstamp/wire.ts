import { type Asset, formatUnits } from '../../market/assets.ts';
import type { BookSpec, Level } from '../../market/book.ts';

/** What a Bitstamp book channel can carry here: a simulated asset against USD, or USDC against USD. */
export type BitstampInstrument = Asset | 'USDC';

/** Bitstamp pairs are lowercase with no separator (`btcusd`). */
export function bitstampPair(asset: BitstampInstrument): string {
  return `${asset.toLowerCase()}usd`;
}

export function pairAsset(pair: string, assets: readonly Asset[]): Asset | undefined {
  const m = /^([a-z]+)usd$/.exec(pair);
  const a = m?.[1].toUpperCase() as Asset | undefined;
  return a !== undefined && assets.includes(a) ? a : undefined;
}

/** `usdcusd` (the stable book every run has) or a simulated asset's pair. */
export function pairInstrument(pair: string, assets: readonly Asset[]): BitstampInstrument | undefined {
  return pair === 'usdcusd' ? 'USDC' : pairAsset(pair, assets);
}

export function levelRows(spec: BookSpec, levels: Level[]): [string, string][] {
  return levels.map((l) => [formatUnits(l.price, spec.price_decimals), formatUnits(l.size, spec.size_decimals)]);
}

/** Bitstamp stamps book data with seconds and microseconds, both as strings. */
export function bookStamp(micros: number): { timestamp: string; microtimestamp: string } {
  return { timestamp: Math.floor(micros / 1e6).toString(), microtimestamp: micros.toString() };
}
