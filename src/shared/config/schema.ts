import { z } from 'zod';

/**
 * The one schema for cambist's config file. Every default lives here (nowhere else), unknown keys
 * are errors (strict objects everywhere), and units are in the names: `_ms`, `_sec`, `_bps`,
 * `_pct`, `_bytes`, `_quote` (amount in the asset's quote currency), `_abs`.
 *
 * `_pct` always means percent (1.0 = 1 %). The product plan's example wrote `book_usage_cap_pct:
 * 0.30` for "30 %", a fraction under a percent name; we keep the name and make the unit honest, so
 * that default is 30 here.
 *
 * Credentials never appear in the file: a credential field names the environment variable that
 * holds it (`*_env`), and only that name is validated and logged.
 */
const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name like COINBASE_API_KEY');
const url = z.string().regex(/^(https?|wss?):\/\/\S+$/, 'an http(s):// or ws(s):// URL');
const pct = z.number().min(0).max(100);
const bps = z.number().min(0).max(10_000);
const positive = z.number().positive();

export const MODES = ['sim', 'paper', 'live'] as const;
export type Mode = (typeof MODES)[number];

/**
 * URLs of one venue per mode. Sim URLs are optional: the simulator's own ports fill them in.
 * `private_ws`: the venue's private order stream (Coinbase `user` endpoint, Gemini order events),
 * which the executor watches to settle orders whose REST answer was lost; absent = REST only.
 */
const wsRest = z.strictObject({ ws: url, rest: url, private_ws: url.optional() });
const venueUrls = z.strictObject({ sim: wsRest.optional(), paper: wsRest.optional(), live: wsRest.optional() });
const rpcUrls = z.strictObject({ http: url, ws: url });

const cexVenue = (defaults: { paper: { ws: string; rest: string; private_ws?: string }; keyEnvs: Record<string, string> }) =>
  z.strictObject({
    enabled: z.boolean().default(true),
    urls: venueUrls.prefault({ paper: defaults.paper, live: defaults.paper }),
    credentials: z.strictObject(Object.fromEntries(Object.entries(defaults.keyEnvs).map(([k, v]) => [k, envName.default(v)]))).prefault({}),
    stale_ms: positive.default(5_000),
    reconnect_initial_ms: positive.default(250),
    reconnect_max_ms: positive.default(15_000),
    rest_timeout_ms: positive.default(2_500),
    record: z.boolean().default(false),
  });

export const venuesSchema = z.strictObject({
  coinbase: cexVenue({
    paper: { ws: 'wss://advanced-trade-ws.coinbase.com', rest: 'https://api.coinbase.com', private_ws: 'wss://advanced-trade-ws-user.coinbase.com' },
    keyEnvs: { key_name_env: 'COINBASE_API_KEY_NAME', private_key_env: 'COINBASE_API_PRIVATE_KEY' },
  }).prefault({}),
  gemini: cexVenue({
    paper: { ws: 'wss://api.gemini.com/v2/marketdata', rest: 'https://api.gemini.com', private_ws: 'wss://api.gemini.com/v1/order/events' },
    keyEnvs: { api_key_env: 'GEMINI_API_KEY', api_secret_env: 'GEMINI_API_SECRET' },
  }).prefault({}),
  bitstamp: cexVenue({
    paper: { ws: 'wss://ws.bitstamp.net', rest: 'https://www.bitstamp.net' },
    keyEnvs: { api_key_env: 'BITSTAMP_API_KEY', api_secret_env: 'BITSTAMP_API_SECRET' },
  }).prefault({}),
  solana: z
    .strictObject({
      enabled: z.boolean().default(true),
      urls: z
        .strictObject({ sim: rpcUrls.optional(), paper: rpcUrls.optional(), live: rpcUrls.optional() })
        .prefault({
          paper: { http: 'https://mainnet.helius-rpc.com', ws: 'wss://mainnet.helius-rpc.com' },
          live: { http: 'https://mainnet.helius-rpc.com', ws: 'wss://mainnet.helius-rpc.com' },
        }),
      credentials: z
        .strictObject({ helius_api_key_env: envName.default('HELIUS_API_KEY'), wallet_secret_env: envName.default('SOLANA_WALLET_SECRET') })
        .prefault({}),
      stale_ms: positive.default(2_000),
      record: z.boolean().default(false),
    })
    .prefault({}),
  jupiter: z
    .strictObject({
      urls: z.strictObject({ sim: url.optional(), paper: url.default('https://lite-api.jup.ag/swap/v1'), live: url.default('https://api.jup.ag/swap/v1') }).prefault({}),
      api_key_env: envName.default('JUPITER_API_KEY'),
    })
    .prefault({}),
});

