import { describe, expect, it } from 'vitest';
import { GeminiError } from '../../../../src/actors/venues/gemini/errors.ts';
import { buildGeminiOrder, GEMINI_SIM_PRODUCTS } from '../../../../src/actors/venues/gemini/exec.ts';

const order = (side: 'buy' | 'sell', size: string, priceCap: string, symbol = 'solusd', clientOrderId = 'cid-1') => ({ clientOrderId, symbol, side, size, priceCap });

function thrown(fn: () => unknown): GeminiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GeminiError) return e;
    throw e;
  }
  throw new Error('expected a GeminiError');
}

describe('gemini order formatting', () => {
  it('builds an exchange limit immediate-or-cancel order; buy cap down, size down', () => {
    const b = buildGeminiOrder(order('buy', '0.123456789', '150.019'), GEMINI_SIM_PRODUCTS);
    expect(b.params).toEqual({
      client_order_id: 'cid-1',
      symbol: 'solusd',
      amount: '0.12345678',
      price: '150.01',
      side: 'buy',
      type: 'exchange limit',
      options: ['immediate-or-cancel'],
    });
  });

  it('sell cap rounds up; uppercase symbols normalise to the REST form', () => {
    const b = buildGeminiOrder(order('sell', '3', '150.0101', 'SOLUSD'), GEMINI_SIM_PRODUCTS);
    expect(b.params.symbol).toBe('solusd');
    expect(b.price).toBe('150.02');
    expect(b.size).toBe('3.00000000');
  });

  it('real-venue style increments from config', () => {
    const products = { ethusd: { priceIncrement: '0.01', sizeIncrement: '0.000001', minSize: '0.001' } };
    const b = buildGeminiOrder(order('buy', '0.0123456', '3000.999', 'ethusd'), products);
    expect(b.size).toBe('0.012345');
    expect(b.price).toBe('3000.99');
    expect(thrown(() => buildGeminiOrder(order('buy', '0.0009', '3000', 'ethusd'), products)).code).toBe('gemini.invalid_order');
  });

  it('refuses locally: zero size, unknown symbol, client id of 100+ characters', () => {
    const zero = thrown(() => buildGeminiOrder(order('buy', '0.000000001', '150'), GEMINI_SIM_PRODUCTS));
    expect(zero.code).toBe('gemini.invalid_order');
    expect(zero.outcome).toBe('rejected');
    expect(thrown(() => buildGeminiOrder(order('buy', '1', '150', 'dogeusd'), GEMINI_SIM_PRODUCTS)).code).toBe('gemini.invalid_order');
    expect(thrown(() => buildGeminiOrder(order('buy', '1', '150', 'solusd', 'x'.repeat(100)), GEMINI_SIM_PRODUCTS)).code).toBe('gemini.invalid_order');
  });
});
