/**
 * One conformance suite for the three `CexExecClient`s (DESIGN §13.3), run against the simulator
 * on loopback. Each venue's test file passes a harness: how to build a client for a base URL, its
 * symbol and its error codes. Venue-specific cases live in the venue files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CexExecClient, CexVenue, OrderOutcome } from '../../../src/actors/venues/common/exec-types.ts';
import { type Sim, startSim } from '../../../src/sim/index.ts';
import { startFaultServer, startLossyProxy } from './servers.ts';

export interface ExecHarness {
  venue: CexVenue;
  /** Venue-native SOL symbol. */
  symbol: string;
  seed: number;
  /** A client on `baseUrl` (the simulator or a misbehaving server) with the simulator's keys. */
  make(sim: Sim, baseUrl: string, opts?: { timeoutMs?: number }): CexExecClient;
  restUrl(sim: Sim): string;
  /** Request paths (as the proxy sees them) that create an order. */
  isCreate(method: string, path: string): boolean;
  takerBps: number;
  /** Whether the submit outcome carries the fee (Gemini's new-order response has none). */
  feeOnSubmit: boolean;
}

export interface SuiteContext {
  sim: Sim;
  client: CexExecClient;
  ask(): number;
  bid(): number;
  cid(tag: string): string;
  ordersWith(cid: string): number;
}

/** Starts one simulator for the file and returns accessors; call inside a top-level describe. */
export function useSim(h: ExecHarness): SuiteContext {
  const ctx = {} as SuiteContext;
  let n = 0;
  beforeAll(async () => {
    ctx.sim = await startSim({ seed: h.seed, assets: ['SOL', 'BTC', 'ETH'], auto_dislocations: false });
    ctx.client = h.make(ctx.sim, h.restUrl(ctx.sim));
  });
  afterAll(async () => {
    await ctx.client.close();
    await ctx.sim.close();
  });
  ctx.ask = () => ctx.sim.market.snapshot(h.venue, 'SOL', 1).asks[0].price / 100;
  ctx.bid = () => ctx.sim.market.snapshot(h.venue, 'SOL', 1).bids[0].price / 100;
  ctx.cid = (tag) => `${h.venue}-${tag}-${++n}-${process.pid}`;
  ctx.ordersWith = (cid) => ctx.sim.engine.allOrders(h.venue).filter((o) => o.client_order_id === cid).length;
  return ctx;
}

function expectSettled(o: OrderOutcome, venue: CexVenue): void {
  expect(o.venue).toBe(venue);
  expect(o.error).toBeUndefined();
  expect(o.orderId).toMatch(/\S/);
}

