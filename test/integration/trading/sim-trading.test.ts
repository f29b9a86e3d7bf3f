import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/shared/log.ts';
import type { TradeRecord } from '../../../src/shared/store/index.ts';
import { startEngine, type Engine } from '../../../src/supervisor/engine.ts';
import { testConfig } from '../../helpers/config.ts';
import { waitFor } from '../../helpers/wait.ts';

/**
 * The whole engine on the simulators: feeds → signal → executor → both venues, real workers.
 * A +300 bps dislocation of the SOL pool against the CEX books is injected; thresholds are set low
 * enough that it is worth trading after fees and the haircut.
 */
function tradingConfig() {
  const base = testConfig({ data_dir: mkdtempSync(join(tmpdir(), 'cambist-trading-')) });
  const sol = base.assets[0]!;
  return {
    ...base,
    edge: { ...base.edge, port: 0 },
    assets: [
      { ...sol, signal: { ...sol.signal, profit_threshold_pct_hot: 0.3, profit_threshold_pct_cold: 0.3, slip_haircut_pct: 0.1 } },
      ...base.assets.slice(1),
    ],
  };
}

const TERMINAL = ['verified', 'filled', 'hedged', 'unhedged', 'rejected', 'observe_only'];
let engine: Engine | undefined;
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

async function run(observeOnly: boolean): Promise<{ engine: Engine; trades: TradeRecord[] }> {
  engine = await startEngine({
    config: tradingConfig(),
    log: createLogger({ level: 'silent' }),
    sim: { auto_dislocations: false, dislocations: [{ asset: 'SOL', venue: 'dex', bps: 300, duration_ms: 8_000, delay_ms: 4_000 }] },
  });
  if (observeOnly) engine.supervisor.applyControl({ action: 'observe_only_on' });
  const e = engine;
  const trades = await waitFor(async () => {
    const page = await e.store.listTrades({ asset: 'SOL', limit: 100 });
    const done = page.items.filter((t) => TERMINAL.includes(t.state));
    return done.length > 0 ? done : undefined;
  }, 'a finished trade', 60_000, 250);
  return { engine: e, trades };
}

describe('trading on the simulators', () => {
  it('captures an injected dislocation: both legs fill and are verified, one order and one swap per trade', async () => {
    const { engine: e, trades } = await run(false);
    const verified = trades.filter((t) => t.state === 'verified');
    expect(verified.length).toBeGreaterThan(0);
    const t = verified[0]!;
    expect(t.direction).toBe('buy_cex_sell_dex');
    expect(t.realised_pnl_quote).not.toBeNull();
    expect(t.legs[0]!.status).toBe('filled');
    expect(t.legs[1]!.signature).toMatch(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
    const sim = e.sim!;
    const orders = (['coinbase', 'gemini', 'bitstamp'] as const).flatMap((v) => sim.engine.allOrders(v));
    for (const tr of trades) {
      const coid = tr.legs[0]!.client_order_id;
      expect(orders.filter((o) => o.client_order_id === coid)).toHaveLength(tr.state === 'rejected' ? 0 : 1);
      if (tr.legs[1]!.signature && tr.state === 'verified') expect(sim.solana.chain.status(tr.legs[1]!.signature)).toMatchObject({ err: null });
    }
  }, 120_000);

  it('observe-only records every ExecTry and sends no order and no transaction', async () => {
    const { engine: e, trades } = await run(true);
    expect(trades.every((t) => t.state === 'observe_only')).toBe(true);
    const sim = e.sim!;
    expect((['coinbase', 'gemini', 'bitstamp'] as const).flatMap((v) => sim.engine.allOrders(v))).toHaveLength(0);
    expect(trades.every((t) => t.legs.every((l) => l.signature === null && l.order_id === null))).toBe(true);
  }, 120_000);
});
