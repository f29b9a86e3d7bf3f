import { coinbaseMarketDataId } from '../actors/venues/coinbase/symbols.ts';
import { geminiV2Symbol } from '../actors/venues/gemini/symbols.ts';
import type { Config } from '../shared/config/index.ts';
import { CambistError } from '../shared/errors.ts';
import { Venue } from '../shared/messages/enums.ts';
import { routeName, type SignalSlice } from '../actors/signal/slice.ts';
import type { RingPolicy } from '../shared/ring/index.ts';

/**
 * The actor graph as data (pure: config in, graph out), so it can be printed, tested and diffed.
 *
 * DESIGN §2: one feed per venue (all assets on it), one signal and one executor per asset, one
 * recorder. Each directed edge is one SPSC ring with a declared policy: market data `drop-oldest`
 * (a newer book supersedes an older one; drops are counted), commands and events `reject` (an
 * ExecTry, ExecResult or window record is never dropped; a full ring is an error that escalates).
 *
 * Only kinds with an implementation registered in `ACTOR_ENTRIES` are placed in the graph, and a ring
 * is only created when both of its ends are placed: the graph grows as actor kinds land, without a
 * placeholder thread pretending to be a feed.
 */
export interface ActorSpec {
  name: string;
  kind: string;
  entry: URL;
  /** JSON-safe config slice handed to the actor at startup. */
  slice: unknown;
  /** Input mode of its ring loop. */
  mode: 'blocking' | 'async' | 'none';
  /** Start order rank: lower starts first and stops last (consumers before producers). */
  rank: number;
}

export interface RingSpec {
  name: string;
  from: string;
  to: string;
  policy: RingPolicy;
  capacityBytes: number;
}

export interface Topology {
  actors: ActorSpec[];
  rings: RingSpec[];
}

// Run from sources (tsx) the entries are .ts; from the compiled build they are .js.
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const here = (p: string) => new URL(`${p}${EXT}`, import.meta.url);

/** Implemented actor kinds → entry modules. Extend as kinds land. */
export const ACTOR_ENTRIES: Record<string, URL | undefined> = {
  recorder: here('../actors/recorder/actor'),
  signal: here('../actors/signal/actor'),
  executor: undefined,
  'feed:coinbase': here('../actors/feed/actor'),
  'feed:gemini': here('../actors/feed/actor'),
  'feed:bitstamp': here('../actors/feed/actor'),
  'feed:solana': undefined,
};

/** What a CEX feed actor is told at startup. */
export interface FeedSlice {
  venue: 'coinbase' | 'gemini' | 'bitstamp';
  ws_url: string;
  rest_url: string;
  stale_ms: number;
  reconnect_initial_ms: number;
  reconnect_max_ms: number;
  record_dir: string | null;
  seed: number;
  routes: { asset: string; asset_index: number; symbol: string; depth: number }[];
}

/** The symbol a venue's market-data socket uses for a configured route. */
function marketDataSymbol(r: Config['assets'][number]['cex_routes'][number]): string {
  switch (r.venue) {
    case 'coinbase':
      return coinbaseMarketDataId(r.product);
    case 'gemini':
      return geminiV2Symbol(r.symbol);
    case 'bitstamp':
      return r.symbol;
  }
}

