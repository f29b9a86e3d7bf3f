import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openApiDocument, openApiPath } from '../../../src/actors/edge/openapi.ts';
import { inventory, opportunity, trade, window as windowRec } from '../../contract/store-factories.ts';
import { bearer, harness, jsonReq, type Harness } from './fixtures.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Err = { error: { code: string; message: string; issues?: string[] } };
type PageOf<T> = { items: T[]; next_cursor: string | null };

const T = 1_750_000_000_000;

describe('edge history routes', () => {
  it('lists opportunities newest first with filters and cursor pages that neither repeat nor skip', async () => {
    h = await harness();
    const rows = Array.from({ length: 25 }, (_, i) =>
      opportunity({ id: `o-${String(i).padStart(2, '0')}`, ts_ms: T + i * 1000, cex_venue: i % 2 ? 'gemini' : 'coinbase', direction: i % 3 ? 'buy_cex_sell_dex' : 'buy_dex_sell_cex', window_id: null }),
    );
    await h.store.insertOpportunities(rows);
    const read = await bearer('read');
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const r = await h.edge.app.request(`/v1/opportunities?limit=10${cursor ? `&cursor=${cursor}` : ''}`, { headers: read });
      expect(r.status).toBe(200);
      const page = (await r.json()) as PageOf<{ id: string; ts_ms: number }>;
      seen.push(...page.items.map((o) => o.id));
      cursor = page.next_cursor;
    }
    expect(seen).toEqual(rows.map((o) => o.id).reverse());

    const f = (await (await h.edge.app.request(`/v1/opportunities?venue=gemini&direction=buy_dex_sell_cex&from=${T + 3000}&to=${T + 16_000}`, { headers: read })).json()) as PageOf<{ id: string }>;
    // odd i (gemini), i % 3 === 0 (buy_dex_sell_cex), 3 ≤ i < 16 → 3, 9, 15
    expect(f.items.map((o) => o.id)).toEqual(['o-15', 'o-09', 'o-03']);
    expect(f.next_cursor).toBeNull();
  });

  it('lists trades, windows, inventory, incidents and audit with their filters', async () => {
    h = await harness();
    const s = h.store;
    await s.insertTradeIntent(trade({ trade_key: 'k1', created_ts_ms: T, updated_ts_ms: T, state: 'intent' }));
    await s.insertTradeIntent(trade({ trade_key: 'k2', created_ts_ms: T + 1, updated_ts_ms: T + 1, state: 'verified', asset: 'BTC' }));
    await s.upsertWindows([windowRec({ window_id: 'w1', opened_ts_ms: T }), windowRec({ window_id: 'w2', opened_ts_ms: T + 5, state: 'closed', closed_ts_ms: T + 9 })]);
    await s.insertInventorySnapshots([inventory({ venue: 'coinbase', asset: 'SOL', ts_ms: T, free: 3 }), inventory({ venue: 'solana', asset: 'SOL', ts_ms: T, free: 4 })]);
    await s.insertIncident({ id: 'i1', ts_ms: T, kind: 'operator_kill', reason: 'drill', actor: 'operator', timeline: [], resolved_ts_ms: T + 10 });
    await s.insertIncident({ id: 'i2', ts_ms: T + 1, kind: 'actor_crash_loop', reason: 'loop', actor: 'signal:SOL', timeline: [], resolved_ts_ms: null });
    await s.appendAudit({ ts_ms: T, actor: 'ops', action: 'pause', target: 'global', before: { paused: false }, after: { paused: true } });
    const read = await bearer('read');
    const get = async <X>(p: string) => {
      const r = await h!.edge.app.request(p, { headers: read });
      expect(r.status, p).toBe(200);
      return (await r.json()) as PageOf<X>;
    };
    expect((await get<{ trade_key: string }>('/v1/trades')).items.map((t) => t.trade_key)).toEqual(['k2', 'k1']);
    expect((await get<{ trade_key: string }>('/v1/trades?state=verified,hedged')).items.map((t) => t.trade_key)).toEqual(['k2']);
    expect((await get<{ trade_key: string }>('/v1/trades?asset=SOL')).items.map((t) => t.trade_key)).toEqual(['k1']);
    expect((await get<{ window_id: string }>('/v1/windows?state=open')).items.map((w) => w.window_id)).toEqual(['w1']);
    expect((await get<{ venue: string; free: number }>('/v1/inventory?asset=SOL')).items.map((i) => [i.venue, i.free])).toEqual([['coinbase', 3], ['solana', 4]]);
    expect((await get<{ id: string }>('/v1/incidents')).items.map((i) => i.id)).toEqual(['i2', 'i1']);
    expect((await get<{ id: string }>('/v1/incidents?status=open')).items.map((i) => i.id)).toEqual(['i2']);
    expect((await get<{ id: string }>('/v1/incidents?status=resolved')).items.map((i) => i.id)).toEqual(['i1']);
    const audit = await get<{ actor: string; before: unknown; after: unknown }>('/v1/audit?action=pause');
    expect(audit.items).toMatchObject([{ actor: 'ops', before: { paused: false }, after: { paused: true } }]);
  });

  it('rejects bad query parameters with 400 naming the parameter, and a foreign cursor with STORE_BAD_CURSOR', async () => {
    h = await harness();
    const read = await bearer('read');
    const err = async (p: string) => {
      const r = await h!.edge.app.request(p, { headers: read });
      expect(r.status, p).toBe(400);
      return ((await r.json()) as Err).error;
    };
    expect((await err('/v1/opportunities?limit=5000')).message).toMatch(/^limit: /);
    expect((await err('/v1/trades?assset=SOL')).message).toMatch(/unknown key "assset"/);
    expect((await err('/v1/trades?state=filled,bogus')).message).toMatch(/^state\[1\]: expected one of/);
    expect((await err('/v1/windows?from=yesterday')).message).toMatch(/^from: .*epoch milliseconds/);
    expect((await err('/v1/opportunities?direction=up')).message).toMatch(/^direction: expected one of/);
    await h.store.insertOpportunities([opportunity({ id: 'a', ts_ms: T }), opportunity({ id: 'b', ts_ms: T + 1 })]);
    const trades = `/v1/trades?cursor=${Buffer.from(JSON.stringify({ v: 1, l: 'opportunities', t: T, k: 'a' })).toString('base64url')}`;
    expect((await err(trades)).code).toBe('STORE_BAD_CURSOR');
  });
});

