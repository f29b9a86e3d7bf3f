import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.ts';
import { bitstampHeaders, geminiHeaders } from './sign.ts';

let sim: Sim;
beforeAll(async () => {
  sim = await startSim({ seed: 8, assets: ['BTC', 'ETH'], auto_dislocations: false });
});
afterAll(async () => {
  await sim.close();
});

type Obj = Record<string, unknown>;
let nonce = Date.now() * 1000;

async function gemini(path: string, params: Obj, creds = sim.credentials.gemini, n: number = ++nonce): Promise<{ status: number; json: Obj }> {
  const headers = geminiHeaders(creds.api_key, creds.api_secret, { request: path, nonce: n, ...params });
  const res = await fetch(`${sim.urls.gemini.rest}${path}`, { method: 'POST', headers });
  return { status: res.status, json: (await res.json()) as Obj };
}

async function bitstamp(path: string, form: Record<string, string>, headerOverride?: (h: Record<string, string>) => Record<string, string>): Promise<{ status: number; json: Obj }> {
  const body = new URLSearchParams(form).toString();
  let headers = bitstampHeaders(sim.credentials.bitstamp.api_key, sim.credentials.bitstamp.api_secret, 'POST', path, body);
  if (headerOverride) headers = headerOverride(headers);
  const res = await fetch(`${sim.urls.bitstamp.rest}${path}`, { method: 'POST', headers, body: body === '' ? undefined : body });
  return { status: res.status, json: (await res.json()) as Obj };
}

const touch = (venue: 'gemini' | 'bitstamp', side: 'asks' | 'bids'): number => sim.market.snapshot(venue, 'BTC', 1)[side][0].price / 100;

describe('gemini private REST', () => {
  it('fills an exchange limit immediate-or-cancel order and reports trades via order/status', async () => {
    const r = await gemini('/v1/order/new', { client_order_id: 'g-1', symbol: 'btcusd', amount: '0.01', price: (touch('gemini', 'asks') * 1.005).toFixed(2), side: 'buy', type: 'exchange limit', options: ['immediate-or-cancel'] });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ symbol: 'btcusd', exchange: 'gemini', side: 'buy', type: 'exchange limit', is_live: false, is_cancelled: false, executed_amount: '0.01', remaining_amount: '0', options: ['immediate-or-cancel'] });
    const st = await gemini('/v1/order/status', { order_id: r.json.order_id, include_trades: true });
    expect((st.json.trades as Obj[]).length).toBeGreaterThan(0);
    const none = await gemini('/v1/order/new', { client_order_id: 'g-2', symbol: 'btcusd', amount: '0.01', price: (touch('gemini', 'asks') * 0.9).toFixed(2), side: 'buy', type: 'exchange limit', options: ['immediate-or-cancel'] });
    expect(none.json).toMatchObject({ is_cancelled: true, executed_amount: '0' });
    const bal = await gemini('/v1/balances', {});
    expect((bal.json as unknown as Obj[]).find((b) => b.currency === 'BTC')?.amount).toBe('20.01');
  });

  it('enforces nonce, signature, endpoint and option rules', async () => {
    const used = ++nonce;
    expect((await gemini('/v1/balances', {}, undefined, used)).status).toBe(200);
    expect((await gemini('/v1/balances', {}, undefined, used)).json.reason).toBe('InvalidNonce');
    const t = sim.credentials.gemini.time_nonce;
    const now = Math.floor(Date.now() / 1000);
    expect((await gemini('/v1/balances', {}, { ...sim.credentials.gemini, ...t }, now)).status).toBe(200);
    expect((await gemini('/v1/balances', {}, { ...sim.credentials.gemini, ...t }, now - 120)).json.reason).toBe('InvalidNonce');
    const headers = geminiHeaders(sim.credentials.gemini.api_key, 'wrong-secret', { request: '/v1/balances', nonce: ++nonce });
    const bad = await fetch(`${sim.urls.gemini.rest}/v1/balances`, { method: 'POST', headers });
    expect(((await bad.json()) as Obj).reason).toBe('InvalidSignature');
    const mism = geminiHeaders(sim.credentials.gemini.api_key, sim.credentials.gemini.api_secret, { request: '/v1/order/new', nonce: ++nonce });
    expect(((await (await fetch(`${sim.urls.gemini.rest}/v1/balances`, { method: 'POST', headers: mism })).json()) as Obj).reason).toBe('EndpointMismatch');
    const two = await gemini('/v1/order/new', { symbol: 'btcusd', amount: '0.01', price: '1.00', side: 'buy', type: 'exchange limit', options: ['immediate-or-cancel', 'maker-or-cancel'] });
    expect(two.json.reason).toBe('ConflictingOptions');
  });

  it('applies the partial_fill fault', async () => {
    sim.faults.inject({ venue: 'gemini', kind: 'partial_fill', fill_ratio: 0.5 });
    const r = await gemini('/v1/order/new', { client_order_id: 'g-p', symbol: 'btcusd', amount: '0.02', price: (touch('gemini', 'bids') * 0.99).toFixed(2), side: 'sell', type: 'exchange limit', options: ['immediate-or-cancel'] });
    expect(r.json).toMatchObject({ executed_amount: '0.01', is_cancelled: true });
  });
});

