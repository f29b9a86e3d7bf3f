import { describe, expect, it } from 'vitest';
import {
  CoinbaseProductAliases,
  coinbaseMarketDataId,
  coinbaseProductId,
  parseCoinbaseProductId,
} from '../../../../src/actors/venues/coinbase/symbols.ts';

describe('Coinbase symbols', () => {
  it('maps -USDC to -USD for market data only', () => {
    expect(coinbaseProductId('sol', 'usdc')).toBe('SOL-USDC');
    expect(coinbaseMarketDataId('SOL-USDC')).toBe('SOL-USD');
    expect(coinbaseMarketDataId('SOL-USD')).toBe('SOL-USD');
    expect(coinbaseMarketDataId('ETH-BTC')).toBe('ETH-BTC');
    expect(parseCoinbaseProductId('BTC-USD')).toEqual({ base: 'BTC', quote: 'USD' });
    expect(() => parseCoinbaseProductId('BTCUSD')).toThrow();
  });

  it('routes one incoming -USD id to both the -USD and -USDC books', () => {
    const a = new CoinbaseProductAliases(['SOL-USD', 'SOL-USDC', 'BTC-USD']);
    expect(a.subscribeIds()).toEqual(['SOL-USD', 'BTC-USD']);
    expect(a.targets('SOL-USD')).toEqual(['SOL-USD', 'SOL-USDC']);
    expect(a.targets('SOL-USDC')).toEqual([]);
    expect(a.targets('ETH-USD')).toEqual([]);
  });
});
