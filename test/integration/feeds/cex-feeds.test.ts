import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedState } from '../../../src/shared/messages/index.ts';
import { createLogger } from '../../../src/shared/log.ts';
import { startSim, type Sim } from '../../../src/sim/index.ts';
import { exportSimCredentials, withSimUrls } from '../../../src/supervisor/sim-wiring.ts';
import { Supervisor } from '../../../src/supervisor/supervisor.ts';
import { buildTopology } from '../../../src/supervisor/topology.ts';
import { testConfig } from '../../helpers/config.ts';
import { waitFor } from '../../helpers/wait.ts';

/**
 * The real CEX feed actors, in real worker threads, against the simulators on loopback, feeding the
 * real signal actor through the rings.
 */
describe('CEX feed actors against the simulators', () => {
  let sim: Sim;
  let sup: Supervisor;
  const stats = async (name: string) => (await sup.handle(name).api!.stats()).counters;

  beforeAll(async () => {
    sim = await startSim({ seed: 7, auto_dislocations: false });
    const base = testConfig();
    const cfg = withSimUrls(
      { ...base, venues: { ...base.venues, bitstamp: { ...base.venues.bitstamp, stale_ms: 800 }, gemini: { ...base.venues.gemini, stale_ms: 800 } } },
      sim.urls,
    );
    exportSimCredentials(cfg, sim);
    sup = new Supervisor({ config: cfg, topology: buildTopology(cfg), log: createLogger({ level: 'silent' }) });
    await sup.start();
  }, 60_000);

  afterAll(async () => {
    await sup?.stop();
    await sim?.close();
  });

  it('publishes BookTops from every venue into the asset ring', async () => {
    await waitFor(async () => {
      const s = await stats('signal:SOL');
      return s.books_coinbase! > 5 && s.books_gemini! > 5 && s.books_bitstamp! > 2;
    }, 'books from all three venues', 20_000);
    const c = await stats('feed:coinbase');
    expect(c.state_SOL).toBe(FeedState.live);
    expect(c.resyncs).toBe(0);
  });

  it('a Coinbase sequence gap causes exactly one resync and the book recovers', async () => {
    const before = (await stats('signal:SOL')).books_coinbase!;
    sim.faults.inject({ venue: 'coinbase', kind: 'gap', count: 1 });
    await waitFor(async () => (await stats('feed:coinbase')).resyncs === 1, 'one resync', 10_000);
    await waitFor(async () => (await stats('signal:SOL')).books_coinbase! > before + 5, 'books flowing again', 10_000);
    await new Promise((r) => setTimeout(r, 500));
    const c = await stats('feed:coinbase');
    expect(c.resyncs).toBe(1);
    expect(c.state_SOL).toBe(FeedState.live);
    expect(c['cambist_book_resyncs_total{venue="coinbase"}']).toBe(1);
  });

  it('a dropped Gemini socket reconnects and books flow again', async () => {
    const before = (await stats('signal:SOL')).books_gemini!;
    sim.faults.inject({ venue: 'gemini', kind: 'drop' });
    await waitFor(async () => (await stats('signal:SOL')).books_gemini! > before + 5, 'gemini books after the drop', 15_000);
    expect((await stats('feed:gemini')).state_SOL).toBe(FeedState.live);
  });

  it('a silent Bitstamp socket goes stale and comes back', async () => {
    sim.faults.inject({ venue: 'bitstamp', kind: 'stale', duration_ms: 2_500 });
    await waitFor(async () => (await stats('feed:bitstamp')).state_SOL === FeedState.stale, 'bitstamp stale', 5_000);
    await waitFor(async () => (await stats('feed:bitstamp')).state_SOL === FeedState.live, 'bitstamp live again', 10_000);
  });
});
