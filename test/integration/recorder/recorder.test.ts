import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecorderSlice } from '../../../src/actors/recorder/records.ts';
import { Outcome, Venue, WindowEventType } from '../../../src/shared/messages/index.ts';
import { createLogger } from '../../../src/shared/log.ts';
import { openStore, type Store, type TradeRecord } from '../../../src/shared/store/index.ts';
import { Supervisor } from '../../../src/supervisor/supervisor.ts';
import { ACTOR_ENTRIES, type Topology } from '../../../src/supervisor/topology.ts';
import { testConfig } from '../../helpers/config.ts';
import { waitFor } from '../../helpers/wait.ts';
import { Publisher } from './publish.ts';

const STEADY = new URL('../../fixtures/actors/steady.ts', import.meta.url);
const SLOW = new URL('./slow-recorder.ts', import.meta.url);
const log = createLogger({ level: 'silent' });

let sup: Supervisor | undefined;
let reader: Store | undefined;
afterEach(async () => {
  await sup?.stop();
  await reader?.close();
  sup = reader = undefined;
});

/**
 * The real recorder in a real worker, fed by the test thread through a real ring (the test plays
 * `signal:SOL`, a fixture actor that never writes, so the ring has exactly one producer: us).
 */
async function start(o: { entry?: URL; slice?: Partial<RecorderSlice> & { slow_ms?: number } } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cambist-recorder-'));
  const slice: RecorderSlice = {
    store: { kind: 'sqlite', mongodb_url_env: 'MONGODB_URL' },
    data_dir: dir,
    assets: [{ asset: 'SOL', dex_routes: ['whirlpool#0', 'raydium_amm#1'], quote: 'USD', dex_quote: 'USDC' }],
    ...o.slice,
  };
  const topology: Topology = {
    actors: [
      { name: 'recorder', kind: 'recorder', entry: o.entry ?? ACTOR_ENTRIES.recorder!, slice, mode: 'async', rank: 0 },
      { name: 'signal:SOL', kind: 'fixture', entry: STEADY, slice: {}, mode: 'none', rank: 1 },
    ],
    rings: [{ name: 'signal:SOL->recorder', from: 'signal:SOL', to: 'recorder', policy: 'reject', capacityBytes: 1 << 21 }],
  };
  sup = new Supervisor({ config: testConfig({ data_dir: dir }), topology, log });
  await sup.start();
  reader = await openStore({ kind: 'sqlite', dataDir: dir });
  const rec = sup.handle('recorder');
  const pub = new Publisher(sup.rings[0]!, rec.rings.doorbell!);
  const stats = async () => (await rec.api!.stats()).counters;
  return { sup, store: reader, pub, stats, rec };
}

function intent(key: string, now: number): TradeRecord {
  const leg = (venue: string, side: 'buy' | 'sell', coid: string) => ({
    venue, side, client_order_id: coid, price_cap: 151, size_base: 2, filled_size_base: 0, avg_price: null, fee_quote: null,
    status: 'submitted' as const, order_id: null, signature: null, sent_us: 1, ack_us: null, filled_us: null,
  });
  return {
    trade_key: key, asset: 'SOL', cex_venue: 'coinbase', dex_route: 'whirlpool#0', direction: 'buy_cex_sell_dex', window_id: '777',
    attempt: 1, state: 'submitted', legs: [leg('coinbase', 'buy', `${key}-c`), leg('solana', 'sell', `${key}-d`)],
    predicted_pnl_quote: 0.5, realised_pnl_quote: null, reason: null, tick_recv_us: 10, decided_us: 20, created_ts_ms: now, updated_ts_ms: now,
  };
}