const cexRouteCommon = {
  taker_fee_bps: bps,
  ioc_epsilon_pct: pct.default(0.1),
  book_depth_levels: z.number().int().min(1).max(50).default(10),
  book_usage_cap_pct: pct.default(30),
  /** Product increments as exact decimal strings; required in live mode (orders are rounded to them). */
  price_increment: z.string().regex(/^\d+(\.\d+)?$/, 'a decimal string like "0.01"').optional(),
  size_increment: z.string().regex(/^\d+(\.\d+)?$/, 'a decimal string like "0.00000001"').optional(),
  min_size: z.string().regex(/^\d+(\.\d+)?$/, 'a decimal string').optional(),
};
export const cexRouteSchema = z.discriminatedUnion('venue', [
  z.strictObject({ venue: z.literal('coinbase'), product: z.string().regex(/^[A-Z0-9]+-[A-Z0-9]+$/, 'a product id like SOL-USD'), ...cexRouteCommon }),
  z.strictObject({
    venue: z.literal('gemini'),
    symbol: z.string().regex(/^[a-z0-9]+$/, 'a lowercase symbol like solusd'),
    ...cexRouteCommon,
    /**
     * This asset's own Gemini key (environment variable names), instead of `venues.gemini.credentials`.
     * Gemini nonces must increase per key, and each asset's executor signs on its own thread: two
     * assets on one key would refuse each other's requests (InvalidNonce). Live mode requires one
     * key per asset trading on Gemini ("parallel workers → one key each", cex-protocols.md §2).
     */
    credentials: z.strictObject({ api_key_env: envName, api_secret_env: envName }).optional(),
  }),
  z.strictObject({ venue: z.literal('bitstamp'), symbol: z.string().regex(/^[a-z0-9]+$/, 'a lowercase pair like solusd'), ...cexRouteCommon }),
]);

export const poolSchema = z.strictObject({
  program: z.enum(['whirlpool', 'raydium_amm', 'raydium_cpmm']),
  pool_address: z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, 'a base58 Solana address'),
  swap_fee_bps: bps,
  slippage_bps_cap: bps.default(75),
});

