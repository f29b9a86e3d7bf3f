import { DexQuoteError } from '../../../actors/venues/solana/dex/errors.ts';
import type { QuoteResult } from '../../../actors/venues/solana/dex/quote-result.ts';
import { type TickArray, decodeTickArray } from '../../../actors/venues/solana/dex/whirlpool/decode.ts';
import { quoteWhirlpool } from '../../../actors/venues/solana/dex/whirlpool/quote.ts';
import { sqrtPriceToPrice } from '../../../actors/venues/solana/dex/whirlpool/price.ts';
import { TICKS_PER_ARRAY, tickArrayStartIndexes } from '../../../actors/venues/solana/dex/whirlpool/tick-math.ts';
import type { SolanaChain } from '../solana/chain.ts';
import { RAYDIUM_AMM_V4_PROGRAM, WHIRLPOOL_PROGRAM, tickArrayAddress } from '../solana/keys.ts';
import { quoteAmmV4In, readAmmV4 } from '../solana/raydium.ts';
import { readWhirlpool } from '../solana/whirlpool.ts';

/** Jupiter's labels for the programs we simulate (GET /program-id-to-label). */
export const PROGRAM_LABELS: Record<string, string> = {
  [WHIRLPOOL_PROGRAM]: 'Whirlpool',
  [RAYDIUM_AMM_V4_PROGRAM]: 'Raydium',
};

export interface QuoteRequest {
  inputMint: string;
  outputMint: string;
  amount: bigint;
  slippageBps: number;
  exactIn: boolean;
  dexes?: string[];
  excludeDexes?: string[];
}

export interface PoolQuote {
  ammKey: string;
  label: string;
  q: QuoteResult;
  /** Output per input at the pool's mid price (raw units), for priceImpactPct. */
  midRate: number;
  feeMint: string;
}

function whirlpoolArrays(chain: SolanaChain, addr: string, tick: number, ts: number): TickArray[] {
  return tickArrayStartIndexes(tick, ts, 5).map((start) => {
    const a = chain.accounts.get(tickArrayAddress(addr, start));
    if (a !== undefined) return decodeTickArray(a.data, { owner: a.owner, label: addr });
    // A never-created array: 88 uninitialized ticks, as the SDK fills it.
    return {
      __kind: 'Fixed' as const, discriminator: new Uint8Array(8), startTickIndex: start, whirlpool: addr,
      ticks: Array.from({ length: TICKS_PER_ARRAY }, () => ({ initialized: false, liquidityNet: 0n, liquidityGross: 0n, feeGrowthOutsideA: 0n, feeGrowthOutsideB: 0n, rewardGrowthsOutside: [0n, 0n, 0n] })),
    };
  });
}

function allowed(label: string, r: QuoteRequest): boolean {
  const has = (list: string[] | undefined): boolean => list !== undefined && list.some((d) => d.toLowerCase() === label.toLowerCase());
  if (r.dexes !== undefined && !has(r.dexes)) return false;
  return !has(r.excludeDexes);
}

