import { afterEach, describe, expect, it } from 'vitest';
import { diffConfig, restartRequired } from '../../../src/actors/edge/config-preview.ts';
import { trade, window as windowRec } from '../../contract/store-factories.ts';
import { bearer, harness, jsonReq, type Harness } from './fixtures.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Err = { error: { code: string; message: string; issues?: string[]; restart_required?: string[] } };
interface Preview {
  dry_run: boolean;
  applied: boolean;
  version: number | null;
  changes: { key: string; before: unknown; after: unknown }[];
  restart_required: string[];
  would_pause: { key: string; reason: string }[];
  closes_windows: { window_id: string; mean_edge_bps: number; threshold_bps: number }[];
  pushed?: unknown[];
}

// 10:00 UTC: outside the default hot window [12, 13), so the cold threshold (2 %) is in force.
const NOW = Date.UTC(2026, 10, 30, 10, 0, 0);

describe('config routes', () => {
  it('GET returns the running config of an asset; an unknown asset is 404', async () => {
    h = await harness();
    const r = await h.edge.app.request('/v1/config/SOL', { headers: await bearer('read') });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { asset: string; source: string; version: null; config: { risk: { max_daily_loss_abs: number } } };
    expect(body).toMatchObject({ asset: 'SOL', source: 'file', version: null });
    expect(body.config.risk.max_daily_loss_abs).toBe(100);
    const missing = await h.edge.app.request('/v1/config/DOGE', { headers: await bearer('read') });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Err).error.code).toBe('CONFIG_UNKNOWN_ASSET');
  });

  it('validates with the config schema and names the field', async () => {
    h = await harness();
    const admin = await bearer('admin');
    const put = async (body: unknown) => {
      const r = await h!.edge.app.request('/v1/config/SOL', jsonReq('PUT', body, admin));
      expect(r.status).toBe(400);
      return ((await r.json()) as Err).error;
    };
    const sol = h.sol();
    let e = await put({ ...sol, risk: { ...sol.risk, max_daily_loss_abs: 'lots' } });
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toBe('risk.max_daily_loss_abs: expected number, found string "lots"');
    e = await put({ ...sol, signal: { ...sol.signal, profit_threshold_pct_hot: 1, typo_key: 1 } });
    expect(e.message).toMatch(/^signal: unknown key "typo_key"/);
    e = await put({ ...sol, asset: 'BTC' });
    expect(e.message).toBe('asset: must be "SOL" (the asset in the URL); found "BTC"');
    e = await put({ ...sol, sizing: { ...sol.sizing, base_notional_quote: 900 } });
    expect(e.issues).toEqual(['sizing.base_notional_quote: must not exceed max_notional_quote (500); found 900']);
    const bad = await h.edge.app.request('/v1/config/SOL', jsonReq('PUT', '{not json', admin));
    expect(((await bad.json()) as Err).error.code).toBe('BAD_JSON');
    expect(h.applied).toEqual([]);
  });

  it('dry run lists the changed keys and what would pause or close, and applies nothing', async () => {
    h = await harness({ nowMs: () => NOW });
    // Today: two trades with a realised loss of 60.
    await h.store.insertTradeIntent(trade({ trade_key: 'a', created_ts_ms: NOW - 3_600_000, updated_ts_ms: NOW, realised_pnl_quote: -75, state: 'verified' }));
    await h.store.insertTradeIntent(trade({ trade_key: 'b', created_ts_ms: NOW - 60_000, updated_ts_ms: NOW, realised_pnl_quote: 15, state: 'verified' }));
    // Yesterday's loss does not count.
    await h.store.insertTradeIntent(trade({ trade_key: 'c', created_ts_ms: NOW - 86_400_000, updated_ts_ms: NOW, realised_pnl_quote: -500, state: 'verified' }));
    await h.store.upsertWindows([
      windowRec({ window_id: 'weak', opened_ts_ms: NOW - 5_000, mean_edge_bps: 230 }),
      windowRec({ window_id: 'strong', opened_ts_ms: NOW - 4_000, mean_edge_bps: 400 }),
      windowRec({ window_id: 'closed', opened_ts_ms: NOW - 9_000, state: 'closed', closed_ts_ms: NOW - 1_000, mean_edge_bps: 100 }),
    ]);
    const sol = h.sol();
    const next = { ...sol, risk: { ...sol.risk, max_daily_loss_abs: 50 }, signal: { ...sol.signal, profit_threshold_pct_cold: 3 } };
    const r = await h.edge.app.request('/v1/config/SOL?dry_run=1', jsonReq('PUT', next, await bearer('admin')));
    expect(r.status).toBe(200);
    const p = (await r.json()) as Preview;
    expect(p).toMatchObject({ dry_run: true, applied: false });
    expect(p.changes).toEqual([
      { key: 'risk.max_daily_loss_abs', before: 100, after: 50 },
      { key: 'signal.profit_threshold_pct_cold', before: 2, after: 3 },
    ]);
    expect(p.restart_required).toEqual([]);
    expect(p.would_pause).toHaveLength(1);
    expect(p.would_pause[0]!.key).toBe('risk.max_daily_loss_abs');
    expect(p.would_pause[0]!.reason).toMatch(/realised loss 60\.00 is at or above the new cap 50/);
    expect(p.closes_windows).toEqual([expect.objectContaining({ window_id: 'weak', mean_edge_bps: 230, threshold_bps: 300 })]);
    expect(h.applied).toEqual([]);

    // A cap still above today's loss pauses nothing.
    const mild = { ...sol, risk: { ...sol.risk, max_daily_loss_abs: 61 } };
    const q = (await (await h.edge.app.request('/v1/config/SOL?dry_run=true', jsonReq('PUT', mild, await bearer('admin')))).json()) as Preview;
    expect(q.would_pause).toEqual([]);
  });

  it('applies a valid change, and refuses keys that need a restart with 409 naming them', async () => {
    h = await harness();
    const admin = await bearer('admin', 'alice');
    const sol = h.sol();
    const next = { ...sol, sizing: { ...sol.sizing, base_notional_quote: 75 } };
    const r = await h.edge.app.request('/v1/config/SOL', jsonReq('PUT', next, admin));
    expect(r.status).toBe(200);
    const body = (await r.json()) as Preview;
    expect(body).toMatchObject({ dry_run: false, applied: true, version: 1, pushed: [{ actor: 'signal:SOL', ok: true }] });
    expect(body.changes).toEqual([{ key: 'sizing.base_notional_quote', before: 50, after: 75 }]);
    expect(h.applied).toHaveLength(1);
    expect(h.applied[0]!.who).toBe('alice');
    expect(h.applied[0]!.config.sizing.base_notional_quote).toBe(75);

    const same = (await (await h.edge.app.request('/v1/config/SOL', jsonReq('PUT', h.sol(), admin))).json()) as Preview;
    expect(same).toMatchObject({ applied: false, changes: [] });
    expect(h.applied).toHaveLength(1);

    const moved = { ...h.sol(), cex_routes: h.sol().cex_routes.map((c, i) => (i === 0 ? { ...c, product: 'SOL-USDT' } : c)) };
    const refused = await h.edge.app.request('/v1/config/SOL', jsonReq('PUT', moved, admin));
    expect(refused.status).toBe(409);
    const e = ((await refused.json()) as Err).error;
    expect(e.code).toBe('CONFIG_RESTART_REQUIRED');
    expect(e.restart_required).toEqual(['cex_routes[0].product']);
    expect(h.applied).toHaveLength(1);
  });

  it('rate limits config changes with 429 and Retry-After, but not dry runs', async () => {
    let now = NOW;
    h = await harness({ controlsPerMin: 2, nowMs: () => now });
    const admin = await bearer('admin');
    const put = (n: number, dry = false) => h!.edge.app.request(`/v1/config/SOL${dry ? '?dry_run=1' : ''}`, jsonReq('PUT', { ...h!.sol(), sizing: { ...h!.sol().sizing, base_notional_quote: n } }, admin));
    expect((await put(51)).status).toBe(200);
    expect((await put(52)).status).toBe(200);
    const limited = await put(53);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as Err).error.code).toBe('RATE_LIMITED');
    for (let i = 0; i < 5; i++) expect((await put(60 + i, true)).status).toBe(200);
    now += 60_000;
    expect((await put(54)).status).toBe(200);
  });
});

describe('config diff', () => {
  it('names leaf keys in the config error format and classifies restart keys', () => {
    const a = { asset: 'SOL', cex_routes: [{ venue: 'coinbase', taker_fee_bps: 60 }], dex_route: { pools: [{ slippage_bps_cap: 75, swap_fee_bps: 4 }] }, signal: { hot_window_utc: [12, 13] } };
    const b = { asset: 'SOL', cex_routes: [{ venue: 'coinbase', taker_fee_bps: 50 }], dex_route: { pools: [{ slippage_bps_cap: 60, swap_fee_bps: 5 }] }, signal: { hot_window_utc: [12, 14] } };
    const d = diffConfig(a, b);
    expect(d.map((c) => c.key)).toEqual(['cex_routes[0].taker_fee_bps', 'dex_route.pools[0].slippage_bps_cap', 'dex_route.pools[0].swap_fee_bps', 'signal.hot_window_utc']);
    expect(restartRequired(d)).toEqual(['dex_route.pools[0].swap_fee_bps']);
  });
});
