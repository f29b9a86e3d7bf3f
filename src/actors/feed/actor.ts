import { seededRandom } from '../../shared/clock.ts';
import { CambistError } from '../../shared/errors.ts';
import type { FeedSlice } from '../../supervisor/topology.ts';
import { runActor, type Output } from '../runtime/actor.ts';
import { BitstampFeedAdapter } from '../venues/bitstamp/feed.ts';
import { CoinbaseFeedAdapter } from '../venues/coinbase/feed.ts';
import { BookFeed, type FeedAdapter } from '../venues/common/book-feed.ts';
import { GeminiFeedAdapter } from '../venues/gemini/feed.ts';

/**
 * feed:<venue> for the centralized exchanges: one worker per venue, every asset on it. The venue
 * adapter speaks the wire; `BookFeed` keeps the books and writes BookTop records into each asset's
 * ring after every applied update. It does I/O, so it never blocks its thread.
 */
const ADAPTERS: Record<FeedSlice['venue'], () => FeedAdapter> = {
  coinbase: () => new CoinbaseFeedAdapter(),
  gemini: () => new GeminiFeedAdapter(),
  bitstamp: () => new BitstampFeedAdapter(),
};

runActor<FeedSlice>((ctx) => {
  const s = ctx.slice;
  const make = ADAPTERS[s.venue];
  if (!make) throw new CambistError('FEED_UNKNOWN_VENUE', `no CEX feed for venue "${s.venue}"`);
  const assetOutputs = new Map<number, Output[]>();
  const healthOutputs: Output[] = [];
  for (const [name, out] of ctx.outputs) {
    const to = name.split('->')[1] ?? '';
    if (to === 'recorder') healthOutputs.push(out);
    for (const r of s.routes) {
      if ((r.to ?? [r.asset]).some((a) => to === `signal:${a}`)) assetOutputs.set(r.asset_index, [...(assetOutputs.get(r.asset_index) ?? []), out]);
    }
  }
  // Reconnect jitter is the only randomness here; seed it per venue so runs replay.
  let h = s.seed;
  for (const c of s.venue) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  const feed = new BookFeed({
    adapter: make(),
    wsUrl: s.ws_url,
    routes: s.routes,
    assetOutputs,
    healthOutputs,
    clock: ctx.clock,
    random: seededRandom(h),
    log: ctx.log,
    staleMs: s.stale_ms,
    reconnectInitialMs: s.reconnect_initial_ms,
    reconnectMaxMs: s.reconnect_max_ms,
    ...(s.record_dir ? { recordDir: s.record_dir } : {}),
  });
  const assets = [...new Map(s.routes.map((r) => [r.asset_index, r.asset])).entries()];
  return {
    start: () => feed.start(),
    stop: () => feed.stop(),
    stats: () => {
      const c: Record<string, number> = {
        messages: feed.messages,
        book_updates: feed.bookUpdates,
        resyncs: feed.resyncs,
        [`cambist_feed_messages_total{venue="${s.venue}"}`]: feed.messages,
        [`cambist_book_resyncs_total{venue="${s.venue}"}`]: feed.resyncs,
      };
      for (const [index, asset] of assets) {
        const st = feed.stalenessSec(index);
        c[`cambist_feed_staleness_seconds{venue="${s.venue}",asset="${asset}"}`] = Number.isFinite(st) ? st : -1;
        c[`state_${asset}`] = feed.assetState(index);
      }
      return c;
    },
  };
});
