import { createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.ts';
import { cdpJwt, ed25519FromCdpSecret } from './sign.ts';
import { connect } from './ws-client.ts';

let sim: Sim;
beforeAll(async () => {
  sim = await startSim({ seed: 5, assets: ['SOL', 'BTC'], auto_dislocations: false });
});
afterAll(async () => {
  await sim.close();
});

/** Loose view of a JSON response for assertions; arrays are read through `list()`. */
interface Json {
  [k: string]: Json;
}
const list = (j: Json): Json[] => j as unknown as Json[];

async function call(method: string, path: string, body?: unknown, alg: 'ES256' | 'EdDSA' = 'ES256', uriOverride?: string): Promise<{ status: number; json: Json }> {
  const c = sim.credentials.coinbase;
  const key = alg === 'ES256' ? createPrivateKey(c.es256.private_key_pem) : ed25519FromCdpSecret(c.ed25519.secret_b64);
  const name = alg === 'ES256' ? c.es256.key_name : c.ed25519.key_name;
  const jwt = await cdpJwt(alg, key, name, uriOverride ?? `${method} api.coinbase.com${path.split('?')[0]}`);
  const res = await fetch(`${sim.urls.coinbase.rest}${path}`, {
    method,
    headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

function ioc(cid: string, side: 'BUY' | 'SELL', base_size: string, limit_price: string): Record<string, unknown> {
  return { client_order_id: cid, product_id: 'SOL-USD', side, order_configuration: { sor_limit_ioc: { base_size, limit_price } } };
}

const ask = (): number => sim.market.snapshot('coinbase', 'SOL', 1).asks[0].price / 100;

describe('coinbase private REST', () => {
  it('fills an sor_limit_ioc order fully against the book and reports it via order, fills and accounts', async () => {
    const r = await call('POST', '/api/v3/brokerage/orders', ioc('full-1', 'BUY', '0.5', (ask() * 1.01).toFixed(2)));
    expect(r.status).toBe(200);
    expect(r.json.success).toBe(true);
    const id = String(r.json.success_response.order_id);
    expect(r.json.success_response).toEqual({ order_id: id, product_id: 'SOL-USD', side: 'BUY', client_order_id: 'full-1' });
    const o = await call('GET', `/api/v3/brokerage/orders/historical/${id}`, undefined, 'EdDSA');
    expect(o.json.order.status).toBe('FILLED');
    expect(o.json.order.filled_size).toBe('0.50000000');
    expect(o.json.order.order_type).toBe('LIMIT');
    const f = await call('GET', `/api/v3/brokerage/orders/historical/fills?order_ids=${id}`);
    const total = list(f.json.fills).reduce((s, x) => s + Number(x.size), 0);
    expect(total).toBeCloseTo(0.5, 8);
    expect(f.json.fills[0].liquidity_indicator).toBe('TAKER');
    const acc = await call('GET', '/api/v3/brokerage/accounts');
    const sol = list(acc.json.accounts).find((a) => String(a.currency) === 'SOL');
    expect(sol?.available_balance.value).toBe('5000.50000000');
  });

  it('no fill below the ask, partial fill under the partial_fill fault, HTTP 200 success:false when funds are short', async () => {
    const none = await call('POST', '/api/v3/brokerage/orders', ioc('none-1', 'BUY', '1', (ask() * 0.95).toFixed(2)));
    const n = await call('GET', `/api/v3/brokerage/orders/historical/${none.json.success_response.order_id}`);
    expect(n.json.order.status).toBe('CANCELLED');
    expect(n.json.order.filled_size).toBe('0.00000000');

    sim.faults.inject({ venue: 'coinbase', kind: 'partial_fill', fill_ratio: 0.25 });
    const part = await call('POST', '/api/v3/brokerage/orders', ioc('part-1', 'SELL', '2', '1.00'));
    const p = await call('GET', `/api/v3/brokerage/orders/historical/${part.json.success_response.order_id}`);
    expect(p.json.order.status).toBe('CANCELLED');
    expect(p.json.order.filled_size).toBe('0.50000000');

    const poor = await call('POST', '/api/v3/brokerage/orders', ioc('poor-1', 'BUY', '100000', (ask() * 1.01).toFixed(2)));
    expect(poor.status).toBe(200);
    expect(poor.json.success).toBe(false);
    expect(poor.json.error_response.error).toBe('INSUFFICIENT_FUND');
  });

  it('returns the original order for a repeated client_order_id', async () => {
    const a = await call('POST', '/api/v3/brokerage/orders', ioc('dup-1', 'BUY', '0.1', (ask() * 1.01).toFixed(2)));
    const b = await call('POST', '/api/v3/brokerage/orders', ioc('dup-1', 'BUY', '0.1', (ask() * 1.01).toFixed(2)));
    expect(b.json.success_response.order_id).toBe(a.json.success_response.order_id);
  });

  it('rejects a JWT whose uri does not match, an expired JWT, and a missing one with 401', async () => {
    const wrongUri = await call('GET', '/api/v3/brokerage/accounts', undefined, 'ES256', 'GET api.coinbase.com/api/v3/brokerage/orders');
    expect(wrongUri.status).toBe(401);
    const c = sim.credentials.coinbase;
    const old = await cdpJwt('ES256', createPrivateKey(c.es256.private_key_pem), c.es256.key_name, 'GET api.coinbase.com/api/v3/brokerage/accounts', Math.floor(Date.now() / 1000) - 600);
    const r = await fetch(`${sim.urls.coinbase.rest}/api/v3/brokerage/accounts`, { headers: { Authorization: `Bearer ${old}` } });
    expect(r.status).toBe(401);
    expect(((await r.json()) as Json).error).toBe('UNAUTHENTICATED');
    expect((await fetch(`${sim.urls.coinbase.rest}/api/v3/brokerage/accounts`)).status).toBe(401);
  });

  it('streams order updates on the user channel after a JWT-authenticated subscribe', async () => {
    const c = sim.credentials.coinbase;
    const ws = await connect(sim.urls.coinbase.ws_user);
    ws.send({ type: 'subscribe', channel: 'user', product_ids: ['SOL-USD'], jwt: await cdpJwt('EdDSA', ed25519FromCdpSecret(c.ed25519.secret_b64), c.ed25519.key_name, undefined) });
    await ws.next((m) => m.channel === 'user' && String(list(m.events as Json)[0].type) === 'snapshot');
    await call('POST', '/api/v3/brokerage/orders', ioc('user-1', 'BUY', '0.2', (ask() * 1.01).toFixed(2)));
    const u = await ws.next<Json>((m) => m.channel === 'user' && String(list(m.events as Json)[0].type) === 'update');
    expect(u.events[0].orders[0]).toMatchObject({ client_order_id: 'user-1', status: 'FILLED', cumulative_quantity: '0.20000000', order_type: 'Limit' });
    ws.send({ type: 'subscribe', channel: 'user', jwt: 'not-a-jwt' });
    await ws.next((m) => m.type === 'error');
    await ws.close();
  });
});
