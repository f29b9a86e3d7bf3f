import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/shared/log.ts';
import { startEngine, type Engine } from '../../../src/supervisor/engine.ts';
import { eagerSolConfig, testConfig } from '../../helpers/config.ts';
import { waitFor } from '../../helpers/wait.ts';

/**
 * The daily caps on the real engine: reaching one pauses the asset (reason `riskCap`, an incident
 * that says what resumes it) instead of refusing attempt after attempt, and a restarted executor
 * restores the day's count from the store, so neither an operator resume nor a crash buys a trade
 * past the cap.
 */
describe('daily risk caps on the simulators', () => {
  let engine: Engine | undefined;
  afterAll(async () => engine?.stop());

  it('pauses at the daily trade cap, says why in /v1/status, and a restart does not reset the count', async () => {
    const base = testConfig({ data_dir: mkdtempSync(join(tmpdir(), 'cambist-cap-')) });
    engine = await startEngine({
      config: eagerSolConfig(base, { max_daily_trades: 2, max_trades_per_window: 100 }),
      log: createLogger({ level: 'silent' }),
      sim: { auto_dislocations: false, dislocations: [{ asset: 'SOL', venue: 'gemini', bps: 400, duration_ms: 120_000, delay_ms: 1_500 }] },
    });
    const e = engine;
    const { mintToken, loadJwtSecret } = await import('../../../src/actors/edge/auth.ts');
    const token = await mintToken(loadJwtSecret(e.config.data_dir), { scope: 'read', ttlSec: 300 });
    const status = async () =>
      (await (await fetch(`${e.url}/v1/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as { control: { assets: Record<string, { paused: boolean; reason: string }> } };
    const sent = () => e.sim!.engine.allOrders('gemini').length;

    await waitFor(async () => (await status()).control.assets.SOL?.paused === true, 'SOL paused by the cap', 60_000, 200);
    expect((await status()).control.assets.SOL!.reason).toBe('riskCap');
    const incident = e.supervisor.incidents.find((i) => i.reason.startsWith('riskCap'));
    expect(incident?.reason).toMatch(/daily trade count 2 reached the cap 2/);
    expect(incident?.timeline.map((t) => t.event).join('\n')).toMatch(/resumes: automatically at 00:00 UTC/);
    expect(sent()).toBe(2);

    // An operator resumes and the executor restarts: the day's two trades are restored from the
    // store, the next attempt is refused again and the asset pauses again. Still two orders.
    const h = e.supervisor.handle('executor:SOL');
    const restarts = h.restarts;
    await h.kill();
    await waitFor(() => h.restarts > restarts && h.state === 'running', 'executor restarted', 30_000, 100);
    e.supervisor.applyControl({ action: 'resume', scope: { asset: 'SOL' } });
    expect((await status()).control.assets.SOL!.paused).toBe(false);
    await waitFor(async () => (await status()).control.assets.SOL?.paused === true, 'paused again', 30_000, 200);
    expect(sent()).toBe(2);
  }, 150_000);
});
