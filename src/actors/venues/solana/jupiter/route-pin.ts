import { WHIRLPOOL_PROGRAM_ID, RAYDIUM_AMM_V4_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID } from '../dex/programs.ts';
import { JupiterCode, JupiterError, type JupiterClient, type JupiterQuote, type SwapRequest, type SwapResponse } from './client.ts';

/**
 * Route pinning (reference/solana-dex.md §4): Metis v1 has no per-pool parameter, so we restrict the
 * venue (`dexes=<label>`), ask for one hop (`onlyDirectRoutes=true`), and then insist the answer is a
 * single hop through OUR pool with our mints; anything else is JUPITER_NOT_PINNED. Slippage is capped
 * at the pool's `slippage_bps_cap` (a larger request is refused, not clamped, so a caller never
 * believes it got a wider tolerance than it did).
 */
export interface PinnedPool {
  program: 'whirlpool' | 'raydium_amm' | 'raydium_cpmm';
  pool_address: string;
  slippage_bps_cap: number;
}

const PROGRAM_IDS: Record<PinnedPool['program'], string> = {
  whirlpool: WHIRLPOOL_PROGRAM_ID,
  raydium_amm: RAYDIUM_AMM_V4_PROGRAM_ID,
  raydium_cpmm: RAYDIUM_CPMM_PROGRAM_ID,
};

/** Jupiter's labels as third-party code and the docs use them; replaced by /program-id-to-label when it answers. */
export const DEFAULT_LABELS: Record<PinnedPool['program'], string> = {
  whirlpool: 'Whirlpool',
  raydium_amm: 'Raydium',
  raydium_cpmm: 'Raydium CP',
};

/** Our program → Jupiter's label, from a /program-id-to-label answer (falls back to the defaults). */
export function labelsFrom(programIdToLabel: Record<string, string> | undefined): Record<PinnedPool['program'], string> {
  const out = { ...DEFAULT_LABELS };
  if (!programIdToLabel) return out;
  for (const k of Object.keys(PROGRAM_IDS) as PinnedPool['program'][]) {
    const l = programIdToLabel[PROGRAM_IDS[k]];
    if (typeof l === 'string' && l !== '') out[k] = l;
  }
  return out;
}

export interface PinnedQuoteRequest {
  inputMint: string;
  outputMint: string;
  amount: bigint;
  /** Default: the pool's cap. */
  slippageBps?: number;
  swapMode?: 'ExactIn' | 'ExactOut';
}

export function checkSlippage(pool: PinnedPool, bps: number): void {
  if (!(bps >= 0) || bps > pool.slippage_bps_cap) {
    throw new JupiterError(JupiterCode.SlippageCap, `slippage ${bps} bps is above the cap ${pool.slippage_bps_cap} bps of pool ${pool.pool_address}`);
  }
}

/** Throws JUPITER_NOT_PINNED unless the quote is one hop through `pool` between the requested mints. */
export function assertPinned(q: JupiterQuote, pool: PinnedPool, req: Pick<PinnedQuoteRequest, 'inputMint' | 'outputMint'>): void {
  const hops = q.routePlan;
  const why =
    hops.length !== 1
      ? `${hops.length} hops (${hops.map((h) => h.ammKey).join(' → ')})`
      : hops[0]!.ammKey !== pool.pool_address
        ? `routed through ${hops[0]!.label} ${hops[0]!.ammKey}`
        : hops[0]!.inputMint !== req.inputMint || hops[0]!.outputMint !== req.outputMint || q.inputMint !== req.inputMint || q.outputMint !== req.outputMint
          ? `mints ${q.inputMint} → ${q.outputMint} differ from the request`
          : hops[0]!.percent !== 100
            ? `only ${hops[0]!.percent}% through the pool`
            : undefined;
  if (why !== undefined) {
    throw new JupiterError(JupiterCode.NotPinned, `Jupiter quote is not pinned to ${pool.program} pool ${pool.pool_address}: ${why}`, { retry: 'non-retryable' });
  }
}

/** A quote restricted to our pool's venue, one hop, verified to go through our pool. */
export async function pinnedQuote(
  client: JupiterClient,
  pool: PinnedPool,
  req: PinnedQuoteRequest,
  labels: Record<PinnedPool['program'], string> = DEFAULT_LABELS,
  opts: { maxWaitMs?: number } = {},
): Promise<JupiterQuote> {
  const slippageBps = req.slippageBps ?? pool.slippage_bps_cap;
  checkSlippage(pool, slippageBps);
  const q = await client.quote(
    {
      inputMint: req.inputMint,
      outputMint: req.outputMint,
      amount: req.amount,
      slippageBps,
      swapMode: req.swapMode ?? 'ExactIn',
      dexes: [labels[pool.program]],
      onlyDirectRoutes: true,
    },
    opts,
  );
  assertPinned(q, pool, req);
  return q;
}

/** /swap for a quote we pinned: re-checks the pin and the slippage before asking for the transaction. */
export async function pinnedSwap(client: JupiterClient, pool: PinnedPool, req: SwapRequest): Promise<SwapResponse> {
  assertPinned(req.quote, pool, req.quote);
  checkSlippage(pool, req.quote.slippageBps);
  return client.swap(req);
}
