import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simMain } from '../../../src/sim/cli.ts';
import { type Sim, startSim } from '../../../src/sim/index.ts';
import { fixture, shapeDiff } from './shape.ts';
import { USDC, readPool, whirlpoolSwapTx } from './solana-helpers.ts';
import { cdpJwt, geminiHeaders } from './sign.ts';
import { connect, sleep } from './ws-client.ts';

type Obj = Record<string, unknown>;
let sim: Sim;
beforeAll(async () => {
  sim = await startSim({ seed: 41, assets: ['SOL'], auto_dislocations: false });
});
afterAll(async () => {
  await sim.close();
});

const ctl = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Obj }> => {
  const r = await fetch(`${sim.urls.control}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Obj };
};

async function cbOrder(cid: string): Promise<{ status: number; json: Obj; ms: number }> {
  const c = sim.credentials.coinbase.es256;
  const path = '/api/v3/brokerage/orders';
  const jwt = await cdpJwt('ES256', createPrivateKey(c.private_key_pem), c.key_name, `POST api.coinbase.com${path}`);
  const limit = (sim.market.snapshot('coinbase', 'SOL', 1).asks[0].price / 100 + 0.5).toFixed(2);
  const t0 = performance.now();
  const r = await fetch(`${sim.urls.coinbase.rest}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_order_id: cid, product_id: 'SOL-USD', side: 'BUY', order_configuration: { sor_limit_ioc: { base_size: '0.20000000', limit_price: limit } } }),
  });
  return { status: r.status, json: (await r.json()) as Obj, ms: performance.now() - t0 };
}

const orders = async (venue?: string) => (await ctl('GET', `/sim/orders${venue ? `?venue=${venue}` : ''}`)).json as { orders: Obj[]; transactions: Obj[] };

describe('control API', () => {
  it('GET /sim/health: ok, ticking, sockets and faults per venue', async () => {
    const ws = await connect(sim.urls.gemini.ws);
    await sleep(300);
    const h = await ctl('GET', '/sim/health');
    expect(h.status).toBe(200);
    expect(h.json).toMatchObject({ ok: true, seed: 41, scenario: null });
    expect((h.json.market as Obj).events as number).toBeGreaterThan(0);
    const venues = h.json.venues as Record<string, { sockets: number; faults: Obj }>;
    expect(Object.keys(venues).sort()).toEqual(['bitstamp', 'coinbase', 'gemini', 'jupiter', 'solana']);
    expect(venues.gemini.sockets).toBe(1);
    await ws.close();
  });

  it('GET /sim/orders lists CEX orders with client id, status and fills; a 5xx after the effect leaves the order there, before it leaves none', async () => {
    const ok = await cbOrder('ctl-ok');
    expect(ok.json.success).toBe(true);
    expect((await ctl('POST', '/sim/faults', { venue: 'coinbase', kind: 'server_error', processed: true })).status).toBe(200);
    const after = await cbOrder('ctl-after');
    expect(after.status).toBe(503);
    expect(shapeDiff(after.json, fixture('coinbase', 'http_post_orders_non2xx.json'))).toEqual([]);
    await ctl('POST', '/sim/faults', { venue: 'coinbase', kind: 'server_error' });
    expect((await cbOrder('ctl-before')).status).toBe(503);
    const list = (await orders('coinbase')).orders;
    const byCid = Object.fromEntries(list.map((o) => [o.client_order_id, o]));
    expect(byCid['ctl-ok']).toMatchObject({ venue: 'coinbase', status: 'FILLED', size: '0.20000000', filled_size: '0.20000000' });
    expect((byCid['ctl-ok'].fills as Obj[]).length).toBeGreaterThan(0);
    expect(byCid['ctl-after']).toMatchObject({ status: 'FILLED' });
    expect(byCid['ctl-before']).toBeUndefined();
    expect((await orders('gemini')).orders).toEqual([]);
  });

  it('POST /sim/faults: 429 in the venue\'s shape; kinds a venue does not implement and bad slots are refused', async () => {
    await ctl('POST', '/sim/faults', { venue: 'gemini', kind: 'rate_limit', count: 1 });
    const g = sim.credentials.gemini;
    const r = await fetch(`${sim.urls.gemini.rest}/v1/balances`, { method: 'POST', headers: geminiHeaders(g.api_key, g.api_secret, { request: '/v1/balances', nonce: Date.now() * 1000 }) });
    expect(r.status).toBe(429);
    expect(await r.json()).toMatchObject({ result: 'error', reason: 'RateLimit' });
    expect((await ctl('POST', '/sim/faults', { venue: 'gemini', kind: 'fail_tx' })).status).toBe(400);
    expect((await ctl('POST', '/sim/faults', { venue: 'jupiter', kind: 'drop' })).status).toBe(400);
    expect((await ctl('POST', '/sim/faults', { venue: 'solana', kind: 'slow_land', slots: 0 })).status).toBe(400);
  });

  it('POST /sim/profile sets REST latency at run time; replace clears it', async () => {
    const set = await ctl('POST', '/sim/profile', { venue: 'coinbase', rest_latency_ms: { p50: 300, p99: 301 } });
    expect(set.json.profile).toEqual({ rest_latency_ms: { p50: 300, p99: 301 } });
    expect((await cbOrder('ctl-slow')).ms).toBeGreaterThan(280);
    expect((await ctl('POST', '/sim/profile', { venue: 'coinbase', tx_fail_pct: 3 })).status).toBe(400);
    await ctl('POST', '/sim/profile', { venue: 'coinbase', replace: true });
    expect(((await ctl('GET', '/sim/profile')).json.coinbase as Obj)).toEqual({});
    expect((await cbOrder('ctl-fast')).ms).toBeLessThan(250);
  });

  it('GET /sim/orders lists Solana transactions: landed with token deltas, late by `slots`, dropped, rejected', async () => {
    const conn = new Connection(sim.urls.solana.http, { commitment: 'confirmed', wsEndpoint: sim.urls.solana.ws });
    const kp = Keypair.fromSecretKey(sim.solana.wallet.secretKey);
    const send = async (amount: bigint, blockhash?: string): Promise<string> => {
      const view = await readPool(conn);
      const bh = await conn.getLatestBlockhash();
      const tx = whirlpoolSwapTx(view, kp, blockhash ?? bh.blockhash, bh.lastValidBlockHeight, amount, 1n, true);
      const r = await fetch(sim.urls.solana.http, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'sendTransaction', params: [tx.serialize().toString('base64'), { encoding: 'base64' }] }) });
      const j = (await r.json()) as { result?: string; error?: unknown };
      return j.result ?? tx.signatures[0].signature!.toString('hex');
    };
    const landed = await send(1_000_000n);
    expect((await ctl('POST', '/sim/faults', { venue: 'solana', kind: 'slow_land', slots: 3 })).status).toBe(200);
    const late = await send(1_000_001n);
    await ctl('POST', '/sim/faults', { venue: 'solana', kind: 'drop_tx' });
    const dropped = await send(1_000_002n);
    await send(1_000_003n, '11111111111111111111111111111111');
    const slot0 = (await ctl('GET', '/sim/health')).json.solana as { slot: number };
    await sleep(2_400);
    const txs = (await orders('solana')).transactions;
    const by = Object.fromEntries(txs.map((t) => [t.signature, t]));
    expect(by[landed]).toMatchObject({ venue: 'solana', status: 'landed', late_slots: 0 });
    expect(BigInt((by[landed].token_deltas as Record<string, string>)[USDC])).toBeGreaterThan(0n);
    expect(by[late]).toMatchObject({ status: 'landed', late_slots: 3 });
    expect((by[late].slot as number) - (by[landed].slot as number)).toBeGreaterThanOrEqual(3);
    expect(by[late].slot as number).toBeGreaterThan(slot0.slot + 2);
    expect(by[dropped]).toMatchObject({ status: 'dropped' });
    expect(txs.filter((t) => t.status === 'rejected')).toHaveLength(1);
    expect((await orders('coinbase')).transactions).toEqual([]);
  });
});

