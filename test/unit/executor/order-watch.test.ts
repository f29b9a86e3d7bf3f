import { describe, expect, it } from 'vitest';
import { CexLeg } from '../../../src/actors/executor/cex-leg.ts';
import { OrderWatch } from '../../../src/actors/executor/order-watch.ts';
import type { CexExecClient, OrderOutcome, OrderUpdate } from '../../../src/actors/venues/common/exec-types.ts';
import { ManualClock } from '../../../src/shared/clock.ts';

const update = (coid: string, over: Partial<OrderUpdate> = {}): OrderUpdate => ({
  venue: 'coinbase', orderId: `o-${coid}`, clientOrderId: coid, symbol: 'SOL-USD', side: 'buy', state: 'filled', terminal: true,
  filledSize: '2', remainingSize: '0', avgPrice: '100.5', fees: '0.4', reason: undefined, ...over,
});

describe('OrderWatch', () => {
  it('keeps terminal updates by client order id and ignores open ones and ones without an id', () => {
    const w = new OrderWatch('coinbase');
    w.observe(update('a', { state: 'open', terminal: false, filledSize: '0' }));
    w.observe(update('b', { clientOrderId: undefined }));
    expect(w.terminal('a')).toBeUndefined();
    w.observe(update('a'));
    expect(w.terminal('a')?.filledSize).toBe('2');
    expect([w.updates, w.terminals, w.size]).toEqual([3, 1, 1]);
  });

  it('wakes a waiter when the final state arrives, and times out to undefined otherwise', async () => {
    const w = new OrderWatch('gemini');
    const pending = w.wait('x', 5_000);
    w.observe(update('x', { filledSize: '1.5' }));
    expect((await pending)?.filledSize).toBe('1.5');
    expect(await w.wait('x', 0)).toBeDefined(); // already known: no wait
    const t0 = performance.now();
    expect(await w.wait('never', 30)).toBeUndefined();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it('holds at most its capacity, dropping the oldest', () => {
    const w = new OrderWatch('coinbase', 3);
    for (const id of ['a', 'b', 'c', 'd']) w.observe(update(id));
    expect(w.terminal('a')).toBeUndefined();
    expect(w.terminal('d')).toBeDefined();
    expect(w.size).toBe(3);
  });
});

/** A venue whose REST placed the order but lost every answer since: the create and every lookup fail. */
function restDown(): CexExecClient & { lookups: number } {
  const unknown: OrderOutcome = { venue: 'coinbase', status: 'unknown', clientOrderId: '', filledSize: '0', reason: 'HTTP 503 after the order was placed' };
  return {
    venue: 'coinbase',
    lookups: 0,
    submitOrder: async (o) => ({ ...unknown, clientOrderId: o.clientOrderId }),
    submitOrderIdempotent: async (o) => ({ ...unknown, clientOrderId: o.clientOrderId }),
    cancelOrder: async () => ({ status: 'unknown' }),
    async requestOrder() {
      this.lookups++;
      throw new Error('HTTP 503');
    },
    requestFills: async () => [],
    requestBalances: async () => [],
    requestFees: async () => ({ makerBps: 0, takerBps: 0 }),
    close: async () => undefined,
  };
}

describe('CexLeg with the private order stream', () => {
  const req = { tradeKey: 'k', clientOrderId: 'coid-1', side: 'buy' as const, sizeBase: 2, priceCap: 101, limitQuote: 0 };

  it('settles an order whose REST answer was lost from the stream, without a REST lookup', async () => {
    const client = restDown();
    const watch = new OrderWatch('coinbase');
    const leg = new CexLeg(client, 'SOL-USD', 'SOL', 'USD', new ManualClock(), 2_500, 1e-8, watch);
    setTimeout(() => watch.observe(update('coid-1')), 20); // the user channel's FILLED arrives just after
    const r = await leg.submit(req);
    expect(r).toMatchObject({ status: 'filled', filledBase: 2, avgPrice: 100.5, feeQuote: 0.4, ref: 'o-coid-1' });
    expect(client.lookups).toBe(0);
  });

  it('reconcile asks the stream first; without it, REST down leaves the order unknown (never a rejection)', async () => {
    const watch = new OrderWatch('coinbase');
    watch.observe(update('coid-1', { state: 'cancelled', filledSize: '0.5', avgPrice: '100.2' }));
    const withStream = new CexLeg(restDown(), 'SOL-USD', 'SOL', 'USD', new ManualClock(), 2_500, 1e-8, watch);
    expect(await withStream.reconcile(req)).toMatchObject({ status: 'partial', filledBase: 0.5 });
    const restOnly = new CexLeg(restDown(), 'SOL-USD', 'SOL', 'USD', new ManualClock(), 2_500, 1e-8);
    expect((await restOnly.reconcile(req)).status).toBe('unknown');
    expect((await restOnly.submit(req)).status).toBe('unknown');
  });
});