export const assetSchema = z.strictObject({
  asset: z.string().regex(/^[A-Z0-9]{2,10}$/, 'an upper-case asset code like SOL'),
  enabled: z.boolean().default(true),
  /** CEX quote currency; the DEX side quotes in `dex_route.quote` and the basis gate compares them. */
  quote: z.string().default('USD'),
  cex_routes: z.array(cexRouteSchema).min(1),
  dex_route: z.strictObject({
    chain: z.literal('solana').default('solana'),
    quote: z.string().default('USDC'),
    base_mint: z.string().optional(),
    pools: z.array(poolSchema).min(1),
    ladder_sizes_quote: z.array(positive).min(1).max(16).optional(),
    aggregator_fallback: z
      .strictObject({ enabled: z.boolean().default(true), provider: z.literal('jupiter').default('jupiter'), stale_threshold_ms: positive.default(2_000) })
      .prefault({}),
  }),
  signal: z
    .strictObject({
      profit_threshold_pct_hot: pct.default(1.0),
      profit_threshold_pct_cold: pct.default(2.0),
      slip_haircut_pct: pct.default(0.75),
      window_grace_sec: positive.default(20),
      hot_window_utc: z.tuple([z.number().int().min(0).max(23), z.number().int().min(0).max(24)]).default([12, 13]),
      /** Largest |USD per USDC − 1| (in bps) the signal trades through; beyond it the asset pauses (reason `basis`). */
      max_basis_bps: bps.default(50),
    })
    .prefault({}),
  sizing: z
    .strictObject({
      base_notional_quote: positive.default(50),
      max_notional_quote: positive.default(500),
      pool_usage_cap_pct: pct.default(1),
    })
    .prefault({}),
  risk: z
    .strictObject({
      pnl_error_gate_pct: pct.default(0.8),
      max_daily_loss_abs: positive.default(100),
      max_daily_notional_quote: positive.default(50_000),
      max_daily_trades: z.number().int().positive().default(500),
      max_trades_per_window: z.number().int().positive().default(5),
      anomaly_sigma: positive.default(3),
      anomaly_window_sec: positive.default(60),
      /**
       * An anomaly pause lifts itself once the mid has stayed inside the limit this long (the move
       * has been absorbed and σ re-measured); 0 = only an operator resumes it. A 3 σ gate checked four
       * times a second trips on fat-tailed noise a few times a day, and each trip would otherwise
       * stop trading until someone looks.
       */
      anomaly_resume_sec: z.number().nonnegative().default(120),
      stale_pause_ms: positive.default(10_000),
      /** Unhedged exposure, quote × seconds, past which the kill switch goes on. */
      max_unhedged_quote_sec: positive.default(30_000),
      /** A hedge IOC may cross the reference price by at most this much. */
      hedge_max_loss_pct: pct.default(1),
    })
    .prefault({}),
  settlement: z
    .strictObject({
      preferred_rail: z.enum(['gemini_usdc_spl', 'coinbase_sol_jupiter']).default('gemini_usdc_spl'),
      fallback_rail: z.enum(['gemini_usdc_spl', 'coinbase_sol_jupiter']).default('coinbase_sol_jupiter'),
    })
    .prefault({}),
});

