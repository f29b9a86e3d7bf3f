import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/shared/log.ts';
import { startEngine, type Engine } from '../../../src/supervisor/engine.ts';
import { testConfig } from '../../helpers/config.ts';
import { type StatusBody, statusReader } from '../../helpers/status.ts';
import { waitFor } from '../../helpers/wait.ts';

/** Risk gates on the real engine: each one pauses, says why in /v1/status, and is audited. */
describe('risk gates on the simulators', () => {
  let engine: Engine;
  let status: () => Promise<StatusBody>;

  beforeAll(async () => {
    const base = testConfig({ data_dir: mkdtempSync(join(tmpdir(), 'cambist-gates-')) });
    const sol = base.assets[0]!;
    engine = await startEngine({
      config: {
        ...base,
        edge: { ...base.edge, port: 0 },
        venues: { ...base.venues, coinbase: { ...base.venues.coinbase, stale_ms: 800 } },
        assets: [{ ...sol, risk: { ...sol.risk, stale_pause_ms: 1_500 } }, ...base.assets.slice(1)],
      },
      log: createLogger({ level: 'silent' }),
      sim: { auto_dislocations: false },
    });
    status = await statusReader(engine);
  }, 90_000);

  afterAll(async () => engine?.stop());

  it('a stale feed pauses the asset with reason staleFeed, shows the feed stale, and resumes when fresh', async () => {
    await waitFor(async () => (await status()).feeds.some((f) => f.venue === 'coinbase' && f.state === 'live'), 'coinbase live', 30_000);
    engine.sim!.faults.inject({ venue: 'coinbase', kind: 'stale', duration_ms: 4_000 });
    const paused = await waitFor(async () => {
      const s = await status();
      return s.control.assets.SOL!.paused ? s : undefined;
    }, 'SOL paused', 10_000);
    expect(paused.control.assets.SOL!.reason).toBe('staleFeed');
    expect(paused.feeds.find((f) => f.venue === 'coinbase')!.state).toBe('stale');
    await waitFor(async () => !(await status()).control.assets.SOL!.paused, 'SOL resumed', 20_000);
    const inc = engine.supervisor.incidents.find((i) => i.reason.startsWith('staleFeed → pause (SOL)'));
    expect(inc).toBeDefined();
    expect(inc!.resolved_ts_ms).not.toBeNull();
    expect(inc!.timeline.map((t) => t.event)).toEqual([expect.stringMatching(/resumes: automatically when every feed is fresh/), expect.stringMatching(/^resumed automatically/)]);
    const audit = await engine.store.listAudit({ limit: 20 });
    expect(audit.items.map((a) => a.action)).toEqual(expect.arrayContaining(['auto_pause', 'auto_resume']));
  }, 60_000);

  it('an operator pause is never lifted by an automatic resume', async () => {
    engine.supervisor.applyControl({ action: 'pause', scope: { asset: 'SOL' } });
    engine.sim!.faults.inject({ venue: 'coinbase', kind: 'stale', duration_ms: 2_500 });
    await new Promise((r) => setTimeout(r, 6_000));
    const s = await status();
    expect(s.control.assets.SOL).toMatchObject({ paused: true, reason: 'operator' });
  }, 30_000);
});