describe('edge scopes', () => {
  it('GETs need read, controls need trade, config PUT needs admin', async () => {
    h = await harness();
    const app = h.edge.app;
    for (const p of ['/v1/opportunities', '/v1/trades', '/v1/windows', '/v1/inventory', '/v1/incidents', '/v1/audit', '/v1/trades.csv', '/v1/config/SOL', '/v1/stream']) {
      const r = await app.request(p);
      expect(r.status, p).toBe(401);
      expect(((await r.json()) as Err).error.code).toBe('AUTH_REQUIRED');
      if (p !== '/v1/stream') expect((await app.request(p, { headers: await bearer('read') })).status, p).toBe(200);
    }
    // The stream takes its token from the query (browsers cannot set WebSocket headers).
    const token = (await bearer('read')).authorization!.slice(7);
    const plain = await app.request(`/v1/stream?token=${token}`);
    expect(plain.status).toBe(400);
    expect(((await plain.json()) as Err).error.code).toBe('WS_UPGRADE_REQUIRED');
    expect((await app.request('/v1/stream?token=nope')).status).toBe(401);
    const topics = await app.request(`/v1/stream?token=${token}&topics=status,gossip`);
    expect(topics.status).toBe(400);
    expect(((await topics.json()) as Err).error.message).toMatch(/^topics: .*"gossip"/);
    const body = { ...h.sol() };
    expect((await app.request('/v1/config/SOL', jsonReq('PUT', body, await bearer('read')))).status).toBe(403);
    const trade = await app.request('/v1/config/SOL', jsonReq('PUT', body, await bearer('trade')));
    expect(trade.status).toBe(403);
    expect(((await trade.json()) as Err).error.code).toBe('AUTH_SCOPE');
    expect((await app.request('/v1/config/SOL', jsonReq('PUT', body, await bearer('admin')))).status).toBe(200);
    expect((await app.request('/v1/controls', jsonReq('POST', { action: 'pause' }, await bearer('read')))).status).toBe(403);
  });
});

