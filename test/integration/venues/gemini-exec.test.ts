import { describe, expect, it } from 'vitest';
import { GeminiNonce } from '../../../src/actors/venues/gemini/auth.ts';
import { GeminiExec } from '../../../src/actors/venues/gemini/exec.ts';
import { execConformance, type ExecHarness, useSim } from './exec-suite.ts';
import { startFaultServer } from './servers.ts';

// Every client in this file uses the same key, and Gemini wants its nonces increasing per key:
// they share one nonce source, as the workers of one process would share one key's source.
const nonce = new GeminiNonce({ nowMs: () => Date.now() });

const harness: ExecHarness = {
  venue: 'gemini',
  symbol: 'solusd',
  seed: 42,
  make: (sim, baseUrl, opts) =>
    new GeminiExec({
      baseUrl,
      timeoutMs: opts?.timeoutMs ?? 3_000,
      nonce,
      credentials: { apiKey: sim.credentials.gemini.api_key, apiSecret: sim.credentials.gemini.api_secret },
    }),
  restUrl: (sim) => sim.urls.gemini.rest,
  isCreate: (method, path) => method === 'POST' && path === '/v1/order/new',
  takerBps: 35,
  feeOnSubmit: false,
};

describe('gemini exec', () => {
  const ctx = useSim(harness);
  execConformance(harness, ctx);

  it('a repeated submitOrder looks the client id up first and reports the existing order', async () => {
    const cid = ctx.cid('dup');
    const req = { clientOrderId: cid, symbol: 'solusd', side: 'buy' as const, size: '0.3', priceCap: (ctx.ask() * 1.01).toFixed(2) };
    const a = await ctx.client.submitOrder(req);
    const b = await ctx.client.submitOrder(req);
    expect(a.status).toBe('filled');
    expect(b.status).toBe('filled');
    expect(b.orderId).toBe(a.orderId);
    expect(ctx.ordersWith(cid)).toBe(1);
  });

  it('submitOrderIdempotent sends nothing when the lookup itself fails (unknown stays unknown)', async () => {
    const srv = await startFaultServer('hang');
    const c = harness.make(ctx.sim, srv.url, { timeoutMs: 300 });
    try {
      const o = await c.submitOrderIdempotent({ clientOrderId: ctx.cid('lookup-fail'), symbol: 'solusd', side: 'buy', size: '0.1', priceCap: '150' });
      expect(o.status).toBe('unknown');
      expect(o.error?.code).toBe('gemini.timeout');
      expect(srv.seen).toEqual(['POST /v1/order/status']);
    } finally {
      await c.close();
      await srv.close();
    }
  });

  it('a time-based nonce key works through the same client', async () => {
    const t = ctx.sim.credentials.gemini.time_nonce;
    const c = new GeminiExec({
      baseUrl: ctx.sim.urls.gemini.rest,
      nonce: new GeminiNonce({ nowMs: () => Date.now(), mode: 'time-sec' }),
      credentials: { apiKey: t.api_key, apiSecret: t.api_secret },
    });
    try {
      expect(await c.requestFees()).toEqual({ makerBps: 10, takerBps: 35 });
    } finally {
      await c.close();
    }
  });
});