describe('recorder actor', () => {
  it('writes opportunities, windows, trade results and inventory with names instead of ids', async () => {
    const { store, pub, stats } = await start();
    const t0 = 1_750_000_000_000;
    await store.insertTradeIntent(intent('SOL:coinbase:0:bc:777:1', t0));

    pub.opportunity({ tsMs: t0 + 1, windowId: 777, reason: 0, edgeBps: 130 });
    pub.opportunity({ tsMs: t0 + 2, venue: Venue.gemini, route: 1, direction: 2 });
    pub.window({ id: 777, event: WindowEventType.open, openedMs: t0, atMs: t0 + 5 });
    pub.window({ id: 777, event: WindowEventType.close, openedMs: t0, closedMs: t0 + 20_000, atMs: t0 + 20_000 });
    pub.result({ key: 'SOL:coinbase:0:bc:777:1', outcome: Outcome.filled, cexFilled: 2, dexFilled: 1.5, pnl: 0.42 });
    pub.inventory({ venue: Venue.solana, base: 10, quote: 2_000, atMs: t0 + 7 });
    pub.feedHealth({ venue: Venue.coinbase, state: 1, stalenessMs: 250 });

    await waitFor(async () => (await store.listOpportunities()).items.length === 2, 'two opportunities');
    const opps = (await store.listOpportunities()).items;
    expect(opps[0]).toMatchObject({ ts_ms: t0 + 2, asset: 'SOL', cex_venue: 'gemini', dex_route: 'raydium_amm#1', direction: 'buy_dex_sell_cex', traded: false, reason_not_traded: 'below_threshold', window_id: null });
    expect(opps[1]).toMatchObject({ ts_ms: t0 + 1, cex_venue: 'coinbase', dex_route: 'whirlpool#0', direction: 'buy_cex_sell_dex', traded: true, reason_not_traded: null, window_id: '777', net_edge_bps: 130 });

    const w = await waitFor(async () => (await store.listWindows({ state: 'closed' })).items[0], 'closed window');
    expect(w).toMatchObject({ window_id: '777', asset: 'SOL', cex_venue: 'gemini', state: 'closed', opened_ts_ms: t0, last_above_ts_ms: t0 + 5, closed_ts_ms: t0 + 20_000, reason_not_traded: 'inventory', signals: 3, trades: 1 });

    const t = await waitFor(async () => {
      const x = await store.getTrade('SOL:coinbase:0:bc:777:1');
      return x?.state === 'filled' ? x : undefined;
    }, 'trade filled');
    expect(t.realised_pnl_quote).toBe(0.42);
    expect(t.legs[0]).toMatchObject({ venue: 'coinbase', filled_size_base: 2, avg_price: 150, status: 'filled', filled_us: 30_000 });
    expect(t.legs[1]).toMatchObject({ venue: 'solana', filled_size_base: 1.5, avg_price: 151, status: 'partial', filled_us: 40_000 });

    const inv = await waitFor(async () => {
      const rows = await store.latestInventory({ venue: 'solana' });
      return rows.length === 2 ? rows : undefined;
    }, 'inventory');
    expect(inv.map((r) => [r.asset, r.free])).toEqual([['SOL', 10], ['USDC', 2_000]]);

    const c = await stats();
    expect(c['cambist_recorder_records_total{kind="opportunity"}']).toBe(2);
    expect(c['cambist_recorder_records_total{kind="feed_health"}']).toBe(1);
    expect(c['cambist_recorder_feed_staleness_seconds{venue="coinbase",asset="SOL"}']).toBe(0.25);
    expect(c['cambist_recorder_written_total{kind="trade_update"}']).toBe(1);
    expect(c.cambist_recorder_conflated_total).toBe(0);
    expect(c.cambist_recorder_batches_total).toBeGreaterThanOrEqual(1);
  });

  it('commits at most 1,000 records per transaction and loses none of a burst', async () => {
    const { store, pub, stats } = await start();
    const t0 = 1_750_000_000_000;
    for (let i = 0; i < 2_500; i++) pub.opportunity({ tsMs: t0 + i });
    await waitFor(async () => (await stats())['cambist_recorder_written_total{kind="opportunity"}'] === 2_500, '2,500 written', 45_000);
    const c = await stats();
    expect(c.cambist_recorder_batches_total).toBeGreaterThanOrEqual(3);
    expect(c.cambist_recorder_conflated_total).toBe(0);
    let n = 0;
    for (let p = await store.listOpportunities({ limit: 1000 }); ; p = await store.listOpportunities({ limit: 1000, cursor: p.next_cursor! })) {
      n += p.items.length;
      if (!p.next_cursor) break;
    }
    expect(n).toBe(2_500);
  }, 90_000);

  it('flushes a lone record within the 50 ms batch delay', async () => {
    const { store, pub } = await start();
    await waitFor(async () => (await store.listOpportunities()).items.length === 0, 'empty');
    const sent = Date.now();
    pub.opportunity({ tsMs: sent });
    await waitFor(async () => (await store.listOpportunities()).items.length === 1, 'one row', 5_000, 5);
    // 50 ms batch delay + a commit + worker scheduling; generous for a loaded CI box, but a recorder
    // that only flushed on a full batch would never get here.
    expect(Date.now() - sent).toBeLessThan(400);
  });

  it('with a slow store, conflates opportunities per pair but keeps every window and trade result', async () => {
    // Each commit takes 400 ms (≤ 2,500 records/s); records arrive at ~5,000/s for 1.2 s.
    const { store, pub, stats } = await start({ entry: SLOW, slice: { slow_ms: 400 } });
    const t0 = 1_750_000_000_000;
    const keys = ['SOL:coinbase:0:bc:900:1', 'SOL:coinbase:0:bc:901:1'];
    for (const k of keys) await store.insertTradeIntent(intent(k, t0));
    const sent = 6_000;
    for (let i = 0; i < sent; i++) {
      // Four pairs: (coinbase | gemini) × (route 0 | 1).
      pub.opportunity({ tsMs: t0 + i, venue: i % 2 === 0 ? Venue.coinbase : Venue.gemini, route: (i >> 1) % 2 });
      if (i % 500 === 0) pub.window({ id: 1000 + i, event: WindowEventType.open, openedMs: t0 + i, atMs: t0 + i });
      if (i === 3_000) pub.result({ key: keys[0]!, outcome: Outcome.partial, cexFilled: 1, dexFilled: 1, pnl: -0.1 });
      if (i === 5_999) pub.result({ key: keys[1]!, outcome: Outcome.failedLeg, cexFilled: 2, dexFilled: 0, pnl: -1 });
      if (i % 250 === 249) await new Promise((r) => setTimeout(r, 50));
    }
    await waitFor(async () => {
      const c = await stats();
      return c.cambist_recorder_pending === 0 && c['cambist_recorder_records_total{kind="opportunity"}'] === sent;
    }, 'backlog drained', 20_000);
    const c = await stats();
    const written = c['cambist_recorder_written_total{kind="opportunity"}']!;
    const conflated = c.cambist_recorder_conflated_total!;
    expect(conflated).toBeGreaterThan(0);
    // Every opportunity is accounted for: written, or replaced by a newer one of its pair.
    expect(written + conflated).toBe(sent);
    expect(written).toBeLessThan(sent);
    // The newest opportunity of each pair survives conflation.
    const newest = (await store.listOpportunities({ limit: 4 })).items.map((o) => o.ts_ms);
    expect(newest).toEqual([t0 + 5_999, t0 + 5_998, t0 + 5_997, t0 + 5_996]);
    // Nothing but opportunities gives way.
    expect((await store.listWindows({ limit: 1000 })).items).toHaveLength(12);
    expect((await store.getTrade(keys[0]!))?.state).toBe('partial');
    const failed = await store.getTrade(keys[1]!);
    expect(failed).toMatchObject({ state: 'failed_leg', realised_pnl_quote: -1, reason: 'exec.result: failed_leg' });
    expect(failed!.legs[1]!.status).toBe('cancelled');
  });

  it('a trade result without its trade row ends the recorder with a clear error after writing the rest', async () => {
    const { sup: s, store, pub } = await start();
    pub.opportunity({ tsMs: 1_750_000_000_000 });
    pub.result({ key: 'SOL:coinbase:0:bc:404:1', outcome: Outcome.filled, cexFilled: 2, dexFilled: 2, pnl: 1 });
    await waitFor(() => s.handle('recorder').restarts >= 1, 'recorder restarted');
    expect(s.actorStatus().find((a) => a.name === 'recorder')!.last_error).toMatch(/no trade row \(SOL:coinbase:0:bc:404:1\)/);
    expect((await store.listOpportunities()).items).toHaveLength(1);
  });
});
