import { DexQuoteError } from './errors.ts';
import type { QuoteResult } from './quote-result.ts';
import { quoteAmmV4Into, type AmmV4QuoteParams } from './raydium-amm/quote.ts';
import { quoteCpmmDetailed, type CpmmQuoteParams } from './raydium-cpmm/quote.ts';
import { quotePreparedWhirlpool, type PreparedWhirlpool } from './whirlpool/quote.ts';

/**
 * One exact-in quote: raw input units → raw output units, or −1n when the pool cannot absorb the whole
 * size (partial fill, price range exhausted). Throws DexQuoteError for anything else.
 * `forward` is a→b (Whirlpool), base→quote (AMM v4) or token0→token1 (CPMM).
 */
export type ExactInQuoter = (amountIn: bigint, forward: boolean) => bigint;

/**
 * Caller-owned buffers for one PoolQuote ladder: K input sizes per direction (raw units of that
 * direction's input token, integral, ≤ 2^53) and the K outputs the quoter fills. Reused across updates:
 * filling allocates nothing beyond the BigInt arithmetic itself.
 */
export interface LadderBuffers {
  sizesForward: Float64Array;
  outForward: Float64Array;
  sizesReverse: Float64Array;
  outReverse: Float64Array;
}

export function createLadderBuffers(sizesForward: readonly number[], sizesReverse: readonly number[]): LadderBuffers {
  return {
    sizesForward: Float64Array.from(sizesForward),
    outForward: new Float64Array(sizesForward.length),
    sizesReverse: Float64Array.from(sizesReverse),
    outReverse: new Float64Array(sizesReverse.length),
  };
}

/**
 * Fills both output arrays. A point the pool cannot fill (partial fill, missing tick arrays, zero output)
 * is written as NaN and counted in the return value, so the signal sees "no quote at this size" instead
 * of a made-up number; the feed actor reports the count (e.g. to resubscribe tick arrays). Errors that
 * are not quote errors (bugs) propagate.
 */
export function fillLadder(quote: ExactInQuoter, buf: LadderBuffers): number {
  return fillSide(quote, true, buf.sizesForward, buf.outForward) + fillSide(quote, false, buf.sizesReverse, buf.outReverse);
}

function fillSide(quote: ExactInQuoter, forward: boolean, sizes: Float64Array, outs: Float64Array): number {
  let unfilled = 0;
  for (let i = 0; i < sizes.length; i++) {
    let v = Number.NaN;
    try {
      const o = quote(BigInt(sizes[i]!), forward);
      if (o >= 0n) v = Number(o);
    } catch (e) {
      if (!(e instanceof DexQuoteError) || e.retry === 'fatal') throw e;
    }
    if (Number.isNaN(v)) unfilled++;
    outs[i] = v;
  }
  return unfilled;
}

/** Whirlpool ladder over one prepared state; forward = a→b. */
export function whirlpoolQuoter(prep: PreparedWhirlpool): ExactInQuoter {
  const r: QuoteResult = { amountIn: 0n, amountOut: 0n, feeAmount: 0n };
  return (amountIn, forward) => {
    quotePreparedWhirlpool(prep, amountIn, forward, true, r);
    return r.amountIn === amountIn ? r.amountOut : -1n;
  };
}

/** AMM v4 ladder; forward = base→quote. */
export function ammV4Quoter(state: Omit<AmmV4QuoteParams, 'amount' | 'baseToQuote' | 'exactIn'>): ExactInQuoter {
  const r: QuoteResult = { amountIn: 0n, amountOut: 0n, feeAmount: 0n };
  const p: AmmV4QuoteParams = { ...state, amount: 0n, baseToQuote: true, exactIn: true };
  return (amountIn, forward) => {
    p.amount = amountIn;
    p.baseToQuote = forward;
    quoteAmmV4Into(p, r);
    return r.amountOut;
  };
}

/** CPMM ladder; forward = token0→token1. */
export function cpmmQuoter(state: Omit<CpmmQuoteParams, 'amount' | 'zeroForOne' | 'exactIn'>): ExactInQuoter {
  const p: CpmmQuoteParams = { ...state, amount: 0n, zeroForOne: true, exactIn: true };
  return (amountIn, forward) => {
    p.amount = amountIn;
    p.zeroForOne = forward;
    return quoteCpmmDetailed(p).amountOut;
  };
}
