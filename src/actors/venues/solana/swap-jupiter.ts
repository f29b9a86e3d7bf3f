import { CambistError } from '../../../shared/errors.ts';
import type { JupiterClient, JupiterQuote } from './jupiter/client.ts';
import { DEFAULT_LABELS, type PinnedPool, pinnedQuote, pinnedSwap } from './jupiter/route-pin.ts';
import type { BuiltSwap, SwapBuilder, SwapIntent } from './tx.ts';
import type { SolanaWallet } from './wallet.ts';

/**
 * Jupiter Metis v1 `/swap` for a route we have no direct builder for (Raydium CPMM today), or as a
 * fallback. The quote is pinned to our pool (one hop through `pool_address`, jupiter/route-pin.ts),
 * and since `/swap` rebuilds its limit from the quote and `slippageBps` (it does not read
 * otherAmountThreshold, reference §4), the slippage is derived from OUR limit so that Jupiter's limit
 * is at least as strict:
 *   ExactIn  (sell): bps = floor((outAmount − minOut) · 1e4 / outAmount)  ⇒ outAmount·(1 − bps/1e4) ≥ minOut
 *   ExactOut (buy):  bps = floor((maxIn − inAmount) · 1e4 / inAmount)    ⇒ inAmount·(1 + bps/1e4) ≤ maxIn
 * capped at the pool's slippage_bps_cap. A quote already worse than our limit is not built
 * (JUPITER_SWAP_BEYOND_LIMIT): nothing is signed or sent. `wrapAndUnwrapSol` is off: the wallet
 * trades from its standing wSOL token account, so balance changes are token balance changes and the
 * account is not closed under us.
 */
export const JupiterSwapCode = {
  BeyondLimit: 'JUPITER_SWAP_BEYOND_LIMIT',
} as const;

export interface JupiterRoute {
  pool: PinnedPool;
  baseMint: string;
  quoteMint: string;
  labels?: Record<PinnedPool['program'], string>;
}

export function slippageBpsFor(q: Pick<JupiterQuote, 'inAmount' | 'outAmount'>, intent: SwapIntent): number {
  if (intent.side === 'sell') {
    if (q.outAmount < intent.quoteLimitRaw || q.outAmount === 0n) return -1;
    return Number(((q.outAmount - intent.quoteLimitRaw) * 10_000n) / q.outAmount);
  }
  if (q.inAmount > intent.quoteLimitRaw || q.inAmount === 0n) return -1;
  return Number(((intent.quoteLimitRaw - q.inAmount) * 10_000n) / q.inAmount);
}

export class JupiterSwapBuilder implements SwapBuilder {
  readonly label: string;

  constructor(
    private readonly client: JupiterClient,
    private readonly route: JupiterRoute,
  ) {
    this.label = `jupiter→${route.pool.program} ${route.pool.pool_address}`;
  }

  async build(intent: SwapIntent, ctx: { wallet: SolanaWallet; microLamportsPerCu: bigint; computeUnitLimit: number }): Promise<BuiltSwap> {
    const { baseMint, quoteMint, pool } = this.route;
    const sell = intent.side === 'sell';
    const req = { inputMint: sell ? baseMint : quoteMint, outputMint: sell ? quoteMint : baseMint, amount: intent.baseRaw, swapMode: sell ? ('ExactIn' as const) : ('ExactOut' as const) };
    const labels = this.route.labels ?? DEFAULT_LABELS;
    // First quote at the cap only to learn the pool's amounts; the slippage we can afford follows.
    const probe = await pinnedQuote(this.client, pool, { ...req, slippageBps: pool.slippage_bps_cap }, labels);
    const bps = slippageBpsFor(probe, intent);
    if (bps < 0) {
      const got = sell ? `${probe.outAmount} out` : `${probe.inAmount} in`;
      throw new CambistError(JupiterSwapCode.BeyondLimit, `Jupiter quote ${got} is beyond our limit ${intent.quoteLimitRaw} for ${intent.baseRaw} base`, { retry: 'retryable' });
    }
    const use = Math.min(bps, pool.slippage_bps_cap);
    // Re-quote only when the tolerance differs: /swap reads slippageBps from the quote object.
    const quote = use === probe.slippageBps ? probe : await pinnedQuote(this.client, pool, { ...req, slippageBps: use }, labels);
    if (slippageBpsFor(quote, intent) < use) {
      throw new CambistError(JupiterSwapCode.BeyondLimit, `Jupiter re-quote moved beyond our limit ${intent.quoteLimitRaw}`, { retry: 'retryable' });
    }
    const swap = await pinnedSwap(this.client, pool, {
      quote,
      userPublicKey: ctx.wallet.publicKey,
      wrapAndUnwrapSol: false,
      dynamicComputeUnitLimit: true,
      computeUnitPriceMicroLamports: Number(ctx.microLamportsPerCu),
    });
    return { kind: 'prebuilt', base64: swap.swapTransaction, lastValidBlockHeight: swap.lastValidBlockHeight, feeAccounts: [pool.pool_address] };
  }
}
