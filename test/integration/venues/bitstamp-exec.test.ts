import { describe, expect, it } from 'vitest';
import { BitstampExec } from '../../../src/actors/venues/bitstamp/exec.ts';
import { execConformance, type ExecHarness, useSim } from './exec-suite.ts';
import { startFaultServer } from './servers.ts';

const harness: ExecHarness = {
  venue: 'bitstamp',
  symbol: 'solusd',
  seed: 43,
  make: (sim, baseUrl, opts) =>
    new BitstampExec({
      baseUrl,
      timeoutMs: opts?.timeoutMs ?? 3_000,
      credentials: { apiKey: sim.credentials.bitstamp.api_key, apiSecret: sim.credentials.bitstamp.api_secret },
    }),
  restUrl: (sim) => sim.urls.bitstamp.rest,
  isCreate: (method, path) => method === 'POST' && /^\/api\/v2\/(buy|sell)\/[a-z]+\/$/.test(path),
  takerBps: 16,
  feeOnSubmit: true,
};

describe('bitstamp exec', () => {
  const ctx = useSim(harness);
  execConformance(harness, ctx);

  it('a duplicate client_order_id (400.019) is answered with the existing order, not a failure', async () => {
    const cid = ctx.cid('dup');
    const req = { clientOrderId: cid, symbol: 'solusd', side: 'buy' as const, size: '0.3', priceCap: (ctx.ask() * 1.01).toFixed(2) };
    const a = await ctx.client.submitOrder(req);
    expect(a.status).toBe('filled');
    // A second client has no memory of the id, so it sends: Bitstamp refuses the duplicate.
    const other = harness.make(ctx.sim, ctx.sim.urls.bitstamp.rest);
    try {
      const b = await other.submitOrder(req);
      expect(b.status).toBe('filled');
      expect(b.orderId).toBe(a.orderId);
      expect(b.filledSize).toBe('0.3');
      expect(ctx.ordersWith(cid)).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('submitOrderIdempotent sends nothing when the lookup itself fails', async () => {
    const srv = await startFaultServer('502');
    const c = harness.make(ctx.sim, srv.url, { timeoutMs: 5_000 });
    try {
      const o = await c.submitOrderIdempotent({ clientOrderId: ctx.cid('lookup-fail'), symbol: 'solusd', side: 'buy', size: '0.1', priceCap: '150' });
      expect(o.status).toBe('unknown');
      expect(o.error?.code).toBe('bitstamp.server');
      expect(srv.seen).toEqual(['POST /api/v2/order_status/']);
    } finally {
      await c.close();
      await srv.close();
    }
  });

  it('fills carry exact fees that sum to the outcome fee', async () => {
    const o = await ctx.client.submitOrder({ clientOrderId: ctx.cid('fee'), symbol: 'solusd', side: 'sell', size: '1.25', priceCap: (ctx.bid() * 0.99).toFixed(2) });
    expect(o.status).toBe('filled');
    const fills = await ctx.client.requestFills({ orderId: o.orderId!, symbol: 'solusd' });
    const sumFee = fills.reduce((s, f) => s + Math.round(Number(f.fee) * 1e5), 0);
    expect(sumFee).toBe(Math.round(Number(o.fee) * 1e5));
    expect(fills.every((f) => f.side === 'sell' && typeof f.timeMs === 'number')).toBe(true);
  });
});
