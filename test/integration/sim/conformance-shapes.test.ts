import { createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.ts';
import { shapeDiff, fixture } from './shape.ts';
import { bitstampHeaders, cdpJwt, geminiHeaders } from './sign.ts';
import { connect } from './ws-client.ts';

// What each simulated venue sends, compared with the documented payloads in test/fixtures/<venue>/
// (key sets, casing and JSON types, recursively; see shape.ts). The fixture READMEs say which
// documented members were elided; those paths are the only extras allowed.

type Obj = Record<string, unknown>;
let sim: Sim;
let nonce = Date.now() * 1000;

beforeAll(async () => {
  sim = await startSim({ seed: 21, assets: ['SOL', 'BTC'], auto_dislocations: false, tick_ms: 50 });
});
afterAll(async () => {
  await sim.close();
});

// 1 % through the touch: the book moves every 50 ms, and an IOC at the old touch may not fill.
const top = (venue: 'coinbase' | 'gemini' | 'bitstamp', side: 'asks' | 'bids'): string => ((sim.market.snapshot(venue, 'SOL', 1)[side][0].price / 100) * (side === 'asks' ? 1.01 : 0.99)).toFixed(2);

async function coinbase(method: string, path: string, body?: unknown): Promise<{ status: number; json: Obj }> {
  const c = sim.credentials.coinbase.es256;
  const jwt = await cdpJwt('ES256', createPrivateKey(c.private_key_pem), c.key_name, `${method} api.coinbase.com${path}`);
  const res = await fetch(`${sim.urls.coinbase.rest}${path}`, { method, headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Obj };
}

async function gemini(path: string, params: Obj, n = ++nonce): Promise<{ status: number; json: Obj }> {
  const g = sim.credentials.gemini;
  const res = await fetch(`${sim.urls.gemini.rest}${path}`, { method: 'POST', headers: geminiHeaders(g.api_key, g.api_secret, { request: path, nonce: n, ...params }) });
  return { status: res.status, json: (await res.json()) as Obj };
}

async function bitstamp(path: string, form: Record<string, string>, secret = sim.credentials.bitstamp.api_secret): Promise<{ status: number; json: Obj }> {
  const body = new URLSearchParams(form).toString();
  const headers = bitstampHeaders(sim.credentials.bitstamp.api_key, secret, 'POST', path, body);
  const res = await fetch(`${sim.urls.bitstamp.rest}${path}`, { method: 'POST', headers, body: body === '' ? undefined : body });
  return { status: res.status, json: (await res.json()) as Obj };
}

describe('Coinbase Advanced Trade payloads match the documented shapes', () => {
  it('WS: every envelope, the l2_data snapshot, heartbeats, subscriptions ack and error', async () => {
    const ws = await connect(sim.urls.coinbase.ws);
    ws.send({ type: 'subscribe', channel: 'heartbeats' });
    ws.send({ type: 'subscribe', product_ids: ['SOL-USD'], channel: 'level2' });
    const snap = await ws.next((m) => m.channel === 'l2_data');
    await ws.next((m) => m.channel === 'l2_data' && (m.events as Obj[])[0].type === 'update');
    const hb = await ws.next((m) => m.channel === 'heartbeats');
    const acks = ws.messages.filter((m) => (m as Obj).channel === 'subscriptions') as Obj[];
    ws.send({ type: 'subscribe', product_ids: ['SOL-USD'], channels: ['level2'] });
    const err = await ws.next((m) => m.type === 'error');
    await ws.close();

    for (const m of ws.messages.filter((x) => (x as Obj).type !== 'error')) expect(shapeDiff(m, fixture('coinbase', 'ws_l2_data_envelope.json'))).toEqual([]);
    expect(shapeDiff(snap, fixture('coinbase', 'ws_l2_data_snapshot.json'), ['$.client_id'])).toEqual([]);
    expect(shapeDiff((hb.events as Obj[])[0], fixture('coinbase', 'ws_heartbeats_event.json'))).toEqual([]);
    expect(shapeDiff((acks.at(-1)!.events as Obj[])[0], fixture('coinbase', 'ws_subscriptions_event.json'))).toEqual([]);
    expect(shapeDiff(err, fixture('coinbase', 'ws_error.json'))).toEqual([]);
  });

  it('REST: create-order success and failure, a non-2xx error, batch cancel', async () => {
    const cfg = (cid: string, size: string) => ({ client_order_id: cid, product_id: 'SOL-USD', side: 'BUY', order_configuration: { sor_limit_ioc: { base_size: size, limit_price: top('coinbase', 'asks') } } });
    const ok = await coinbase('POST', '/api/v3/brokerage/orders', cfg('shape-ok', '0.10000000'));
    expect(ok.json.success).toBe(true);
    expect(shapeDiff(ok.json, fixture('coinbase', 'http_post_orders_success.json'), ['$.order_configuration'])).toEqual([]);
    const poor = await coinbase('POST', '/api/v3/brokerage/orders', cfg('shape-poor', '900000.00000000'));
    expect(poor.json.success).toBe(false);
    expect(shapeDiff(poor.json, fixture('coinbase', 'http_post_orders_failure.json'), ['$.order_configuration'])).toEqual([]);
    const unauth = await fetch(`${sim.urls.coinbase.rest}/api/v3/brokerage/orders`, { method: 'POST', body: '{}' });
    expect(unauth.status).toBe(401);
    expect(shapeDiff(await unauth.json(), fixture('coinbase', 'http_post_orders_non2xx.json'))).toEqual([]);
    const order_id = (ok.json.success_response as Obj).order_id as string;
    const cancel = await coinbase('POST', '/api/v3/brokerage/orders/batch_cancel', { order_ids: [order_id] });
    expect(shapeDiff(cancel.json, fixture('coinbase', 'http_post_orders_batch_cancel.json'))).toEqual([]);
  });
});

describe('Gemini payloads match the documented shapes', () => {
  it('WS v2: initial l2_updates with trades, later l2_updates, trade, error', async () => {
    const ws = await connect(sim.urls.gemini.ws);
    ws.send({ type: 'subscribe', subscriptions: [{ name: 'l2', symbols: ['SOLUSD'] }] });
    const first = await ws.next((m) => m.type === 'l2_updates');
    const later = await ws.next((m) => m.type === 'l2_updates' && m !== first && !('trades' in m));
    // Our own IOC order prints a trade on the feed, so the test does not wait for a random one.
    await gemini('/v1/order/new', { client_order_id: 'shape-trade', symbol: 'solusd', amount: '0.5', price: top('gemini', 'asks'), side: 'buy', type: 'exchange limit', options: ['immediate-or-cancel'] });
    const trade = await ws.next((m) => m.type === 'trade');
    const bad = await connect(sim.urls.gemini.ws);
    bad.send({ type: 'subscribe', subscriptions: [{ name: 'l2', symbols: ['solusd'] }] });
    const err = await bad.next((m) => m.result === 'error');
    await ws.close();
    await bad.close();

    expect((first.trades as unknown[]).length).toBeGreaterThan(0);
    expect(shapeDiff(first, fixture('gemini', 'ws_l2_updates_initial.json'), ['$.auction_events'])).toEqual([]);
    expect(shapeDiff(later, fixture('gemini', 'ws_l2_updates.json'))).toEqual([]);
    expect(shapeDiff(trade, fixture('gemini', 'ws_trade.json'))).toEqual([]);
    expect(shapeDiff(err, fixture('gemini', 'ws_market_error.json'))).toEqual([]);
  });

  it('REST: order/new (filled IOC) and the InvalidNonce error', async () => {
    const o = await gemini('/v1/order/new', { client_order_id: String(Date.now()), symbol: 'solusd', amount: '0.25', price: top('gemini', 'asks'), side: 'buy', type: 'exchange limit', options: ['immediate-or-cancel'] });
    expect(o.status).toBe(200);
    expect(o.json.remaining_amount).toBe('0');
    expect(shapeDiff(o.json, fixture('gemini', 'http_post_order_new.json'))).toEqual([]);
    const used = nonce;
    const back = await gemini('/v1/balances', {}, used - 5);
    expect(back.status).toBe(400);
    expect(shapeDiff(back.json, fixture('gemini', 'http_post_order_new_error_invalid_nonce.json'))).toEqual([]);
    expect(back.json.message).toBe(`Out-of-sequence nonce <${used - 5}> precedes previously used nonce <${used}>`);
  });

  it('order-events WS: subscription_ack, accepted (an array of events), heartbeat', async () => {
    const g = sim.credentials.gemini;
    const url = `${sim.urls.gemini.rest.replace(/^http/, 'ws')}/v1/order/events?heartbeat=true`;
    const ws = await connect(url, geminiHeaders(g.api_key, g.api_secret, { request: '/v1/order/events', nonce: ++nonce }));
    const ack = await ws.next((m) => m.type === 'subscription_ack');
    await gemini('/v1/order/new', { client_order_id: String(Date.now()), symbol: 'solusd', amount: '0.1', price: top('gemini', 'asks'), side: 'buy', type: 'exchange limit', options: ['immediate-or-cancel'] });
    const accepted = await ws.next<unknown[]>((m) => Array.isArray(m) && (m[0] as Obj).type === 'accepted');
    // Gemini sends a heartbeat every 5 s.
    const hb = await ws.next((m) => m.type === 'heartbeat', 7_000);
    await ws.close();
    expect(shapeDiff(ack, fixture('gemini', 'ws_order_events_subscription_ack.json'))).toEqual([]);
    expect(shapeDiff(accepted, fixture('gemini', 'ws_order_events_accepted.json'))).toEqual([]);
    expect(shapeDiff(hb, fixture('gemini', 'ws_order_events_heartbeat.json'))).toEqual([]);
  }, 15_000);
});

describe('Bitstamp payloads match the documented shapes', () => {
  it('WS v2: subscription ack, diff_order_book, heartbeat, unauthorized private channel, request_reconnect', async () => {
    const ws = await connect(sim.urls.bitstamp.ws);
    ws.send({ event: 'bts:subscribe', data: { channel: 'diff_order_book_solusd' } });
    const ack = await ws.next((m) => m.event === 'bts:subscription_succeeded');
    const diff = await ws.next((m) => m.event === 'data' && m.channel === 'diff_order_book_solusd');
    ws.send({ event: 'bts:heartbeat' });
    const hb = await ws.next((m) => m.event === 'bts:heartbeat');
    ws.send({ event: 'bts:subscribe', data: { channel: 'private-my_orders_solusd-1' } });
    const err = await ws.next((m) => m.event === 'bts:error');
    sim.faults.inject({ venue: 'bitstamp', kind: 'reconnect' });
    const rc = await ws.next((m) => m.event === 'bts:request_reconnect');
    await ws.close();

    expect(shapeDiff(ack, fixture('bitstamp', 'ws_subscription_succeeded.json'))).toEqual([]);
    expect(shapeDiff(diff, fixture('bitstamp', 'ws_diff_order_book.json'))).toEqual([]);
    expect(shapeDiff(hb, fixture('bitstamp', 'ws_heartbeat.json'))).toEqual([]);
    expect(shapeDiff(err, fixture('bitstamp', 'ws_error.json'))).toEqual([]);
    expect(err).toEqual(fixture('bitstamp', 'ws_error.json'));
    expect(shapeDiff(rc, fixture('bitstamp', 'ws_request_reconnect.json'))).toEqual([]);
  });

  it('REST: buy (ioc_order) and the legacy error for a bad signature', async () => {
    const buy = await bitstamp('/api/v2/buy/solusd/', { amount: '0.5', price: top('bitstamp', 'asks'), ioc_order: 'True', client_order_id: 'shape-buy' });
    expect(buy.status).toBe(200);
    expect(shapeDiff(buy.json, fixture('bitstamp', 'http_post_buy.json'))).toEqual([]);
    const bad = await bitstamp('/api/v2/account_balances/', {}, 'not-the-secret');
    expect(bad.status).toBe(403);
    expect(shapeDiff(bad.json, fixture('bitstamp', 'http_post_error_legacy_reason_string.json'))).toEqual([]);
    expect(bad.json.code).toBe('API0005');
  });
});

describe('shapeDiff itself', () => {
  it('reports missing and extra keys, wrong types, non-decimal strings and wrong tuple lengths', () => {
    const doc = { a: '1.5', b: [['sell', '1.0', '2']], c: 3, d: '…' };
    expect(shapeDiff({ a: '2.25', b: [['buy', '3', '4']], c: 4, d: 'anything' }, doc)).toEqual([]);
    expect(shapeDiff({ a: 'x', b: [['buy', '3']], c: 4.5, e: 1 }, doc)).toEqual([
      '$.d: missing',
      '$.e: not in the documented payload',
      '$.a: "x" is not a decimal string like "1.5"',
      '$.b[0]: tuple of 2 where the documented payload has 3',
      '$.c: number (4.5) where the documented payload has integer',
    ]);
  });
});
