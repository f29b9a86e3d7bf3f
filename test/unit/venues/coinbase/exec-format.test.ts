import { describe, expect, it } from 'vitest';
import { buildCoinbaseOrder, COINBASE_SIM_PRODUCTS, rateToBps } from '../../../../src/actors/venues/coinbase/exec.ts';
import { CoinbaseError } from '../../../../src/actors/venues/coinbase/errors.ts';

const order = (side: 'buy' | 'sell', size: string, priceCap: string, symbol = 'SOL-USD') => ({ clientOrderId: 'cid-1', symbol, side, size, priceCap });

function thrown(fn: () => unknown): CoinbaseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CoinbaseError) return e;
    throw e;
  }
  throw new Error('expected a CoinbaseError');
}

describe('coinbase order formatting', () => {
  it('builds sor_limit_ioc with the caller client id; buy cap rounds down, size rounds down', () => {
    const b = buildCoinbaseOrder(order('buy', '0.123456789', '150.019'), COINBASE_SIM_PRODUCTS);
    expect(b.body).toEqual({
      client_order_id: 'cid-1',
      product_id: 'SOL-USD',
      side: 'BUY',
      order_configuration: { sor_limit_ioc: { base_size: '0.12345678', limit_price: '150.01' } },
    });
    expect(b.size).toBe('0.12345678');
    expect(b.price).toBe('150.01');
  });

  it('sell cap rounds up; exact values keep the increment scale; exponent input is exact', () => {
    expect(buildCoinbaseOrder(order('sell', '2', '150.011'), COINBASE_SIM_PRODUCTS).body.order_configuration.sor_limit_ioc).toEqual({ base_size: '2.00000000', limit_price: '150.02' });
    expect(buildCoinbaseOrder(order('sell', '1e-7', '150.01'), COINBASE_SIM_PRODUCTS).price).toBe('150.01');
    expect(buildCoinbaseOrder(order('buy', '1e-7', '150.01'), COINBASE_SIM_PRODUCTS).size).toBe('0.00000010');
  });

  it('uses configured increments (non-decimal steps) and a minimum size; lowercase product ids normalise', () => {
    const products = { 'BTC-USDC': { priceIncrement: '0.05', sizeIncrement: '0.001', minSize: '0.002' } };
    const b = buildCoinbaseOrder(order('buy', '0.0049', '60000.09', 'btc-usdc'), products);
    expect(b.body.product_id).toBe('BTC-USDC');
    expect(b.size).toBe('0.004');
    expect(b.price).toBe('60000.05');
    expect(buildCoinbaseOrder(order('sell', '0.0049', '60000.01', 'BTC-USDC'), products).price).toBe('60000.05');
    expect(thrown(() => buildCoinbaseOrder(order('buy', '0.0019', '60000', 'BTC-USDC'), products)).code).toBe('coinbase.invalid_order');
  });

  it('refuses locally, as a rejection, what would be wrong on the wire', () => {
    const zero = thrown(() => buildCoinbaseOrder(order('buy', '0.000000009', '150'), COINBASE_SIM_PRODUCTS));
    expect(zero.code).toBe('coinbase.invalid_order');
    expect(zero.outcome).toBe('rejected');
    expect(thrown(() => buildCoinbaseOrder(order('buy', '1', '150', 'DOGE-USD'), COINBASE_SIM_PRODUCTS)).code).toBe('coinbase.invalid_order');
    expect(thrown(() => buildCoinbaseOrder(order('buy', '1', '0.004'), COINBASE_SIM_PRODUCTS)).code).toBe('coinbase.invalid_order');
  });

  it('fee rates convert to bps exactly', () => {
    expect(rateToBps('0.006')).toBe(60);
    expect(rateToBps('0.0025')).toBe(25);
    expect(rateToBps('0.00125')).toBe(12.5);
  });
});
