import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickArrayAddress } from '../../../src/actors/venues/solana/accounts.ts';
import { sqrtPriceAtTick } from '../../../src/actors/venues/solana/dex/whirlpool/tick-math.ts';
import { FeedState, QuoteSource } from '../../../src/shared/messages/index.ts';
import { createLogger } from '../../../src/shared/log.ts';
import { Supervisor } from '../../../src/supervisor/supervisor.ts';
import { ACTOR_ENTRIES, buildTopology } from '../../../src/supervisor/topology.ts';
import { testConfig } from '../../helpers/config.ts';
import { waitFor } from '../../helpers/wait.ts';
import { LoopbackSolana, WHIRLPOOL, whirlpoolAccount } from '../../unit/venues/solana/feed-fixture.ts';

/**
 * feed:solana in a real worker (with the real signal actor consuming its ring) against a loopback
 * JSON-RPC whose accounts the test moves: tick-array resubscription, a dropped socket, and the
 * Jupiter fallback with exact control over when the socket goes quiet.
 */
describe('feed:solana in a worker against a loopback RPC', () => {
  let srv: LoopbackSolana;
  let sup: Supervisor;
  const stats = async (name: string) => (await sup.handle(name).api!.stats()).counters;

  beforeAll(async () => {
    srv = new LoopbackSolana();
    await srv.start();
    const base = testConfig();
    const off = { enabled: false };
    const cfg = {
      ...base,
      venues: {
        ...base.venues,
        coinbase: { ...base.venues.coinbase, ...off },
        gemini: { ...base.venues.gemini, ...off },
        bitstamp: { ...base.venues.bitstamp, ...off },
        solana: { ...base.venues.solana, stale_ms: 600, urls: { ...base.venues.solana.urls, sim: { http: srv.httpUrl, ws: srv.wsUrl } } },
        jupiter: { ...base.venues.jupiter, urls: { ...base.venues.jupiter.urls, sim: srv.jupiterUrl } },
      },
      assets: base.assets.map((a) => ({ ...a, dex_route: { ...a.dex_route, aggregator_fallback: { ...a.dex_route.aggregator_fallback, stale_threshold_ms: 800 } } })),
    };
    // The executor is not under test here (and needs venue credentials): feed, signal, recorder only.
    const topology = buildTopology(cfg, { ...ACTOR_ENTRIES, executor: undefined });
    sup = new Supervisor({ config: cfg, topology, log: createLogger({ level: 'silent' }) });
    await sup.start();
    await waitFor(() => srv.subscribedKeys().size >= 11, 'subscriptions', 10_000);
  }, 60_000);

  afterAll(async () => {
    await sup?.stop();
    await srv?.close();
  });

  it('publishes PoolQuotes on account changes into the signal ring', async () => {
    const before = (await stats('signal:SOL')).pool_updates!;
    srv.slot = 2_000;
    srv.set([[WHIRLPOOL, whirlpoolAccount({ sqrtPrice: sqrtPriceAtTick(-18800), tick: -18800 })]]);
    await waitFor(async () => (await stats('feed:solana')).slot_SOL_0 === 2_000, 'quote at slot 2000');
    await waitFor(async () => (await stats('signal:SOL')).pool_updates! > before, 'signal saw it');
    // The asset goes live once every pool of it has quoted; on a loaded box that can trail the first quote.
    await waitFor(async () => (await stats('feed:solana')).state_SOL === FeedState.live, 'feed live', 20_000);
  });

  it('re-subscribes tick arrays when the price crosses an array boundary', async () => {
    srv.slot = 3_000;
    srv.set([[WHIRLPOOL, whirlpoolAccount({ sqrtPrice: sqrtPriceAtTick(-18600), tick: -18600 })]]);
    await waitFor(() => srv.subscribedKeys().has(tickArrayAddress(WHIRLPOOL, -17952)) && !srv.subscribedKeys().has(tickArrayAddress(WHIRLPOOL, -19712)), 'window moved up one array');
    await waitFor(async () => (await stats('feed:solana')).slot_SOL_0 === 3_000, 'quote after the move');
    const c = await stats('feed:solana');
    expect(c.tick_array_moves).toBe(1);
    expect(c.unfilled_points_SOL_0).toBe(0);
  });

  it('survives a dropped socket', async () => {
    const before = (await stats('feed:solana')).reconnects!;
    srv.dropSockets();
    await waitFor(async () => (await stats('feed:solana')).reconnects! > before && srv.subscribedKeys().size >= 11, 'reconnected and resubscribed', 10_000);
    srv.slot = 4_000;
    srv.set([[WHIRLPOOL, whirlpoolAccount({ sqrtPrice: sqrtPriceAtTick(-18610), tick: -18610 })]]);
    await waitFor(async () => (await stats('feed:solana')).slot_SOL_0 === 4_000, 'quote after the reconnect');
  });

  it('switches to Jupiter when the direct state goes stale and back when fresh', async () => {
    srv.holding = true;
    await waitFor(async () => {
      const s = await stats('feed:solana');
      return s.source_SOL_0 === QuoteSource.jupiter && s.fallback_quotes_SOL_0! > 0;
    }, 'Jupiter quotes', 5_000);
    expect((await stats('feed:solana')).state_SOL).toBe(FeedState.stale);
    srv.slot = 5_000;
    srv.release();
    srv.set([[WHIRLPOOL, whirlpoolAccount({ sqrtPrice: sqrtPriceAtTick(-18620), tick: -18620 })]]);
    await waitFor(async () => {
      const s = await stats('feed:solana');
      return s.source_SOL_0 === QuoteSource.direct && s.slot_SOL_0 === 5_000;
    }, 'direct again', 5_000);
  });
});
