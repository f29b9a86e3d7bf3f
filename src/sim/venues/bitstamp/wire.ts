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

/**
 * `levelRows` as JSON text, `[["price","size"],…]`, with each level's row text cached by price and
 * size. An `order_book` message is the whole top 100 of both sides on every change, and only a few
 * levels change per update, so formatting and stringifying all 200 rows each time was most of the
 * simulator's cost under load (~5 KB per message). The cache is a pure memo (same price and size →
 * same text), so it is shared by every socket and cleared when it grows past `ROW_CACHE_MAX`.
 */
const ROW_CACHE_MAX = 8_192;
const rowCaches = new WeakMap<BookSpec, Map<number, { size: number; text: string }>>();
export function levelRowsJson(spec: BookSpec, levels: Level[]): string {
  let cache = rowCaches.get(spec);
  if (cache === undefined) rowCaches.set(spec, (cache = new Map()));
  if (cache.size > ROW_CACHE_MAX) cache.clear();
  let out = '[';
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    let row = cache.get(l.price);
    if (row === undefined || row.size !== l.size) {
      row = { size: l.size, text: `["${formatUnits(l.price, spec.price_decimals)}","${formatUnits(l.size, spec.size_decimals)}"]` };
      cache.set(l.price, row);
    }
    out += i === 0 ? row.text : `,${row.text}`;
  }
  return `${out}]`;
}

/** Bitstamp stamps book data with seconds and microseconds, both as strings. */
export function bookStamp(micros: number): { timestamp: string; microtimestamp: string } {
  return { timestamp: Math.floor(micros / 1e6).toString(), microtimestamp: micros.toString() };
}
