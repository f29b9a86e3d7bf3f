import { describe, expect, it } from 'vitest';
import { BitstampError } from '../../../../src/actors/venues/bitstamp/errors.ts';
import { BITSTAMP_SIM_PRODUCTS, buildBitstampOrder, percentToBps } from '../../../../src/actors/venues/bitstamp/exec.ts';

const order = (side: 'buy' | 'sell', size: string, priceCap: string, symbol = 'solusd') => ({ clientOrderId: 'cid-1', symbol, side, size, priceCap });

function thrown(fn: () => unknown): BitstampError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BitstampError) return e;
    throw e;
  }
  throw new Error('expected a BitstampError');
}

describe('bitstamp order formatting', () => {
  it('builds a limit form with exactly one flag, ioc_order=True, and the caller client id', () => {
    const b = buildBitstampOrder(order('buy', '0.123456789', '150.019'), BITSTAMP_SIM_PRODUCTS);
    expect(b.pair).toBe('solusd');
    expect(b.form).toEqual({ amount: '0.12345678', price: '150.01', ioc_order: 'True', client_order_id: 'cid-1' });
    expect(new URLSearchParams(b.form).toString()).toBe('amount=0.12345678&price=150.01&ioc_order=True&client_order_id=cid-1');
  });

  it('sell cap rounds up; integer price increments (Bitstamp btcusd) work', () => {
    expect(buildBitstampOrder(order('sell', '1', '150.001'), BITSTAMP_SIM_PRODUCTS).price).toBe('150.01');
    const products = { btcusd: { priceIncrement: '1', sizeIncrement: '0.00000001' } };
    expect(buildBitstampOrder(order('buy', '0.001', '60000.99', 'BTCUSD'), products).price).toBe('60000');
    expect(buildBitstampOrder(order('sell', '0.001', '60000.01', 'btcusd'), products).price).toBe('60001');
  });

  it('refuses locally: zero size, unknown pair, non-positive cap', () => {
    const zero = thrown(() => buildBitstampOrder(order('sell', '0.000000001', '150'), BITSTAMP_SIM_PRODUCTS));
    expect(zero.code).toBe('bitstamp.invalid_order');
    expect(zero.outcome).toBe('rejected');
    expect(thrown(() => buildBitstampOrder(order('buy', '1', '150', 'dogeusd'), BITSTAMP_SIM_PRODUCTS)).code).toBe('bitstamp.invalid_order');
    expect(thrown(() => buildBitstampOrder(order('buy', '1', '0'), BITSTAMP_SIM_PRODUCTS)).code).toBe('bitstamp.invalid_order');
  });

  it('fee percentages convert to bps exactly', () => {
    expect(percentToBps('0.16000')).toBe(16);
    expect(percentToBps('0.075')).toBe(7.5);
  });
});
