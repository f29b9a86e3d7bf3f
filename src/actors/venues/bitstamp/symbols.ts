/**
 * Bitstamp names: lowercase pair `btcusd` in paths and channels, `BTC/USD` as `market` in responses,
 * channels `<kind>_<pair>` (private: `private-my_orders_<pair>-<user_id>`).
 */
import { BitstampError } from './errors.ts';

export type BitstampChannelKind =
  | 'order_book'
  | 'diff_order_book'
  | 'detail_order_book'
  | 'live_trades'
  | 'live_orders'
  | 'private-my_orders'
  | 'private-my_trades';

// Prefix match in this order; `order_book_` is not a prefix of the diff/detail names, but listing
// the specific names first keeps that true if a shorter kind is ever added.
const KINDS: readonly BitstampChannelKind[] = [
  'private-my_orders',
  'private-my_trades',
  'detail_order_book',
  'diff_order_book',
  'order_book',
  'live_trades',
  'live_orders',
];

export function bitstampPair(base: string, quote: string): string {
  return `${base}${quote}`.toLowerCase();
}

/** `BTC/USD` (response `market`) → `btcusd`. */
export function bitstampPairFromMarket(market: string): string {
  return market.replace('/', '').toLowerCase();
}

export function bitstampChannel(kind: BitstampChannelKind, pair: string, userId?: number | string): string {
  if (kind.startsWith('private-')) {
    if (userId === undefined) {
      throw new BitstampError('bitstamp.bad_request', `private channel ${kind} needs a user id`, { retry: 'fatal', outcome: 'rejected' });
    }
    return `${kind}_${pair}-${userId}`;
  }
  return `${kind}_${pair}`;
}

export function parseBitstampChannel(channel: string): { kind: BitstampChannelKind; pair: string } {
  for (const kind of KINDS) {
    if (channel.startsWith(`${kind}_`)) {
      let pair = channel.slice(kind.length + 1);
      if (kind.startsWith('private-')) {
        const dash = pair.lastIndexOf('-');
        if (dash > 0) pair = pair.slice(0, dash);
      }
      if (pair.length > 0) return { kind, pair };
    }
  }
  throw new BitstampError('bitstamp.bad_message', `unknown Bitstamp channel ${JSON.stringify(channel)}`, {
    retry: 'fatal',
    outcome: 'unknown',
  });
}
