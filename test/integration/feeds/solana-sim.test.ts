import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedState, QuoteSource } from '../../../src/shared/messages/index.ts';
import { createLogger } from '../../../src/shared/log.ts';
import { startSim, type Sim } from '../../../src/sim/index.ts';
import { withSimUrls } from '../../../src/supervisor/sim-wiring.ts';
import { Supervisor } from '../../../src/supervisor/supervisor.ts';
import { ACTOR_ENTRIES, buildTopology, type SolanaFeedSlice } from '../../../src/supervisor/topology.ts';
import { testConfig } from '../../helpers/config.ts';
import { waitFor } from '../../helpers/wait.ts';

/**
 * The real feed:solana actor, in a worker, against the simulator's Solana JSON-RPC and Jupiter,
 * feeding the real signal actor through the ring.
 */
describe('feed:solana against the simulator', () => {
  let sim: Sim;
  let sup: Supervisor;
  const stats = async (name: string) => (await sup.handle(name).api!.stats()).counters;

  beforeAll(async () => {
    sim = await startSim({ seed: 11, auto_dislocations: false });
    const base = testConfig();
    const cfg = withSimUrls(
      {
        ...base,
        venues: { ...base.venues, coinbase: { ...base.venues.coinbase, enabled: false }, gemini: { ...base.venues.gemini, enabled: false }, bitstamp: { ...base.venues.bitstamp, enabled: false } },
      },
      sim.urls,
    );
    // The executor is not under test here (and needs venue credentials): feed, signal, recorder only.
    const topology = buildTopology(cfg, { ...ACTOR_ENTRIES, executor: undefined });
    const slice = topology.actors.find((a) => a.name === 'feed:solana')!.slice as SolanaFeedSlice;
    slice.divergence_sample_ms = 500;
    sup = new Supervisor({ config: cfg, topology, log: createLogger({ level: 'silent' }) });
    await sup.start();
  }, 60_000);

  afterAll(async () => {
    await sup?.stop();
    await sim?.close();
  });

  it('publishes PoolQuotes for both routes into the signal ring', async () => {
    await waitFor(async () => (await stats('signal:SOL')).pool_updates! > 6, 'pool quotes at the signal', 15_000);
    const c = await stats('feed:solana');
    expect(c.pool_quotes_SOL_0).toBeGreaterThan(1);
    expect(c.pool_quotes_SOL_1).toBeGreaterThan(1);
    expect(c.state_SOL).toBe(FeedState.live);
    expect(c.mid_SOL_0).toBeGreaterThan(0);
    expect(Math.abs(c.mid_SOL_0! / c.mid_SOL_1! - 1)).toBeLessThan(0.02);
    expect(c['cambist_feed_messages_total{venue="solana"}']).toBeGreaterThan(0);
    expect(c['cambist_dex_quote_seconds_count{source="direct"}']).toBeGreaterThan(0);
  });

  it('samples the direct-vs-Jupiter divergence while both are available', async () => {
    const c = await waitFor(async () => {
      const s = await stats('feed:solana');
      return s['cambist_dex_quote_divergence_samples_total{asset="SOL",route="0"}']! > 0 ? s : undefined;
    }, 'a divergence sample', 10_000);
    // The sim's Jupiter quotes the same pool with the same math: any gap comes from the slot in between.
    expect(Math.abs(c['cambist_dex_quote_divergence_bps{asset="SOL",route="0"}']!)).toBeLessThan(50);
  });

  it('survives a dropped socket', async () => {
    const before = await stats('feed:solana');
    sim.faults.inject({ venue: 'solana', kind: 'drop' });
    await waitFor(async () => (await stats('feed:solana')).reconnects! > before.reconnects!, 'a reconnect', 10_000);
    await waitFor(async () => (await stats('feed:solana')).pool_quotes_SOL_0! > before.pool_quotes_SOL_0! + 3, 'quotes after the reconnect', 10_000);
    expect((await stats('feed:solana')).state_SOL).toBe(FeedState.live);
  });

  it('switches to Jupiter when the direct state goes stale, and back when it is fresh', async () => {
    sim.faults.inject({ venue: 'solana', kind: 'stale', duration_ms: 4_500 });
    await waitFor(async () => {
      const s = await stats('feed:solana');
      return s.source_SOL_0 === QuoteSource.jupiter && s.fallback_quotes_SOL_0! > 0;
    }, 'Jupiter fallback quotes', 8_000);
    expect((await stats('feed:solana')).state_SOL).toBe(FeedState.stale);
    await waitFor(async () => (await stats('feed:solana')).source_SOL_0 === QuoteSource.direct, 'direct again', 10_000);
    expect((await stats('feed:solana')).to_direct_SOL_0).toBeGreaterThanOrEqual(1);
    // Health follows on the next staleness sweep, once every route of the asset is fresh.
    await waitFor(async () => (await stats('feed:solana')).state_SOL === FeedState.live, 'asset live again', 5_000);
  });
});