export function execConformance(h: ExecHarness, ctx: SuiteContext): void {
  describe(`${h.venue} exec conformance`, () => {
    it('IOC full fill: filled, exact size, average price inside the cap, fills and order agree', async () => {
      const cap = (ctx.ask() * 1.01).toFixed(4);
      const cid = ctx.cid('full');
      const o = await ctx.client.submitOrder({ clientOrderId: cid, symbol: h.symbol, side: 'buy', size: '0.5', priceCap: cap });
      expectSettled(o, h.venue);
      expect(o.status).toBe('filled');
      expect(o.filledSize).toBe('0.5');
      expect(o.sentSize).toBe('0.50000000');
      // A buy cap rounds down to the 0.01 increment: truncate the 4-decimal string.
      expect(o.sentPrice).toBe(cap.slice(0, cap.indexOf('.') + 3));
      expect(Number(o.avgPrice)).toBeGreaterThan(0);
      expect(Number(o.avgPrice)).toBeLessThanOrEqual(Number(o.sentPrice));
      if (h.feeOnSubmit) expect(Number(o.fee)).toBeGreaterThan(0);
      const fills = await ctx.client.requestFills({ orderId: o.orderId!, symbol: h.symbol });
      expect(fills.length).toBeGreaterThan(0);
      expect(fills.every((f) => f.orderId === o.orderId && f.venue === h.venue)).toBe(true);
      const total = fills.reduce((s, f) => s + Math.round(Number(f.size) * 1e8), 0);
      expect(total).toBe(50_000_000);
      const byCid = await ctx.client.requestOrder({ clientOrderId: cid, symbol: h.symbol });
      expect(byCid?.orderId).toBe(o.orderId);
      expect(byCid?.filledSize).toBe('0.5');
      expect(byCid?.terminal).toBe(true);
      const byId = await ctx.client.requestOrder({ clientOrderId: cid, symbol: h.symbol, orderId: o.orderId });
      expect(byId?.clientOrderId).toBe(cid);
    });

    it('partial fill under the partial_fill fault: partial with the capped size', async () => {
      ctx.sim.faults.inject({ venue: h.venue, kind: 'partial_fill', count: 1, fill_ratio: 0.25 });
      const o = await ctx.client.submitOrder({ clientOrderId: ctx.cid('part'), symbol: h.symbol, side: 'sell', size: '2', priceCap: (ctx.bid() * 0.99).toFixed(2) });
      expectSettled(o, h.venue);
      expect(o.status).toBe('partial');
      expect(o.filledSize).toBe('0.5');
      expect(Number(o.avgPrice)).toBeGreaterThanOrEqual(Number(o.sentPrice));
    });

    it('no fill when the cap is far from the market', async () => {
      const o = await ctx.client.submitOrder({ clientOrderId: ctx.cid('none'), symbol: h.symbol, side: 'buy', size: '1', priceCap: (ctx.ask() * 0.9).toFixed(2) });
      expectSettled(o, h.venue);
      expect(o.status).toBe('no_fill');
      expect(o.filledSize).toBe('0');
      expect(o.avgPrice).toBeUndefined();
    });

    it('insufficient funds is a definitive rejection with the venue code', async () => {
      const o = await ctx.client.submitOrder({ clientOrderId: ctx.cid('poor'), symbol: h.symbol, side: 'buy', size: '100000', priceCap: (ctx.ask() * 1.01).toFixed(2) });
      expect(o.status).toBe('rejected');
      expect(o.error?.code).toBe(`${h.venue}.insufficient_funds`);
      expect(o.error?.outcome).toBe('rejected');
      expect(o.filledSize).toBe('0');
    });

    it('a size that rounds to zero is refused locally and nothing is sent', async () => {
      const before = ctx.sim.engine.allOrders(h.venue).length;
      const o = await ctx.client.submitOrder({ clientOrderId: ctx.cid('tiny'), symbol: h.symbol, side: 'buy', size: '0.000000004', priceCap: '100' });
      expect(o.status).toBe('rejected');
      expect(o.error?.code).toBe(`${h.venue}.invalid_order`);
      expect(ctx.sim.engine.allOrders(h.venue).length).toBe(before);
    });

    it.each([
      ['hang', 'timeout'],
      ['502', 'server'],
      ['reset', 'transport'],
    ] as const)('a %s from the venue side is an unknown outcome (%s), never a rejection', async (mode, code) => {
      const srv = await startFaultServer(mode);
      // Only the hanging server should meet the deadline; the others get a generous one so a busy CI
      // machine cannot turn a 502 or a reset into a timeout.
      const c = h.make(ctx.sim, srv.url, { timeoutMs: mode === 'hang' ? 300 : 5_000 });
      try {
        const t0 = Date.now();
        const o = await c.submitOrder({ clientOrderId: ctx.cid(`unk-${mode}`), symbol: h.symbol, side: 'buy', size: '0.1', priceCap: '150' });
        expect(o.status).toBe('unknown');
        expect(o.error?.code).toBe(`${h.venue}.${code}`);
        expect(o.error?.outcome).toBe('unknown');
        expect(o.error?.retry).toBe('retryable');
        expect(Date.now() - t0).toBeLessThan(mode === 'hang' ? 3_000 : 5_000);
        expect(srv.seen.length).toBe(1);
      } finally {
        await c.close();
        await srv.close();
      }
    });

    it('a retried submit after a lost response never creates a second order', async () => {
      const proxy = await startLossyProxy(h.restUrl(ctx.sim), h.isCreate, 1);
      const c = h.make(ctx.sim, proxy.url, { timeoutMs: 2_000 });
      try {
        const cid = ctx.cid('lost');
        const req = { clientOrderId: cid, symbol: h.symbol, side: 'buy' as const, size: '0.2', priceCap: (ctx.ask() * 1.01).toFixed(2) };
        const first = await c.submitOrder(req);
        expect(proxy.dropped()).toBe(1);
        expect(first.status).toBe('unknown');
        expect(first.error?.outcome).toBe('unknown');
        // The venue did take it.
        expect(ctx.ordersWith(cid)).toBe(1);
        const again = await c.submitOrder(req);
        expect(again.status).toBe('filled');
        expect(again.filledSize).toBe('0.2');
        expect(ctx.ordersWith(cid)).toBe(1);
        // A fresh client (a restarted process) using the recovery path: still the one order.
        const fresh = h.make(ctx.sim, h.restUrl(ctx.sim));
        try {
          const rec = await fresh.submitOrderIdempotent(req);
          expect(rec.status).toBe('filled');
          expect(rec.orderId).toBe(again.orderId);
          expect(ctx.ordersWith(cid)).toBe(1);
        } finally {
          await fresh.close();
        }
      } finally {
        await c.close();
        await proxy.close();
      }
    });

    it('submitOrderIdempotent sends when the venue has no such order', async () => {
      const cid = ctx.cid('idem-new');
      expect(await ctx.client.requestOrder({ clientOrderId: cid, symbol: h.symbol })).toBeNull();
      const o = await ctx.client.submitOrderIdempotent({ clientOrderId: cid, symbol: h.symbol, side: 'buy', size: '0.1', priceCap: (ctx.ask() * 1.01).toFixed(2) });
      expect(o.status).toBe('filled');
      expect(ctx.ordersWith(cid)).toBe(1);
    });

    it('balances, fees and cancel of a finished IOC', async () => {
      const bal = await ctx.client.requestBalances();
      const usd = bal.find((b) => b.currency === 'USD');
      const sol = bal.find((b) => b.currency === 'SOL');
      expect(Number(usd?.available)).toBeGreaterThan(0);
      expect(Number(sol?.available)).toBeGreaterThan(0);
      expect(sol?.hold).toMatch(/^0(\.0+)?$/);
      const fees = await ctx.client.requestFees({ symbol: h.symbol });
      expect(fees.takerBps).toBe(h.takerBps);
      const o = await ctx.client.submitOrder({ clientOrderId: ctx.cid('cxl'), symbol: h.symbol, side: 'buy', size: '0.1', priceCap: (ctx.ask() * 1.01).toFixed(2) });
      const c = await ctx.client.cancelOrder({ orderId: o.orderId, symbol: h.symbol });
      expect(c.status).toBe('not_cancelled');
    });
  });
}