describe('bitstamp private REST v2', () => {
  it('places an ioc_order, returns no fill info on create, and reports fills via order_status', async () => {
    const r = await bitstamp('/api/v2/buy/btcusd/', { amount: '0.01', price: (touch('bitstamp', 'asks') * 1.005).toFixed(2), ioc_order: 'True', client_order_id: 'b-1' });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(['amount', 'client_order_id', 'datetime', 'id', 'market', 'price', 'type']);
    expect(r.json.type).toBe('0');
    const st = await bitstamp('/api/v2/order_status/', { id: String(r.json.id) });
    expect(st.json.status).toBe('Finished');
    const tx = st.json.transactions as Obj[];
    expect(tx.reduce((s, t) => s + Number(t.btc), 0)).toBeCloseTo(0.01, 8);
    const bal = await bitstamp('/api/v2/account_balances/', {});
    expect((bal.json as unknown as Obj[]).find((b) => b.currency === 'btc')?.available).toBe('20.01000000');
  });

  it('rejects duplicate client_order_id (400.019), two flags (400.024), reused nonces (API0004) and bad signatures (API0005)', async () => {
    const price = (touch('bitstamp', 'asks') * 1.005).toFixed(2);
    expect((await bitstamp('/api/v2/buy/btcusd/', { amount: '0.001', price, ioc_order: 'True', client_order_id: 'b-dup' })).status).toBe(200);
    const dup = await bitstamp('/api/v2/buy/btcusd/', { amount: '0.001', price, ioc_order: 'True', client_order_id: 'b-dup' });
    expect(dup.json.response_code).toBe('400.019');
    const both = await bitstamp('/api/v2/buy/btcusd/', { amount: '0.001', price, ioc_order: 'True', fok_order: 'True' });
    expect(both.json.response_code).toBe('400.024');
    let saved: Record<string, string> = {};
    await bitstamp('/api/v2/account_balances/', {}, (h) => (saved = h));
    const replay = await fetch(`${sim.urls.bitstamp.rest}/api/v2/account_balances/`, { method: 'POST', headers: saved });
    expect(((await replay.json()) as Obj).code).toBe('API0004');
    const bad = await bitstamp('/api/v2/account_balances/', {}, (h) => ({ ...h, 'X-Auth-Signature': '00'.repeat(32) }));
    expect(bad.status).toBe(403);
    expect(bad.json.code).toBe('API0005');
  });

  it('gives no fill below the ask (status Expired, no transactions)', async () => {
    const r = await bitstamp('/api/v2/buy/ethusd/', { amount: '0.1', price: '100.00', ioc_order: 'True' });
    const st = await bitstamp('/api/v2/order_status/', { id: String(r.json.id) });
    expect(st.json.status).toBe('Expired');
    expect(st.json.transactions).toEqual([]);
  });
});
