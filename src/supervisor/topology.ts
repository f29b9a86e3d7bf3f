import { existsSync } from 'node:fs';
import { coinbaseMarketDataId } from '../actors/venues/coinbase/symbols.ts';
import { geminiV2Symbol } from '../actors/venues/gemini/symbols.ts';
import type { Config } from '../shared/config/index.ts';
import { CambistError } from '../shared/errors.ts';
import { BASIS_ASSET, Venue } from '../shared/messages/enums.ts';
import { routeName, type SignalSlice } from '../actors/signal/slice.ts';
import type { ExecutorActorSlice } from '../actors/executor/slice.ts';
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
  /** Keep a warm standby thread for fast restarts (executors: see ActorHandle.standby). */
  standby?: boolean;
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

// Run from sources (tsx) the entries are .ts; from the compiled build they are .js. Tests run the
// supervisor from sources but may start the workers from the fresh dist/ build their global setup
// made (CAMBIST_WORKERS_FROM_DIST=1): a worker on compiled JS boots in a fraction of the time one
// that registers a TypeScript loader does, which is what keeps a 2-core CI run within its timeouts.
const FROM_SRC = import.meta.url.endsWith('.ts');
const here = (p: string): URL => {
  if (FROM_SRC && process.env.CAMBIST_WORKERS_FROM_DIST === '1') {
    const built = new URL(`${p}.js`, import.meta.url.replace('/src/supervisor/', '/dist/supervisor/'));
    if (existsSync(built)) return built;
  }
  return new URL(`${p}${FROM_SRC ? '.ts' : '.js'}`, import.meta.url);
};

/** Implemented actor kinds → entry modules. Extend as kinds land. */
export const ACTOR_ENTRIES: Record<string, URL | undefined> = {
  recorder: here('../actors/recorder/actor'),
  signal: here('../actors/signal/actor'),
  executor: here('../actors/executor/actor'),
  'feed:coinbase': here('../actors/feed/actor'),
  'feed:gemini': here('../actors/feed/actor'),
  'feed:bitstamp': here('../actors/feed/actor'),
  'feed:solana': here('../actors/feed/solana-actor'),
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
  /**
   * `to`: the signals that receive this book, when not just `asset`'s (the basis book: asset `USDC`,
   * index `BASIS_ASSET`, goes to every asset whose CEX and DEX quotes differ).
   */
  routes: { asset: string; asset_index: number; symbol: string; depth: number; to?: string[] }[];
}

/** Where the observed basis comes from: `bitstamp:usdcusd` → venue and market-data symbol. */
const BASIS_SOURCES = { 'bitstamp:usdcusd': { venue: 'bitstamp', symbol: 'usdcusd' } } as const;

/** The asset's PnL converts DEX amounts into its CEX quote (USD per USDC). */
function needsBasis(a: Config['assets'][number]): boolean {
  return a.quote !== a.dex_route.quote;
}

/** One DEX route the Solana feed quotes: a pool of one asset's `dex_route.pools` (`route` = its index there). */
export interface SolanaPoolSlice {
  asset: string;
  asset_index: number;
  route: number;
  program: 'whirlpool' | 'raydium_amm' | 'raydium_cpmm';
  pool_address: string;
  swap_fee_bps: number;
  slippage_bps_cap: number;
  /** `dex_route.base_mint`; null = the well-known mint of `asset`. */
  base_mint: string | null;
  /** `dex_route.quote`, e.g. USDC. */
  quote: string;
  ladder_sizes_quote: number[] | null;
  max_notional_quote: number;
  fallback: { enabled: boolean; stale_threshold_ms: number };
}

/** What the Solana feed actor is told at startup. No secrets: keys are read from the env vars named here. */
export interface SolanaFeedSlice {
  http_url: string;
  ws_url: string;
  helius_api_key_env: string;
  jupiter_url: string | null;
  jupiter_api_key_env: string;
  stale_ms: number;
  reconnect_initial_ms: number;
  reconnect_max_ms: number;
  /** How often the priority-fee estimate is refreshed (getRecentPrioritizationFees). */
  priority_fee_refresh_ms: number;
  /** Fallback ladders are refreshed at most this often per pool. */
  jupiter_refresh_ms: number;
  /** One direct-vs-Jupiter divergence sample per pool at most this often while both are available. */
  divergence_sample_ms: number;
  record_dir: string | null;
  seed: number;
  pools: SolanaPoolSlice[];
}