export const configSchema = z
  .strictObject({
    mode: z.enum(MODES).default('sim'),
    /** `live` mode also needs `--live` on the command line: two deliberate switches, not one. */
    live: z.boolean().default(false),
    data_dir: z.string().min(1).default('./data'),
    edge: z
      .strictObject({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(8080),
        jwt_ttl_sec: z.number().int().min(30).max(86_400).default(900),
        controls_per_min: z.number().int().positive().default(30),
      })
      .prefault({}),
    store: z
      .strictObject({ kind: z.enum(['sqlite', 'mongodb']).default('sqlite'), mongodb_url_env: envName.default('MONGODB_URL') })
      .prefault({}),
    log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).prefault({}),
    supervisor: z
      .strictObject({
        handshake_timeout_ms: positive.default(30_000),
        heartbeat_interval_ms: positive.default(100),
        unresponsive_ms: positive.default(3_000),
        restart_initial_ms: positive.default(250),
        restart_max_ms: positive.default(10_000),
        escalate_restarts: z.number().int().positive().default(5),
        escalate_window_sec: positive.default(60),
        shutdown_timeout_ms: positive.default(4_000),
        /** Keep a warm standby thread per executor (modules loaded), so a crashed executor is back in ~0.1 s, not ~1 s. */
        executor_standby: z.boolean().default(true),
      })
      .prefault({}),
    rings: z
      .strictObject({
        market_data_bytes: z.number().int().min(4096).default(1 << 18),
        command_bytes: z.number().int().min(4096).default(1 << 16),
        event_bytes: z.number().int().min(4096).default(1 << 18),
      })
      .prefault({}),
    /**
     * Sim mode: the seed and the scenario (`config/scenarios/<name>.yaml`: calm, windows, chaos, depeg).
     * `windows` by default, so a first `npm start` shows the engine finding and trading gaps.
     */
    sim: z.strictObject({ seed: z.number().int().default(1), scenario: z.string().min(1).default('windows') }).prefault({}),
    venues: venuesSchema.prefault({}),
    /**
     * The USD vs USDC basis: CEX books quote in USD, the Solana pools in USDC, and the signal converts
     * pool amounts at USD per USDC. `bitstamp:usdcusd` observes it (the mid of Bitstamp's USDC/USD
     * book, on the same feed connection; stale after `stale_ms` like any input); `fixed` takes
     * `fixed_usd_per_usdc` as given and cannot see a depeg. Each asset gates on its own
     * `signal.max_basis_bps`.
     */
    basis: z
      .strictObject({
        source: z.enum(['bitstamp:usdcusd', 'fixed']).default('bitstamp:usdcusd'),
        fixed_usd_per_usdc: z.number().min(0.5).max(1.5).default(1),
        stale_ms: positive.default(10_000),
      })
      .prefault({}),
    assets: z.array(assetSchema).min(1),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.assets.forEach((a, i) => {
      if (seen.has(a.asset)) ctx.addIssue({ code: 'custom', path: ['assets', i, 'asset'], message: `duplicate asset ${a.asset}`, input: a.asset });
      seen.add(a.asset);
      // The basis converts USDC into USD and nothing else: any other pair of different quotes would be
      // silently taken 1:1.
      if (a.quote !== a.dex_route.quote && !(a.quote === 'USD' && a.dex_route.quote === 'USDC')) {
        ctx.addIssue({ code: 'custom', path: ['assets', i, 'dex_route', 'quote'], message: `no basis between ${a.quote} (quote) and ${a.dex_route.quote}: only USD vs USDC is converted; quote both sides in one currency or in USD/USDC`, input: a.dex_route.quote });
      }
      if (a.sizing.base_notional_quote > a.sizing.max_notional_quote) {
        ctx.addIssue({ code: 'custom', path: ['assets', i, 'sizing', 'base_notional_quote'], message: `must not exceed max_notional_quote (${a.sizing.max_notional_quote})`, input: a.sizing.base_notional_quote });
      }
    });
    if (cfg.mode === 'live' && cfg.venues.gemini.enabled) {
      const keyOwner = new Map<string, string>();
      cfg.assets.forEach((a, i) => {
        if (!a.enabled) return;
        a.cex_routes.forEach((r, j) => {
          if (r.venue !== 'gemini') return;
          const key = r.credentials?.api_key_env ?? cfg.venues.gemini.credentials.api_key_env!;
          const owner = keyOwner.get(key);
          if (owner !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: ['assets', i, 'cex_routes', j, 'credentials'],
              message: `${owner} and ${a.asset} would both sign Gemini requests with the key in ${key}; Gemini nonces must increase per key and each asset's executor signs on its own, so they would refuse each other's orders (InvalidNonce). Give ${a.asset} its own key: credentials: { api_key_env: GEMINI_API_KEY_${a.asset}, api_secret_env: GEMINI_API_SECRET_${a.asset} }`,
              input: r.credentials,
            });
          } else keyOwner.set(key, a.asset);
        });
      });
    }
    if (cfg.basis.source.startsWith('bitstamp:') && !cfg.venues.bitstamp.enabled && cfg.assets.some((a) => a.enabled && a.quote !== a.dex_route.quote)) {
      ctx.addIssue({ code: 'custom', path: ['basis', 'source'], message: 'the basis is observed on Bitstamp but venues.bitstamp.enabled is false: enable it, or set basis.source: fixed', input: cfg.basis.source });
    }
    for (const ring of ['market_data_bytes', 'command_bytes', 'event_bytes'] as const) {
      const n = cfg.rings[ring];
      if ((n & (n - 1)) !== 0) ctx.addIssue({ code: 'custom', path: ['rings', ring], message: 'must be a power of two', input: n });
    }
  });

export type Config = z.infer<typeof configSchema>;
export type AssetConfig = z.infer<typeof assetSchema>;
export type CexRoute = z.infer<typeof cexRouteSchema>;
export type PoolConfig = z.infer<typeof poolSchema>;
