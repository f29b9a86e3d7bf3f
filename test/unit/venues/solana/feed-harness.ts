// In-process harness for the Solana feed: the real SolanaFeed, a real drop-oldest ring per asset, and a
// drain that decodes every PoolQuote/FeedHealth the feed wrote, against the loopback fixture.
import { Output } from '../../../../src/actors/runtime/actor.ts';
import { SolanaFeed } from '../../../../src/actors/venues/solana/feed.ts';
import { JupiterClient } from '../../../../src/actors/venues/solana/jupiter/client.ts';
import { SolanaHttpRpc } from '../../../../src/actors/venues/solana/rpc.ts';
import { seededRandom, systemClock } from '../../../../src/shared/clock.ts';
import { createLogger } from '../../../../src/shared/log.ts';
import { FeedHealth, Kind, PoolQuote, kindAt } from '../../../../src/shared/messages/index.ts';
import { RingConsumer, createDoorbell, createRing } from '../../../../src/shared/ring/index.ts';
import type { SolanaFeedSlice, SolanaPoolSlice } from '../../../../src/supervisor/topology.ts';
import { AMM, WHIRLPOOL, type LoopbackSolana } from './feed-fixture.ts';

export interface Quote {
  route: number;
  source: number;
  flags: number;
  slot: number;
  mid: number;
  fee: number;
  fixed: number;
  recvUs: number;
  points: number;
  sell: number[];
  buy: number[];
}

export function poolSlice(route: number, over: Partial<SolanaPoolSlice> = {}): SolanaPoolSlice {
  return {
    asset: 'SOL', asset_index: 0, route, program: route === 0 ? 'whirlpool' : 'raydium_amm', pool_address: route === 0 ? WHIRLPOOL : AMM,
    swap_fee_bps: route === 0 ? 4 : 25, slippage_bps_cap: 75, base_mint: null, quote: 'USDC', ladder_sizes_quote: null, max_notional_quote: 500,
    fallback: { enabled: true, stale_threshold_ms: 400 }, ...over,
  };
}

export function feedSlice(srv: LoopbackSolana, over: Partial<SolanaFeedSlice> = {}): SolanaFeedSlice {
  return {
    http_url: srv.httpUrl, ws_url: srv.wsUrl, helius_api_key_env: 'CAMBIST_TEST_NO_SUCH_KEY', jupiter_url: srv.jupiterUrl, jupiter_api_key_env: 'CAMBIST_TEST_NO_SUCH_KEY',
    stale_ms: 300, reconnect_initial_ms: 20, reconnect_max_ms: 100, priority_fee_refresh_ms: 60_000, jupiter_refresh_ms: 100, divergence_sample_ms: 60_000,
    record_dir: null, seed: 1, pools: [poolSlice(0), poolSlice(1)], ...over,
  };
}

export function harness(srv: LoopbackSolana, slice: SolanaFeedSlice) {
  const ring = createRing({ name: 'feed:solana->signal:SOL', capacityBytes: 1 << 20, policy: 'drop-oldest' });
  const out = new Output(ring, createDoorbell());
  const consumer = new RingConsumer(ring);
  const rpc = new SolanaHttpRpc(slice.http_url);
  const jupiter = slice.jupiter_url ? new JupiterClient({ baseUrl: slice.jupiter_url, clock: systemClock, random: seededRandom(2) }) : null;
  const feed = new SolanaFeed({ slice, rpc, wsUrl: slice.ws_url, jupiter, assetOutputs: new Map([[0, [out]]]), healthOutputs: [], clock: systemClock, random: seededRandom(1), log: createLogger({ level: 'silent' }) });
  const quotes: Quote[] = [];
  const health: number[] = [];
  const pq = new PoolQuote();
  const fh = new FeedHealth();
  const drain = (): Quote[] => {
    consumer.drain((mem, off, len) => {
      const k = kindAt(mem, off);
      if (k === Kind.FeedHealth) {
        health.push(fh.read(mem, off, len).state);
        return;
      }
      const v = pq.read(mem, off, len);
      const t = v.tailIndex;
      const n = v.points;
      quotes.push({
        route: v.route, source: v.source, flags: v.flags, slot: v.slot, mid: v.midPrice, fee: v.feeBps, fixed: v.fixedCostQuote, recvUs: v.recvUs, points: n,
        sell: Array.from(mem.f64.subarray(t, t + 2 * n)), buy: Array.from(mem.f64.subarray(t + 2 * n, t + 4 * n)),
      });
    }, 100_000);
    return quotes;
  };
  const close = async () => {
    await feed.stop();
    await rpc.close();
    await jupiter?.close();
  };
  return { feed, drain, quotes, health, close };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(fn: () => T | undefined | false, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
