import { describe, expect, it } from 'vitest';
import { outcomeFromError, outcomeFromOrder, type OrderUpdate, settleOrder, sumFills } from '../../../../src/actors/venues/common/exec-types.ts';
import { coinbaseHttpError, coinbaseOrderRejection, coinbaseTransportError } from '../../../../src/actors/venues/coinbase/errors.ts';

const base = { venue: 'coinbase' as const, clientOrderId: 'c1', sentSize: '2.00000000', sentPrice: '150.00' };

function upd(p: Partial<OrderUpdate>): OrderUpdate {
  return {
    venue: 'coinbase', orderId: 'o1', clientOrderId: 'c1', symbol: 'SOL-USD', side: 'buy', state: 'cancelled', terminal: true,
    filledSize: '0', remainingSize: undefined, avgPrice: undefined, fees: undefined, reason: undefined, ...p,
  };
}

describe('outcome classification (shared by the three clients)', () => {
  it('quantities decide: full, partial (IOC remainder cancelled), none', () => {
    expect(outcomeFromOrder(base, upd({ state: 'filled', filledSize: '2', avgPrice: '149.5', fees: '1.79' }))).toMatchObject({ status: 'filled', filledSize: '2', avgPrice: '149.5', fee: '1.79', orderId: 'o1' });
    expect(outcomeFromOrder(base, upd({ state: 'cancelled', filledSize: '0.5', avgPrice: '149.5' })).status).toBe('partial');
    expect(outcomeFromOrder(base, upd({ state: 'expired', filledSize: '2' })).status).toBe('filled');
    const none = outcomeFromOrder(base, upd({ state: 'cancelled', filledSize: '0', avgPrice: '0' }));
    expect(none.status).toBe('no_fill');
    expect(none.avgPrice).toBeUndefined();
  });

  it('a venue-failed order is rejected; a non-final one is unknown, not a guess', () => {
    expect(outcomeFromOrder(base, upd({ state: 'rejected', terminal: true, reason: 'INSUFFICIENT_FUND' }))).toMatchObject({ status: 'rejected', reason: 'INSUFFICIENT_FUND' });
    expect(outcomeFromOrder(base, upd({ state: 'open', terminal: false, filledSize: '1' })).status).toBe('unknown');
  });

  it('errors classify by their own outcome: success:false and 4xx rejected; 5xx, timeout, reset unknown', () => {
    expect(outcomeFromError(base, coinbaseOrderRejection({ error: 'INSUFFICIENT_FUND' })).status).toBe('rejected');
    expect(outcomeFromError(base, coinbaseHttpError(400, { error: 'INVALID_ARGUMENT' })).status).toBe('rejected');
    expect(outcomeFromError(base, coinbaseHttpError(503, undefined)).status).toBe('unknown');
    expect(outcomeFromError(base, coinbaseTransportError(new Error('ECONNRESET'))).status).toBe('unknown');
    const t = outcomeFromError(base, coinbaseTransportError(new Error('deadline'), true));
    expect(t).toMatchObject({ status: 'unknown', filledSize: '0' });
    expect(t.error?.code).toBe('coinbase.timeout');
  });

  it('sumFills is exact: sizes, fees, VWAP truncated to 12 decimals', () => {
    const s = sumFills([
      { price: '0.1', size: '0.2', fee: '0.00001' },
      { price: '0.2', size: '0.1', fee: '0.00002' },
    ]);
    expect(s).toEqual({ size: '0.3', fee: '0.00003', avgPrice: '0.133333333333' });
    expect(sumFills([]).avgPrice).toBeUndefined();
  });

  it('settleOrder re-reads until terminal, within its attempts', async () => {
    const states = [upd({ state: 'open', terminal: false }), upd({ state: 'pending', terminal: false }), upd({ state: 'filled', filledSize: '2' })];
    let reads = 0;
    const slept: number[] = [];
    const got = await settleOrder(async () => states[reads++] ?? null, { attempts: 5, delayMs: 7 }, async (ms) => void slept.push(ms));
    expect(got?.state).toBe('filled');
    expect(reads).toBe(3);
    expect(slept).toEqual([7, 7]);
    reads = 0;
    const short = await settleOrder(async () => states[reads++] ?? null, { attempts: 2, delayMs: 0 }, async () => undefined);
    expect(short?.terminal).toBe(false);
  });
});