describe('GET /v1/trades.csv', () => {
  it('exports every matching trade with a header row, as an attachment', async () => {
    h = await harness();
    for (let i = 0; i < 1_005; i++) {
      await h.store.insertTradeIntent(trade({ trade_key: `k${String(i).padStart(4, '0')}`, created_ts_ms: T + i, updated_ts_ms: T + i, realised_pnl_quote: i === 5 ? -1.25 : null, reason: i === 6 ? '=HYPERLINK("x"), "quoted"' : null }));
    }
    const r = await h.edge.app.request(`/v1/trades.csv?from=${T + 1}&to=${T + 1_004}`, { headers: await bearer('read') });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="cambist-trades-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.csv"$/);
    const lines = (await r.text()).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe('trade_key,created_ts_ms,created_at,updated_ts_ms,asset,cex_venue,dex_route,direction,window_id,attempt,state,predicted_pnl_quote,realised_pnl_quote,cex_filled_base,cex_avg_price,dex_filled_base,dex_avg_price,fees_quote,reason');
    const body = lines.slice(1, -1);
    // from is inclusive, to exclusive: k0001 .. k1003, across two store pages.
    expect(body).toHaveLength(1_003);
    expect(body[0]!.startsWith('k1003,')).toBe(true);
    expect(body.at(-1)!.startsWith('k0001,')).toBe(true);
    const k5 = body.find((l) => l.startsWith('k0005,'))!.split(',');
    expect(k5[12]).toBe('-1.25');
    expect(k5[2]).toBe(new Date(T + 5).toISOString());
    expect(body.find((l) => l.startsWith('k0006,'))!.endsWith(`"'=HYPERLINK(""x""), ""quoted"""`)).toBe(true);
  });
});

describe('OpenAPI document', () => {
  it('lists every registered route with its scope, and is served', async () => {
    h = await harness();
    const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, { 'x-scope': string; security: unknown[] }>> };
    expect(doc.openapi).toBe('3.1.0');
    const routes = h.edge.app.routes.filter((r) => r.method !== 'ALL');
    expect(routes.length).toBeGreaterThan(15);
    for (const r of routes) {
      const op = doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path} is not in the OpenAPI document`).toBeDefined();
      expect(['none', 'read', 'trade', 'admin']).toContain(op!['x-scope']);
    }
    expect(doc.paths['/v1/config/{asset}']!.put!['x-scope']).toBe('admin');
    expect(doc.paths['/v1/controls']!.post!['x-scope']).toBe('trade');
    expect(doc.paths['/v1/trades']!.get!['x-scope']).toBe('read');
    const served = await h.edge.app.request('/v1/openapi.json');
    expect(served.status).toBe(200);
    expect(await served.json()).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('documents no route the app does not serve', async () => {
    h = await harness();
    const registered = new Set(h.edge.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`));
    const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
    for (const [path, ops] of Object.entries(doc.paths)) for (const m of Object.keys(ops)) expect(registered.has(`${m} ${path}`), `${m} ${path}`).toBe(true);
  });
});

describe('console', () => {
  it('answers 503 "console not built" until dist-web/index.html exists, then serves it with a fallback for console paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cambist-web-'));
    h = await harness({ consoleDir: dir });
    const app = h.edge.app;
    let r = await app.request('/');
    expect(r.status).toBe(503);
    expect(await r.text()).toBe('console not built: run `npm run build:web`');
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>cambist</title>');
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    r = await app.request('/');
    expect(r.status).toBe(200);
    expect(await r.text()).toMatch(/<title>cambist<\/title>/);
    r = await app.request('/assets/app.js');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/javascript/);
    expect(await (await app.request('/trades')).text()).toMatch(/<title>cambist/);
    expect((await app.request('/assets/missing.js')).status).toBe(404);
    const api = await app.request('/v1/nope', { headers: await bearer('read') });
    expect(api.status).toBe(404);
    expect(((await api.json()) as Err).error.code).toBe('NOT_FOUND');
  });
});
