import { describe, expect, it } from 'vitest';
import { CumulativeFills } from '../../../../src/actors/venues/coinbase/fills.ts';
import type { OrderUpdate } from '../../../../src/actors/venues/coinbase/parse.ts';

function upd(filledSize: string, terminal = false, orderId = 'o'): OrderUpdate {
  return {
    venue: 'coinbase',
    orderId,
    clientOrderId: 'c',
    symbol: 'BTC-USD',
    side: 'buy',
    state: terminal ? 'filled' : 'open',
    terminal,
    filledSize,
    remainingSize: undefined,
    avgPrice: undefined,
    fees: undefined,
    reason: undefined,
  };
}

describe('CumulativeFills', () => {
  it('turns cumulative quantities into exact deltas; snapshots only set the baseline', () => {
    const f = new CumulativeFills();
    expect(f.observe(upd('0.1'), true)).toBeUndefined();
    expect(f.observe(upd('0.3'), false)).toBe('0.2'); // not 0.19999999999999998
    expect(f.observe(upd('0.3'), false)).toBeUndefined();
    expect(f.observe(upd('0.6', true), false)).toBe('0.3');
    expect(f.size).toBe(0);
    expect(f.observe(upd('0.05', false, 'p'), false)).toBe('0.05');
    let code: string | undefined;
    try {
      f.observe(upd('0.01', false, 'p'), false);
    } catch (e) {
      code = (e as { code: string }).code;
    }
    expect(code).toBe('coinbase.bad_message');
  });
});