/** Well-known Solana mints (solana-dex.md §5) for assets whose config does not name its mints. */
const KNOWN_MINTS: Record<string, { mint: string; decimals: number }> = {
  SOL: { mint: 'So11111111111111111111111111111111111111112', decimals: 9 },
  USDC: { mint: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', decimals: 6 },
  USDT: { mint: 'Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB', decimals: 6 },
};

function dexMints(a: Config['assets'][number]): { base: string; quote: string; baseDecimals: number; quoteDecimals: number } | null {
  const base = KNOWN_MINTS[a.asset];
  const quote = KNOWN_MINTS[a.dex_route.quote];
  if (!quote || (!base && !a.dex_route.base_mint)) return null;
  if (a.dex_route.base_mint && !base) return null; // a custom mint needs its decimals: not configurable yet
  return { base: base!.mint, quote: quote.mint, baseDecimals: base!.decimals, quoteDecimals: quote.decimals };
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
  const basisSource = cfg.basis.source === 'fixed' ? null : BASIS_SOURCES[cfg.basis.source];
  const basisAssets = basisSource ? assets.filter(({ a }) => needsBasis(a)).map(({ a }) => a.asset) : [];
  // A CEX venue feeds an asset's signal when the asset trades there, or when it carries the basis.
  const feedsAsset = (v: 'coinbase' | 'gemini' | 'bitstamp', a: Config['assets'][number]) =>
    a.cex_routes.some((r) => r.venue === v) || (basisSource?.venue === v && basisAssets.includes(a.asset));
  place({ name: 'recorder', kind: 'recorder', slice: { store: cfg.store, data_dir: cfg.data_dir, assets: cfg.assets.map((a) => ({ asset: a.asset, dex_routes: a.dex_route.pools.map((p, i) => routeName(p.program, i)), quote: a.quote, dex_quote: a.dex_route.quote })) }, mode: 'async', rank: 0 }, 'recorder');
  for (const { a, index } of assets) {
    const sol = cfg.venues.solana;
    const rpc = sol.urls[cfg.mode];
    const slice: ExecutorActorSlice = {
      asset: a.asset,
      asset_index: index,
      mode: cfg.mode,
      routes: a.dex_route.pools.map((p, i) => routeName(p.program, i)),
      risk: {
        max_daily_loss_abs: a.risk.max_daily_loss_abs,
        max_daily_notional_quote: a.risk.max_daily_notional_quote,
        max_daily_trades: a.risk.max_daily_trades,
        pnl_error_gate_pct: a.risk.pnl_error_gate_pct,
        max_unhedged_quote_sec: a.risk.max_unhedged_quote_sec,
      },
      hedge: { max_loss_pct: a.risk.hedge_max_loss_pct, attempts: 3 },
      reconcile: { attempts: 5, every_ms: 200 },
      inventory_every_ms: 2_000,
      store: { kind: cfg.store.kind, data_dir: cfg.data_dir, mongodb_url_env: cfg.store.mongodb_url_env },
      cex: a.cex_routes
        .filter((r) => cfg.venues[r.venue].enabled && cfg.venues[r.venue].urls[cfg.mode])
        .map((r) => {
          const vc = cfg.venues[r.venue];
          return {
            venue: r.venue,
            venue_id: Venue[r.venue],
            rest_url: vc.urls[cfg.mode]!.rest,
            private_ws_url: vc.urls[cfg.mode]!.private_ws ?? null,
            symbol: r.venue === 'coinbase' ? r.product : r.symbol,
            base: a.asset,
            quote: a.quote,
            timeout_ms: vc.rest_timeout_ms,
            increments: r.price_increment && r.size_increment ? { priceIncrement: r.price_increment, sizeIncrement: r.size_increment, ...(r.min_size ? { minSize: r.min_size } : {}) } : null,
            // A Gemini route may carry the asset's own key (one key per executor: Gemini nonces are per key).
            env: { ...vc.credentials, ...(r.venue === 'gemini' ? r.credentials : undefined) } as Record<string, string>,
          };
        }),
      dex: rpc
        ? a.dex_route.pools.map((p, i) => ({
            route: i,
            name: routeName(p.program, i),
            program: p.program,
            pool_address: p.pool_address,
            slippage_bps_cap: p.slippage_bps_cap,
            rpc_http: rpc.http,
            rpc_ws: rpc.ws,
            jupiter_url: cfg.venues.jupiter.urls[cfg.mode] ?? null,
            wallet_env: sol.credentials.wallet_secret_env,
            mints: dexMints(a),
          }))
        : [],
    };
    place({ name: `executor:${a.asset}`, kind: 'executor', slice, mode: 'async', rank: 1, standby: cfg.supervisor.executor_standby }, 'executor');
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
      gates: { stale_pause_ms: a.risk.stale_pause_ms, anomaly_sigma: a.risk.anomaly_sigma, anomaly_window_sec: a.risk.anomaly_window_sec, anomaly_resume_sec: a.risk.anomaly_resume_sec },
      // Observed with the venue disabled (a config the schema refuses) stays observed: it never
      // arrives, so the signal treats it as stale and never trades on a basis it cannot see.
      basis: needsBasis(a) ? { source: cfg.basis.source, usd_per_usdc: cfg.basis.fixed_usd_per_usdc, stale_ms: cfg.basis.stale_ms } : null,
      store: { kind: cfg.store.kind, data_dir: cfg.data_dir, mongodb_url_env: cfg.store.mongodb_url_env },
    };
    place({ name: `signal:${a.asset}`, kind: 'signal', slice, mode: 'blocking', rank: 2 }, 'signal');
  }
  const cexVenues = (['coinbase', 'gemini', 'bitstamp'] as const).filter((v) => cfg.venues[v].enabled && assets.some(({ a }) => feedsAsset(v, a)));
  for (const v of cexVenues) {
    const vc = cfg.venues[v];
    const urls = vc.urls[cfg.mode];
    if (!urls) throw new CambistError('CONFIG_NO_URL', `venues.${v}.urls.${cfg.mode} is not set: ${v} has no URL for ${cfg.mode} mode`);
    const routes = assets.flatMap(({ a, index }) =>
      a.cex_routes.filter((r) => r.venue === v).map((r) => ({ asset: a.asset, asset_index: index, symbol: marketDataSymbol(r), depth: r.book_depth_levels })),
    ) as FeedSlice['routes'];
    // The basis book rides the same socket as a pseudo asset; its top level is all the signal reads.
    if (basisSource?.venue === v && basisAssets.length > 0) routes.push({ asset: 'USDC', asset_index: BASIS_ASSET, symbol: basisSource.symbol, depth: 1, to: basisAssets });
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
  // The URL check only matters once the actor kind is implemented (as for the CEX feeds, an unset URL is a config error).
  if (cfg.venues.solana.enabled && assets.length > 0 && entries['feed:solana']) {
    const sol = cfg.venues.solana;
    const urls = sol.urls[cfg.mode];
    if (!urls) throw new CambistError('CONFIG_NO_URL', `venues.solana.urls.${cfg.mode} is not set: solana has no RPC URL for ${cfg.mode} mode`);
    const slice: SolanaFeedSlice = {
      http_url: urls.http,
      ws_url: urls.ws,
      helius_api_key_env: sol.credentials.helius_api_key_env,
      jupiter_url: cfg.venues.jupiter.urls[cfg.mode] ?? null,
      jupiter_api_key_env: cfg.venues.jupiter.api_key_env,
      stale_ms: sol.stale_ms,
      reconnect_initial_ms: 250,
      reconnect_max_ms: 15_000,
      priority_fee_refresh_ms: 10_000,
      jupiter_refresh_ms: 1_000,
      divergence_sample_ms: 30_000,
      record_dir: sol.record ? `${cfg.data_dir}/recordings` : null,
      seed: cfg.sim.seed,
      pools: assets.flatMap(({ a, index }) =>
        a.dex_route.pools.map((p, route) => ({
          asset: a.asset,
          asset_index: index,
          route,
          program: p.program,
          pool_address: p.pool_address,
          swap_fee_bps: p.swap_fee_bps,
          slippage_bps_cap: p.slippage_bps_cap,
          base_mint: a.dex_route.base_mint ?? null,
          quote: a.dex_route.quote,
          ladder_sizes_quote: a.dex_route.ladder_sizes_quote ?? null,
          max_notional_quote: a.sizing.max_notional_quote,
          fallback: { enabled: a.dex_route.aggregator_fallback.enabled, stale_threshold_ms: a.dex_route.aggregator_fallback.stale_threshold_ms },
        })),
      ),
    };
    place({ name: 'feed:solana', kind: 'feed:solana', slice, mode: 'none', rank: 3 }, 'feed:solana');
  }

  const r = cfg.rings;
  for (const { a } of assets) {
    for (const v of cexVenues) if (feedsAsset(v, a)) ring(`feed:${v}`, `signal:${a.asset}`, 'drop-oldest', r.market_data_bytes);
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
