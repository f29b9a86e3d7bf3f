import { type Asset, type AssetSpec, formatPrice, formatSize } from '../../market/assets.ts';
import type { L2Change, Level } from '../../market/book.ts';

/** Coinbase product ids the simulator serves. `-USDC` ids are accepted and answered as `-USD` (as the venue does on market-data channels). */
export function productAsset(product_id: string, assets: readonly Asset[]): Asset | undefined {
  const m = /^([A-Z]+)-(USD|USDC)$/.exec(product_id);
  if (m === null) return undefined;
  const a = m[1] as Asset;
  return assets.includes(a) ? a : undefined;
}

export function productId(asset: Asset): string {
  return `${asset}-USD`;
}

export interface CbL2Entry {
  side: 'bid' | 'offer';
  event_time: string;
  price_level: string;
  new_quantity: string;
}

export function l2Entry(spec: AssetSpec, side: 'bid' | 'ask', price: number, size: number, event_time: string): CbL2Entry {
  return { side: side === 'bid' ? 'bid' : 'offer', event_time, price_level: formatPrice(spec, price), new_quantity: formatSize(spec, size) };
}

/** Snapshot entries carry the epoch as event_time (as observed by ccxt). */
export const SNAPSHOT_EVENT_TIME = '1970-01-01T00:00:00Z';

export function snapshotEntries(spec: AssetSpec, bids: Level[], asks: Level[]): CbL2Entry[] {
  return [
    ...bids.map((l) => l2Entry(spec, 'bid', l.price, l.size, SNAPSHOT_EVENT_TIME)),
    ...asks.map((l) => l2Entry(spec, 'ask', l.price, l.size, SNAPSHOT_EVENT_TIME)),
  ];
}

export function updateEntries(spec: AssetSpec, changes: L2Change[], event_time: string): CbL2Entry[] {
  return changes.map((c) => l2Entry(spec, c.side, c.price, c.size, event_time));
}
