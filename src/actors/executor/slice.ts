import type { ExecutorSlice } from './engine.ts';

/** What an executor actor is told at startup (built by the topology from the config). */
export interface ExecutorActorSlice extends ExecutorSlice {
  mode: 'sim' | 'paper' | 'live';
  store: { kind: 'sqlite' | 'mongodb'; data_dir: string; mongodb_url_env: string };
  cex: {
    venue: 'coinbase' | 'gemini' | 'bitstamp';
    venue_id: number;
    rest_url: string;
    /** The venue's private order stream (Coinbase `user`, Gemini order events); null = REST only. */
    private_ws_url: string | null;
    /** REST symbol (`SOL-USD`, `solusd`). */
    symbol: string;
    base: string;
    quote: string;
    timeout_ms: number;
    /** Product increments from the config (decimal strings); absent = the client's simulator defaults. */
    increments: { priceIncrement: string; sizeIncrement: string; minSize?: string } | null;
    /** Environment variable NAMES holding the credentials (never the values). */
    env: Record<string, string>;
  }[];
  dex: {
    route: number;
    name: string;
    program: 'whirlpool' | 'raydium_amm' | 'raydium_cpmm';
    pool_address: string;
    slippage_bps_cap: number;
    rpc_http: string;
    rpc_ws: string;
    jupiter_url: string | null;
    wallet_env: string;
    mints: { base: string; quote: string; baseDecimals: number; quoteDecimals: number } | null;
  }[];
}