describe('cambist sim (CLI module)', () => {
  it('prints one JSON line with every endpoint and a 0600 credentials file it removes on exit', async () => {
    const data = mkdtempSync(join(tmpdir(), 'cambist-sim-'));
    const out: string[] = [];
    let stop!: (s: string) => void;
    const stopped = new Promise<string>((r) => (stop = r));
    const done = simMain(['--seed', '12', '--scenario', 'calm', '--json', '--data', data], { out: (l) => out.push(l), err: (l) => out.push(`ERR ${l}`), stopped });
    for (let i = 0; i < 100 && out.length === 0; i++) await sleep(50);
    expect(out).toHaveLength(1);
    const line = JSON.parse(out[0]) as { seed: number; scenario: string; urls: Record<string, unknown>; credentials_file: string };
    expect(line).toMatchObject({ seed: 12, scenario: 'calm', credentials_file: join(data, 'sim-credentials.json') });
    expect(Object.keys(line.urls).sort()).toEqual(['bitstamp', 'coinbase', 'control', 'gemini', 'jupiter', 'solana']);
    expect(statSync(line.credentials_file).mode & 0o777).toBe(0o600);
    const creds = JSON.parse(readFileSync(line.credentials_file, 'utf8')) as Record<string, Obj>;
    expect(Object.keys(creds)).toEqual(expect.arrayContaining(['coinbase', 'gemini', 'bitstamp', 'solana']));
    const health = (await (await fetch(`${line.urls.control as string}/sim/health`)).json()) as Obj;
    expect(health).toMatchObject({ ok: true, seed: 12, scenario: 'calm' });
    stop('SIGTERM');
    expect(await done).toBe(0);
    expect(existsSync(line.credentials_file)).toBe(false);
  });

  it('refuses a bad seed and an unknown scenario', async () => {
    const err: string[] = [];
    const io = { out: () => {}, err: (l: string) => err.push(l), stopped: new Promise<string>(() => {}) };
    expect(await simMain(['--seed', 'x'], io)).toBe(2);
    await expect(simMain(['--scenario', 'nope', '--data', mkdtempSync(join(tmpdir(), 'cambist-sim-'))], io)).rejects.toThrow(/no scenario "nope"/);
  });
});
