import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/shared/log.ts';
import type { TradeRecord } from '../../../src/shared/store/index.ts';
import { startEngine, type Engine } from '../../../src/supervisor/engine.ts';
import { testConfig } from '../../helpers/config.ts';
import { waitFor } from '../../helpers/wait.ts';

/**
 * Restart safety: the executor crashes at random points of the trade lifecycle (after the intent,
 * after sending, after the legs, before the final write) while a dislocation keeps it trading.
 * After every restart, recovery settles what was open; the simulators' own logs must show at most
 * one order per client order id and no swap the store does not know about.
 */
describe('executor restart safety on the simulators', () => {
  let engine: Engine | undefined;
  afterAll(async () => {
    delete process.env.CAMBIST_CHAOS_CRASH_PCT;
    await engine?.stop();
  });

  it('never doubles an order or a swap, and settles every trade it can prove', async () => {
    const base = testConfig({ data_dir: mkdtempSync(join(tmpdir(), 'cambist-chaos-')), supervisor: { escalate_restarts: 1_000, restart_initial_ms: 20, restart_max_ms: 100 } });
    const sol = base.assets[0]!;
    process.env.CAMBIST_CHAOS_CRASH_PCT = '25';
    engine = await startEngine({
      config: {
        ...base,
        edge: { ...base.edge, port: 0 },
        assets: [{ ...sol, signal: { ...sol.signal, profit_threshold_pct_hot: 0.3, profit_threshold_pct_cold: 0.3, slip_haircut_pct: 0.1, window_grace_sec: 1 }, risk: { ...sol.risk, max_trades_per_window: 50 } }, ...base.assets.slice(1)],
      },
      log: createLogger({ level: 'silent' }),
      sim: { auto_dislocations: false, dislocations: [{ asset: 'SOL', venue: 'dex', bps: 300, duration_ms: 90_000, delay_ms: 3_000 }] },
    });
    const e = engine;
    const restarts = () => e.supervisor.handle('executor:SOL').restarts;
    await waitFor(() => restarts() >= 4, 'four executor crashes', 90_000, 200);
    // From here on new incarnations do not crash: recovery must settle what the crashed ones left.
    delete process.env.CAMBIST_CHAOS_CRASH_PCT;
    const crashes = restarts();
    await waitFor(() => restarts() > crashes && e.supervisor.handle('executor:SOL').state === 'running', 'a clean incarnation', 30_000, 200);
    const OPEN = ['intent', 'submitted', 'reconciling', 'hedging', 'partial', 'failed_leg'];
    const all = async (): Promise<TradeRecord[]> => (await e.store.listTrades({ asset: 'SOL', limit: 1_000 })).items;
    await waitFor(async () => (await all()).every((t) => !OPEN.includes(t.state)), 'no trade left open', 30_000, 250);
    const trades = await all();
    expect(trades.length).toBeGreaterThan(0);

    const sim = e.sim!;
    const orders = (['coinbase', 'gemini', 'bitstamp'] as const).flatMap((v) => sim.engine.allOrders(v));
    const byCoid = new Map<string, number>();
    for (const o of orders) byCoid.set(o.client_order_id, (byCoid.get(o.client_order_id) ?? 0) + 1);
    expect([...byCoid.values()].every((n) => n === 1)).toBe(true);

    const known = new Set(trades.map((t) => t.legs[1]?.signature).filter((s): s is string => !!s));
    const swaps = sim.solana.chain.allReceipts().filter((r) => r.payer === sim.solana.wallet.publicKey);
    expect(swaps.filter((r) => !known.has(r.signature))).toEqual([]);
    const landedBy = new Set(swaps.filter((r) => r.status === 'landed').map((r) => r.signature));
    for (const t of trades) {
      // A trade still unknown must be one whose swap provably has not landed (its blockhash has
      // not expired yet, so "not found" is not proof): it settles on a later periodic reconcile.
      if (t.state === 'unknown') expect(landedBy.has(t.legs[1]!.signature ?? '')).toBe(false);
    }
  }, 240_000);
});
