import { type Asset, type AssetSpec, formatPrice, formatSize } from '../../market/assets.ts';
import type { Level } from '../../market/book.ts';

/** Bitstamp pairs are lowercase with no separator (`btcusd`). */
export function bitstampPair(asset: Asset): string {
  return `${asset.toLowerCase()}usd`;
}

export function pairAsset(pair: string, assets: readonly Asset[]): Asset | undefined {
  const m = /^([a-z]+)usd$/.exec(pair);
  const a = m?.[1].toUpperCase() as Asset | undefined;
  return a !== undefined && assets.includes(a) ? a : undefined;
}

export function levelRows(spec: AssetSpec, levels: Level[]): [string, string][] {
  return levels.map((l) => [formatPrice(spec, l.price), formatSize(spec, l.size)]);
}

/** Bitstamp stamps book data with seconds and microseconds, both as strings. */
export function bookStamp(micros: number): { timestamp: string; microtimestamp: string } {
  return { timestamp: Math.floor(micros / 1e6).toString(), microtimestamp: micros.toString() };
}
