import { describe, expect, it } from 'vitest';
import { bitstampChannel, bitstampPair, bitstampPairFromMarket, parseBitstampChannel } from '../../../../src/actors/venues/bitstamp/symbols.ts';

describe('Bitstamp symbols', () => {
  it('pairs and channels round-trip', () => {
    expect(bitstampPair('SOL', 'USD')).toBe('solusd');
    expect(bitstampPairFromMarket('BTC/USD')).toBe('btcusd');
    expect(bitstampChannel('diff_order_book', 'btcusd')).toBe('diff_order_book_btcusd');
    expect(bitstampChannel('private-my_orders', 'btcusd', 4848701)).toBe('private-my_orders_btcusd-4848701');
    expect(parseBitstampChannel('diff_order_book_btcusd')).toEqual({ kind: 'diff_order_book', pair: 'btcusd' });
    expect(parseBitstampChannel('order_book_btcusd')).toEqual({ kind: 'order_book', pair: 'btcusd' });
    expect(parseBitstampChannel('detail_order_book_ethusd')).toEqual({ kind: 'detail_order_book', pair: 'ethusd' });
    expect(parseBitstampChannel('private-my_orders_btcusd-4848701')).toEqual({ kind: 'private-my_orders', pair: 'btcusd' });
    expect(() => parseBitstampChannel('order_book_')).toThrow();
    expect(() => bitstampChannel('private-my_trades', 'btcusd')).toThrow();
  });
});
