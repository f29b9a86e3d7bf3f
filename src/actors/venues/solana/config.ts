import { CambistError } from '../../../shared/errors.ts';
import type { SolanaFeedSlice, SolanaPoolSlice } from '../../../supervisor/topology.ts';

/**
 * Everything the Solana feed derives from its slice before it touches the network: mints of each
 * route, the ladder sizes, the RPC URLs with the Helius key. Pure functions, so they are unit-tested
 * without a worker.
 */

/** Mints we know by symbol (reference/solana-dex.md §5). A base asset outside this list needs `dex_route.base_mint`. */
export const KNOWN_MINTS: Readonly<Record<string, string>> = {
  SOL: 'So11111111111111111111111111111111111111112',
  USDC: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v',
  USDT: 'Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB',
};
export const WSOL_MINT = KNOWN_MINTS.SOL!;

/** Default ladder: 8 sizes, each twice the previous, the largest = max_notional_quote. */
export const DEFAULT_LADDER_POINTS = 8;

export class SolanaConfigError extends CambistError {
  constructor(message: string) {
    super('SOLANA_CONFIG', message, { retry: 'fatal' });
    this.name = 'SolanaConfigError';
  }
}

export interface RouteMints {
  baseMint: string;
  quoteMint: string;
}

export function routeMints(p: SolanaPoolSlice): RouteMints {
  const baseMint = p.base_mint ?? KNOWN_MINTS[p.asset];
  const quoteMint = KNOWN_MINTS[p.quote];
  if (!baseMint) {
    throw new SolanaConfigError(`assets[${p.asset_index}] (${p.asset}): no known mint for ${p.asset}; set dex_route.base_mint`);
  }
  if (!quoteMint) {
    throw new SolanaConfigError(`assets[${p.asset_index}] (${p.asset}): dex_route.quote "${p.quote}" is not one of ${Object.keys(KNOWN_MINTS).join(', ')}`);
  }
  return { baseMint, quoteMint };
}

/** Ladder sizes in quote currency, ascending: the configured list or 8 geometric sizes up to max_notional_quote. */
export function ladderSizesQuote(p: Pick<SolanaPoolSlice, 'ladder_sizes_quote' | 'max_notional_quote'>): number[] {
  if (p.ladder_sizes_quote && p.ladder_sizes_quote.length > 0) return [...p.ladder_sizes_quote].sort((a, b) => a - b);
  const out: number[] = [];
  for (let i = DEFAULT_LADDER_POINTS - 1; i >= 0; i--) out.push(p.max_notional_quote / 2 ** i);
  return out;
}

/**
 * The URL with Helius's `api-key` query parameter when the named environment variable is set. The
 * result holds a secret: pass it to the transport only; log `redactUrl(...)` instead.
 */
export function withApiKey(url: string, env: NodeJS.ProcessEnv, envName: string): string {
  const key = env[envName];
  if (key === undefined || key === '') return url;
  const u = new URL(url);
  u.searchParams.set('api-key', key);
  return u.toString();
}

/** Origin and path only: what may appear in logs and error messages. */
export function redactUrl(url: string): string {
  // Not a URL at all: say so without echoing it (it may still contain a key).
  if (!URL.canParse(url)) return '<invalid url>';
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/** Compute units we budget per swap instruction when converting the priority fee to a cost. */
export const SWAP_COMPUTE_UNITS: Readonly<Record<SolanaPoolSlice['program'], number>> = {
  // Orca's swap_v2 through 3 tick arrays measures ~60-120k CU; Raydium's ~40-80k. We budget the high
  // end so the signal's fixed cost is conservative.
  whirlpool: 140_000,
  raydium_amm: 90_000,
  raydium_cpmm: 90_000,
};
export const BASE_FEE_LAMPORTS = 5_000;

export type { SolanaFeedSlice, SolanaPoolSlice };
