import { seededRandom } from '../../shared/clock.ts';
import { FeedState } from '../../shared/messages/index.ts';
import type { SolanaFeedSlice } from '../../supervisor/topology.ts';
import { runActor, type Output } from '../runtime/actor.ts';
import { redactUrl, withApiKey } from '../venues/solana/config.ts';
import { SolanaFeed } from '../venues/solana/feed.ts';
import { JupiterClient } from '../venues/solana/jupiter/client.ts';
import { SolanaHttpRpc } from '../venues/solana/rpc.ts';

/**
 * feed:solana: one worker for every DEX route of every asset. HTTP bootstrap validates each pool
 * before Ready (a wrong address, program, layout or mint fails the start, naming the account);
 * afterwards PubSub keeps the states current and PoolQuotes go into each asset's ring. It does I/O, so
 * it never blocks its thread. The Helius key (if its env var is set) goes into the URLs here and only
 * here; the slice and the logs never hold it.
 */
runActor<SolanaFeedSlice>((ctx) => {
  const s = ctx.slice;
  const assetOutputs = new Map<number, Output[]>();
  const healthOutputs: Output[] = [];
  const assets = [...new Map(s.pools.map((p) => [p.asset_index, p.asset])).entries()];
  for (const [name, out] of ctx.outputs) {
    const to = name.split('->')[1] ?? '';
    if (to === 'recorder') healthOutputs.push(out);
    for (const [index, asset] of assets) if (to === `signal:${asset}`) assetOutputs.set(index, [...(assetOutputs.get(index) ?? []), out]);
  }
  const httpUrl = withApiKey(s.http_url, process.env, s.helius_api_key_env);
  const wsUrl = withApiKey(s.ws_url, process.env, s.helius_api_key_env);
  const rpc = new SolanaHttpRpc(httpUrl);
  // Reconnect and backoff jitter are the only randomness: seed them so runs replay.
  const random = seededRandom((s.seed * 31 + 4) | 0);
  const jupKey = process.env[s.jupiter_api_key_env];
  const jupiter = s.jupiter_url
    ? new JupiterClient({ baseUrl: s.jupiter_url, ...(jupKey ? { apiKey: jupKey } : {}), clock: ctx.clock, random })
    : null;
  ctx.log.info({ http: redactUrl(s.http_url), ws: redactUrl(s.ws_url), jupiter: s.jupiter_url ? redactUrl(s.jupiter_url) : null, pools: s.pools.length }, 'solana feed configured');
  const feed = new SolanaFeed({ slice: s, rpc, wsUrl, jupiter, assetOutputs, healthOutputs, clock: ctx.clock, random, log: ctx.log });
  return {
    start: () => feed.start(),
    stop: async () => {
      await feed.stop();
      await rpc.close();
      await jupiter?.close();
    },
    stats: () => {
      const c: Record<string, number> = {
        messages: feed.messages,
        resnapshots: feed.resnapshots,
        tick_array_moves: feed.tickArrayMoves,
        reconnects: Math.max(0, feed.pubsub.connects - 1),
        subscriptions: feed.pubsub.subscribedCount(),
        rpc_errors: feed.rpcErrors,
        jupiter_errors: feed.jupiterErrors,
        jupiter_rate_limited: jupiter?.rateLimited ?? 0,
        jupiter_not_pinned: feed.notPinned,
        fixed_cost_unknown: feed.fixedCostUnknown,
        notify_to_quote_p50_us: feed.notifyToQuote.quantileUs(0.5),
        notify_to_quote_p99_us: feed.notifyToQuote.quantileUs(0.99),
        'cambist_feed_messages_total{venue="solana"}': feed.messages,
        ...feed.quoteSeconds.direct.series('cambist_dex_quote_seconds', 'source="direct"'),
        ...feed.quoteSeconds.jupiter.series('cambist_dex_quote_seconds', 'source="jupiter"'),
      };
      let quotes = 0;
      for (const r of feed.routes) {
        const id = `${r.t.p.asset}_${r.t.p.route}`;
        const labels = `asset="${r.t.p.asset}",route="${r.t.p.route}"`;
        quotes += r.quotes;
        c[`pool_quotes_${id}`] = r.quotes;
        c[`fallback_quotes_${id}`] = r.fallbackQuotes;
        c[`source_${id}`] = r.source;
        c[`to_fallback_${id}`] = r.toFallback;
        c[`to_direct_${id}`] = r.toDirect;
        c[`unfilled_points_${id}`] = r.unfilled;
        c[`slot_${id}`] = r.slot;
        c[`mid_${id}`] = r.mid;
        if (r.divergenceSamples > 0) c[`cambist_dex_quote_divergence_bps{${labels}}`] = r.divergenceBps;
        c[`cambist_dex_quote_divergence_samples_total{${labels}}`] = r.divergenceSamples;
      }
      c.pool_quotes = quotes;
      for (const [index, asset] of assets) {
        const st = feed.stalenessSec(index);
        c[`cambist_feed_staleness_seconds{venue="solana",asset="${asset}"}`] = Number.isFinite(st) ? st : -1;
        c[`state_${asset}`] = feed.stateOf(index) ?? FeedState.connecting;
      }
      return c;
    },
  };
});