/** Every direct route through our pools for the pair, quoted with the project's exact math. */
export function quotePools(chain: SolanaChain, r: QuoteRequest): PoolQuote[] {
  const out: PoolQuote[] = [];
  for (const { spec } of chain.pools.whirlpools) {
    const aToB = r.inputMint === spec.mintA && r.outputMint === spec.mintB;
    if (!aToB && !(r.inputMint === spec.mintB && r.outputMint === spec.mintA)) continue;
    if (!allowed('Whirlpool', r)) continue;
    const pool = readWhirlpool(chain.accounts, spec.address);
    if (pool === undefined) continue;
    try {
      const q = quoteWhirlpool({ pool, tickArrays: whirlpoolArrays(chain, spec.address, pool.tickCurrentIndex, pool.tickSpacing), amount: r.amount, aToB, exactIn: r.exactIn });
      // A partial fill (ran out of loaded ticks) is not a quote Jupiter would offer.
      if ((r.exactIn ? q.amountIn : q.amountOut) !== r.amount) continue;
      const p = sqrtPriceToPrice(pool.sqrtPrice, 0, 0);
      out.push({ ammKey: spec.address, label: 'Whirlpool', q, midRate: aToB ? p : 1 / p, feeMint: r.inputMint });
    } catch (e) {
      // The pool cannot fill this size (e.g. past the loaded tick arrays): Jupiter would not route through it.
      if (!(e instanceof DexQuoteError)) throw e;
    }
  }
  // Raydium AMM v4 routes are ExactIn only on Jupiter (reference §4).
  for (const { spec } of r.exactIn ? chain.pools.ammV4 : []) {
    const baseToQuote = r.inputMint === spec.coinMint && r.outputMint === spec.pcMint;
    if (!baseToQuote && !(r.inputMint === spec.pcMint && r.outputMint === spec.coinMint)) continue;
    if (!allowed('Raydium', r)) continue;
    const pool = readAmmV4(chain.accounts, spec.address);
    if (pool === undefined) continue;
    try {
      const q = quoteAmmV4In(chain.accounts, pool, r.amount, baseToQuote, true);
      const base = quoteAmmV4In(chain.accounts, pool, 1_000_000n, baseToQuote, true); // tiny trade ≈ mid rate incl. fee
      out.push({ ammKey: spec.address, label: 'Raydium', q, midRate: Number(base.amountOut) / Number(base.amountIn - base.feeAmount), feeMint: r.inputMint });
    } catch (e) {
      // Zero output or a drained reserve: no route through this pool for this size.
      if (!(e instanceof DexQuoteError)) throw e;
    }
  }
  return out;
}

/** The Metis v1 quote response for the best single-pool route (no splits, no multi-hop). */
export function quoteResponse(chain: SolanaChain, r: QuoteRequest, routes: PoolQuote[], timeTaken: number): Record<string, unknown> | undefined {
  if (routes.length === 0) return undefined;
  const best = routes.reduce((a, b) => (r.exactIn ? (b.q.amountOut > a.q.amountOut ? b : a) : b.q.amountIn < a.q.amountIn ? b : a));
  const { q } = best;
  const bps = BigInt(r.slippageBps);
  const threshold = r.exactIn ? (q.amountOut * (10_000n - bps)) / 10_000n : (q.amountIn * (10_000n + bps) + 9_999n) / 10_000n;
  const ideal = Number(q.amountIn - q.feeAmount) * best.midRate;
  const impact = ideal > 0 ? Math.max(0, (ideal - Number(q.amountOut)) / ideal) : 0;
  return {
    inputMint: r.inputMint,
    inAmount: q.amountIn.toString(),
    outputMint: r.outputMint,
    outAmount: q.amountOut.toString(),
    otherAmountThreshold: threshold.toString(),
    swapMode: r.exactIn ? 'ExactIn' : 'ExactOut',
    slippageBps: r.slippageBps,
    platformFee: null,
    priceImpactPct: impact.toFixed(18).replace(/0+$/, '').replace(/\.$/, '') || '0',
    routePlan: [
      {
        swapInfo: { ammKey: best.ammKey, label: best.label, inputMint: r.inputMint, outputMint: r.outputMint, inAmount: q.amountIn.toString(), outAmount: q.amountOut.toString(), feeAmount: q.feeAmount.toString(), feeMint: best.feeMint },
        percent: 100,
        bps: 10_000,
      },
    ],
    contextSlot: chain.slot,
    timeTaken,
    mostReliableAmmsQuoteReport: { info: Object.fromEntries(routes.map((x) => [x.ammKey, (r.exactIn ? x.q.amountOut : x.q.amountIn).toString()])) },
    useIncurredSlippageForQuoting: null,
    otherRoutePlans: null,
    swapUsdValue: null,
    loadedLongtailToken: false,
  };
}