export function buildTopology(cfg: Config, entries: Record<string, URL | undefined> = ACTOR_ENTRIES): Topology {
  const actors: ActorSpec[] = [];
  const rings: RingSpec[] = [];
  const placed = new Set<string>();
  const place = (spec: Omit<ActorSpec, 'entry'>, entryKey: string) => {
    const entry = entries[entryKey];
    if (!entry) return;
    actors.push({ ...spec, entry });
    placed.add(spec.name);
  };
  const ring = (from: string, to: string, policy: RingPolicy, capacityBytes: number) => {
    if (placed.has(from) && placed.has(to)) rings.push({ name: `${from}->${to}`, from, to, policy, capacityBytes });
  };

  const assets = cfg.assets.map((a, index) => ({ a, index })).filter(({ a }) => a.enabled);
  place({ name: 'recorder', kind: 'recorder', slice: { store: cfg.store, data_dir: cfg.data_dir, assets: cfg.assets.map((a) => ({ asset: a.asset, dex_routes: a.dex_route.pools.map((p, i) => routeName(p.program, i)), quote: a.quote, dex_quote: a.dex_route.quote })) }, mode: 'async', rank: 0 }, 'recorder');
  for (const { a, index } of assets) {
    place({ name: `executor:${a.asset}`, kind: 'executor', slice: { asset: a, asset_index: index, mode: cfg.mode, live: cfg.live }, mode: 'async', rank: 1 }, 'executor');
  }
  for (const { a, index } of assets) {
    const slice: SignalSlice = {
      asset: a.asset,
      asset_index: index,
      venues: a.cex_routes
        .filter((r) => cfg.venues[r.venue].enabled)
        .map((r) => ({ venue_id: Venue[r.venue], venue: r.venue, taker_fee_bps: r.taker_fee_bps, ioc_epsilon_pct: r.ioc_epsilon_pct, book_usage_cap_pct: r.book_usage_cap_pct, stale_ms: cfg.venues[r.venue].stale_ms })),
      routes: a.dex_route.pools.map((p, i) => ({ route: i, name: routeName(p.program, i), slippage_bps_cap: p.slippage_bps_cap, stale_ms: cfg.venues.solana.stale_ms })),
      signal: a.signal,
      sizing: a.sizing,
      max_trades_per_window: a.risk.max_trades_per_window,
      store: { kind: cfg.store.kind, data_dir: cfg.data_dir, mongodb_url_env: cfg.store.mongodb_url_env },
    };
    place({ name: `signal:${a.asset}`, kind: 'signal', slice, mode: 'blocking', rank: 2 }, 'signal');
  }
  const cexVenues = (['coinbase', 'gemini', 'bitstamp'] as const).filter(
    (v) => cfg.venues[v].enabled && assets.some(({ a }) => a.cex_routes.some((r) => r.venue === v)),
  );
  for (const v of cexVenues) {
    const vc = cfg.venues[v];
    const urls = vc.urls[cfg.mode];
    if (!urls) throw new CambistError('CONFIG_NO_URL', `venues.${v}.urls.${cfg.mode} is not set: ${v} has no URL for ${cfg.mode} mode`);
    const routes = assets.flatMap(({ a, index }) =>
      a.cex_routes.filter((r) => r.venue === v).map((r) => ({ asset: a.asset, asset_index: index, symbol: marketDataSymbol(r), depth: r.book_depth_levels })),
    );
    const slice: FeedSlice = {
      venue: v,
      ws_url: urls.ws,
      rest_url: urls.rest,
      stale_ms: vc.stale_ms,
      reconnect_initial_ms: vc.reconnect_initial_ms,
      reconnect_max_ms: vc.reconnect_max_ms,
      record_dir: vc.record ? `${cfg.data_dir}/recordings` : null,
      seed: cfg.sim.seed,
      routes,
    };
    place({ name: `feed:${v}`, kind: `feed:${v}`, slice, mode: 'none', rank: 3 }, `feed:${v}`);
  }
  if (cfg.venues.solana.enabled && assets.length > 0) {
    const pools = assets.map(({ a, index }) => ({ asset: a.asset, asset_index: index, dex_route: a.dex_route, sizing: a.sizing }));
    place({ name: 'feed:solana', kind: 'feed:solana', slice: { mode: cfg.mode, venue_config: cfg.venues.solana, jupiter: cfg.venues.jupiter, pools }, mode: 'none', rank: 3 }, 'feed:solana');
  }

  const r = cfg.rings;
  for (const { a } of assets) {
    for (const v of cexVenues) if (a.cex_routes.some((c) => c.venue === v)) ring(`feed:${v}`, `signal:${a.asset}`, 'drop-oldest', r.market_data_bytes);
    ring('feed:solana', `signal:${a.asset}`, 'drop-oldest', r.market_data_bytes);
    ring(`signal:${a.asset}`, `executor:${a.asset}`, 'reject', r.command_bytes);
    ring(`executor:${a.asset}`, `signal:${a.asset}`, 'reject', r.command_bytes);
    ring(`signal:${a.asset}`, 'recorder', 'reject', r.event_bytes);
    ring(`executor:${a.asset}`, 'recorder', 'reject', r.event_bytes);
  }
  for (const v of [...cexVenues, 'solana']) ring(`feed:${v}`, 'recorder', 'reject', r.event_bytes);
  actors.sort((x, y) => x.rank - y.rank);
  return { actors, rings };
}
