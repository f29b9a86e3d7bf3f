import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/shared/log.ts';
import { startEngine, type Engine } from '../../../src/supervisor/engine.ts';
import { testConfig } from '../../helpers/config.ts';
import { type StatusBody, statusReader } from '../../helpers/status.ts';
import { waitFor } from '../../helpers/wait.ts';

/**
 * The USD vs USDC depeg gate on the real engine (workers, rings, the simulators): the Bitstamp feed
 * carries the simulator's usdcusd book to the signal as the basis; a depeg beyond
 * `signal.max_basis_bps` pauses SOL with reason `basis` and an incident naming the basis and the
 * limit, nothing is sent while it lasts (even across a tradeable dislocation), and SOL resumes
 * by itself once the basis is back.
 */
describe('USD vs USDC depeg gate on the simulators', () => {
  let engine: Engine;
  let status: () => Promise<StatusBody>;
  const simPost = async (path: string, body: unknown) => {
    const r = await fetch(`${(await status()).sim!.control_url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    expect(r.status).toBe(200);
  };
  const orders = async (): Promise<number> => {
    const r = await fetch(`${(await status()).sim!.control_url}/sim/orders`);
    return ((await r.json()) as { orders: unknown[] }).orders.length;
  };
  const signal = async () => (await engine.supervisor.handle('signal:SOL').api!.stats()).counters;

  beforeAll(async () => {
    const base = testConfig({ data_dir: mkdtempSync(join(tmpdir(), 'cambist-basis-')) });
    engine = await startEngine({
      config: { ...base, edge: { ...base.edge, port: 0 } },
      log: createLogger({ level: 'silent' }),
      sim: { auto_dislocations: false },
    });
    status = await statusReader(engine);
  }, 90_000);

  afterAll(async () => engine?.stop());

  it('observes the basis near par over the Bitstamp feed, then a −120 bps depeg pauses SOL (reason basis), sends nothing, and resumes after; the same dislocation at par trades', async () => {
    // The basis book is live on the Bitstamp socket and reaches the signal.
    await waitFor(async () => (await status()).feeds.some((f) => f.venue === 'bitstamp' && f.asset === 'USDC' && f.state === 'live'), 'bitstamp usdcusd live', 30_000);
    const before = await waitFor(async () => {
      const c = await signal();
      return c.basis_updates! > 2 ? c : undefined;
    }, 'basis at the signal', 15_000);
    expect(Math.abs(before['cambist_basis_bps{asset="SOL"}']!)).toBeLessThan(5);
    expect((await status()).control.assets.SOL!.paused).toBe(false);

    await simPost('/sim/faults', { venue: 'bitstamp', kind: 'depeg', bps: -120, duration_ms: 6_000 });
    const paused = await waitFor(async () => {
      const s = await status();
      return s.control.assets.SOL!.paused ? s : undefined;
    }, 'SOL paused', 5_000);
    expect(paused.control.assets.SOL!.reason).toBe('basis');
    const inc = paused.incidents.find((i) => i.reason.startsWith('basis → pause (SOL)'));
    expect(inc?.reason).toMatch(/USD vs USDC basis -1[12]\d\.\d bps \(1 USDC = 0\.98\d+ USD, bitstamp:usdcusd\) is beyond the ±50 bps limit/);
    const during = await signal();
    expect(during['cambist_basis_bps{asset="SOL"}']).toBeLessThan(-100);

    // A dislocation that would trade (Gemini 500 bps away from the pools) while the depeg lasts:
    // the signal sees it, nothing reaches the executor or a venue.
    const ordersBefore = await orders();
    await simPost('/sim/dislocations', { asset: 'SOL', venue: 'gemini', bps: 500, duration_ms: 3_000 });
    await waitFor(async () => ((await signal()).opportunities! > during.opportunities! ? true : undefined), 'the dislocation seen', 5_000);
    await new Promise((r) => setTimeout(r, 3_000));
    const after = await signal();
    expect(after.exec_tries).toBe(during.exec_tries);
    expect(await orders()).toBe(ordersBefore);

    // The depeg ends: back inside the limit → SOL resumes by itself, the incident is resolved.
    const resumed = await waitFor(async () => {
      const s = await status();
      return s.control.assets.SOL!.paused ? undefined : s;
    }, 'SOL resumed', 15_000);
    const done = resumed.incidents.find((i) => i.reason.startsWith('basis → pause (SOL)'))!;
    expect(done.resolved_ts_ms).not.toBeNull();
    expect(done.timeline.map((t) => t.event)).toEqual([
      expect.stringMatching(/resumes: automatically when the USD vs USDC basis is back inside its limit/),
      expect.stringMatching(/^resumed automatically: USD vs USDC basis back inside ±50 bps/),
    ]);
    expect(Math.abs((await signal())['cambist_basis_bps{asset="SOL"}']!)).toBeLessThan(5);
    // The same dislocation at par trades: what the gate held back above was a real opportunity.
    await simPost('/sim/dislocations', { asset: 'SOL', venue: 'gemini', bps: 500, duration_ms: 3_000 });
    await waitFor(async () => ((await signal()).exec_tries! > after.exec_tries! ? true : undefined), 'a trade at par', 10_000);
    const audit = await engine.store.listAudit({ limit: 20 });
    expect(audit.items.filter((a) => a.target === 'SOL').map((a) => a.action)).toEqual(expect.arrayContaining(['auto_pause', 'auto_resume']));
  }, 90_000);
});
