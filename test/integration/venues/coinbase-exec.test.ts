import { describe, expect, it } from 'vitest';
import { CoinbaseExec } from '../../../src/actors/venues/coinbase/exec.ts';
import { CoinbaseUserStream, type UserOrderEvent } from '../../../src/actors/venues/coinbase/user-stream.ts';
import { waitFor } from '../../helpers/wait.ts';
import { execConformance, type ExecHarness, useSim } from './exec-suite.ts';

const harness: ExecHarness = {
  venue: 'coinbase',
  symbol: 'SOL-USD',
  seed: 41,
  make: (sim, baseUrl, opts) =>
    new CoinbaseExec({
      baseUrl,
      timeoutMs: opts?.timeoutMs ?? 3_000,
      credentials: { keyName: sim.credentials.coinbase.es256.key_name, privateKey: sim.credentials.coinbase.es256.private_key_pem },
    }),
  restUrl: (sim) => sim.urls.coinbase.rest,
  isCreate: (method, path) => method === 'POST' && path === '/api/v3/brokerage/orders',
  takerBps: 60,
  feeOnSubmit: true,
};

describe('coinbase exec', () => {
  const ctx = useSim(harness);
  execConformance(harness, ctx);

  it('a repeated submit with the same client order id returns the same order (venue dedupe), never a second', async () => {
    const cid = ctx.cid('dup');
    const req = { clientOrderId: cid, symbol: 'SOL-USD', side: 'buy' as const, size: '0.3', priceCap: (ctx.ask() * 1.01).toFixed(2) };
    const a = await ctx.client.submitOrder(req);
    const b = await ctx.client.submitOrder(req);
    expect(a.status).toBe('filled');
    expect(b.status).toBe('filled');
    expect(b.orderId).toBe(a.orderId);
    expect(ctx.ordersWith(cid)).toBe(1);
  });

  it('signs with an Ed25519 CDP key as well', async () => {
    const c = new CoinbaseExec({
      baseUrl: ctx.sim.urls.coinbase.rest,
      credentials: { keyName: ctx.sim.credentials.coinbase.ed25519.key_name, privateKey: ctx.sim.credentials.coinbase.ed25519.secret_b64 },
    });
    try {
      const fees = await c.requestFees();
      expect(fees).toEqual({ makerBps: 40, takerBps: 60 });
    } finally {
      await c.close();
    }
  });

  it('a bad key is HTTP 401: coinbase.auth, rejected (the venue refused the request)', async () => {
    const c = new CoinbaseExec({
      baseUrl: ctx.sim.urls.coinbase.rest,
      credentials: { keyName: 'organizations/x/apiKeys/nope', privateKey: ctx.sim.credentials.coinbase.es256.private_key_pem },
    });
    try {
      const o = await c.submitOrder({ clientOrderId: ctx.cid('auth'), symbol: 'SOL-USD', side: 'buy', size: '0.1', priceCap: '150' });
      expect(o.status).toBe('rejected');
      expect(o.error?.code).toBe('coinbase.auth');
      expect(o.error?.httpStatus).toBe(401);
      // The key material never appears in what the caller gets back.
      expect(JSON.stringify({ ...o, error: { message: o.error?.message, reason: o.reason } })).not.toContain('PRIVATE KEY');
    } finally {
      await c.close();
    }
  });

  it('user stream: order updates with exact fill deltas; a dropped socket asks for a resync and resumes', async () => {
    const events: UserOrderEvent[] = [];
    const resyncs: string[] = [];
    const stream = new CoinbaseUserStream({
      url: ctx.sim.urls.coinbase.ws_user,
      credentials: { keyName: ctx.sim.credentials.coinbase.ed25519.key_name, privateKey: ctx.sim.credentials.coinbase.ed25519.secret_b64 },
      productIds: ['SOL-USD'],
      initialBackoffMs: 20,
      maxBackoffMs: 100,
      onUpdate: (e) => events.push(e),
      onResync: (r) => resyncs.push(r),
      onError: (e) => resyncs.push(`error ${e.code}`),
    });
    stream.start();
    try {
      await waitFor(() => stream.subscribedCount >= 2, 'user + heartbeats subscription acks');
      const cid = ctx.cid('ws');
      const o = await ctx.client.submitOrder({ clientOrderId: cid, symbol: 'SOL-USD', side: 'buy', size: '0.4', priceCap: (ctx.ask() * 1.01).toFixed(2) });
      expect(o.status).toBe('filled');
      const e = await waitFor(() => events.find((x) => x.order.clientOrderId === cid), 'user update for the order');
      expect(e.snapshot).toBe(false);
      expect(e.order.orderId).toBe(o.orderId);
      expect(e.order.state).toBe('filled');
      expect(e.fillDelta).toBe('0.4');

      ctx.sim.faults.inject({ venue: 'coinbase', kind: 'drop' });
      await waitFor(() => resyncs.length > 0, 'resync after the drop');
      expect(resyncs[0]).toMatch(/user stream lost/);
      await waitFor(() => stream.subscribedCount >= 4, 'resubscribed after reconnect');
      const cid2 = ctx.cid('ws2');
      const none = await ctx.client.submitOrder({ clientOrderId: cid2, symbol: 'SOL-USD', side: 'buy', size: '0.4', priceCap: (ctx.ask() * 0.9).toFixed(2) });
      expect(none.status).toBe('no_fill');
      const e2 = await waitFor(() => events.find((x) => x.order.clientOrderId === cid2), 'update after reconnect');
      expect(e2.fillDelta).toBeUndefined();
      expect(e2.order.state).toBe('cancelled');
    } finally {
      stream.stop();
    }
  });
});
