import {
  swapQuoteByInputToken,
  swapQuoteByOutputToken,
  type OracleFacade,
  type TickArrayFacade,
  type WhirlpoolFacade,
} from '@orca-so/whirlpools-core';
import { DexErrorCode, DexQuoteError, type DexErrorCode as Code } from '../errors.ts';
import type { QuoteResult } from '../quote-result.ts';
import { isAdaptiveFeePool } from './decode.ts';
import { MAX_SQRT_PRICE, MIN_SQRT_PRICE, sqrtPriceAtTick, tickAtSqrtPrice } from './tick-math.ts';
import { buildTickSequence, nextInitialized, prevInitialized, type TickArrayLike, type TickSequence } from './tick-sequence.ts';
import {
  CoreErr,
  U64_MAX,
  applySwapFee,
  deltaAOrOverflow,
  deltaBOrOverflow,
  amountDeltaA,
  amountDeltaB,
  nextSqrtPriceFromA,
  nextSqrtPriceFromB,
  quoteFail,
  reverseApplySwapFee,
} from './token-math.ts';

/** Pool fields the quote reads; the decoder's `Whirlpool` satisfies it (and so does the core's facade). */
export type WhirlpoolQuotePool = WhirlpoolFacade;

export interface WhirlpoolQuoteParams {
  pool: WhirlpoolQuotePool;
  /** 1–6 consecutive arrays around the current tick (the SDK loads 5); fill missing accounts with empty arrays. */
  tickArrays: readonly (TickArrayLike & Partial<TickArrayFacade>)[];
  /** Raw units of the input token (exactIn) or of the output token (exact-out); u64. */
  amount: bigint;
  aToB: boolean;
  exactIn: boolean;
  /** Stop the swap at this sqrt price (Q64.64); default: MIN/MAX_SQRT_PRICE (no limit). Static-fee pools only. */
  sqrtPriceLimit?: bigint;
  /** Adaptive-fee pools only: the decoded Oracle account and the unix time (s) the quote is for. */
  oracle?: OracleFacade | null;
  timestampSec?: bigint;
}

/**
 * A pool state ready for repeated quoting (a ladder): the tick arrays are flattened once per state.
 * Adaptive-fee pools keep their raw inputs and are quoted by @orca-so/whirlpools-core.
 */
export interface PreparedWhirlpool {
  adaptive: boolean;
  feeRate: number;
  liquidity: bigint;
  sqrtPrice: bigint;
  tickCurrentIndex: number;
  seq: TickSequence;
  pool: WhirlpoolQuotePool;
  tickArrays: readonly TickArrayLike[];
  oracle: OracleFacade | null;
  timestampSec: bigint;
}

export function prepareWhirlpool(
  pool: WhirlpoolQuotePool,
  tickArrays: readonly TickArrayLike[],
  adaptive?: { oracle: OracleFacade | null | undefined; timestampSec: bigint | undefined },
): PreparedWhirlpool {
  const isAdaptive = isAdaptiveFeePool({ feeTierIndexSeed: pool.feeTierIndexSeed as Uint8Array, tickSpacing: pool.tickSpacing });
  const seq = buildTickSequence(tickArrays, pool.tickSpacing);
  const oracle = adaptive?.oracle ?? null;
  if (isAdaptive !== (oracle !== null)) {
    quoteFail(
      DexErrorCode.QuoteOracle,
      CoreErr.invalidAdaptiveFeeInfo,
      isAdaptive ? 'adaptive-fee pool quoted without its Oracle account' : 'static-fee pool quoted with an Oracle account',
    );
  }
  if (isAdaptive && adaptive?.timestampSec === undefined) {
    quoteFail(DexErrorCode.QuoteOracle, undefined, 'adaptive-fee pool quoted without a timestamp');
  }
  return {
    adaptive: isAdaptive,
    feeRate: pool.feeRate,
    liquidity: pool.liquidity,
    sqrtPrice: pool.sqrtPrice,
    tickCurrentIndex: pool.tickCurrentIndex,
    seq,
    pool,
    tickArrays,
    oracle,
    timestampSec: adaptive?.timestampSec ?? 0n,
  };
}

/** Exact quote, bit-identical to swapQuoteByInputToken / swapQuoteByOutputToken (no transfer fees). */
export function quoteWhirlpool(params: WhirlpoolQuoteParams): QuoteResult {
  const prep = prepareWhirlpool(params.pool, params.tickArrays, { oracle: params.oracle, timestampSec: params.timestampSec });
  const out: QuoteResult = { amountIn: 0n, amountOut: 0n, feeAmount: 0n };
  quotePreparedWhirlpool(prep, params.amount, params.aToB, params.exactIn, out, params.sqrtPriceLimit);
  return out;
}

const scratch = new Int32Array(2);

/** Hot-path form: writes into `out` (no result allocation). */
export function quotePreparedWhirlpool(
  prep: PreparedWhirlpool,
  amount: bigint,
  aToB: boolean,
  exactIn: boolean,
  out: QuoteResult,
  sqrtPriceLimit?: bigint,
): void {
  if (amount < 0n || amount > U64_MAX) {
    quoteFail(DexErrorCode.QuoteAmount, undefined, `amount ${amount} is outside u64`);
  }
  if (prep.adaptive) {
    if (sqrtPriceLimit !== undefined) {
      quoteFail(DexErrorCode.QuotePriceLimit, undefined, 'a price limit is not supported for adaptive-fee pools (quoted by the core)');
    }
    quoteWithCore(prep, amount, aToB, exactIn, out);
    return;
  }
  const limit = sqrtPriceLimit === undefined || sqrtPriceLimit === 0n ? (aToB ? MIN_SQRT_PRICE : MAX_SQRT_PRICE) : sqrtPriceLimit;
  if (limit < MIN_SQRT_PRICE || limit > MAX_SQRT_PRICE) {
    quoteFail(DexErrorCode.QuotePriceLimit, CoreErr.sqrtPriceLimitOutOfBounds, `sqrt price limit ${limit} is outside [MIN, MAX]`);
  }
  if (aToB ? limit >= prep.sqrtPrice : limit <= prep.sqrtPrice) {
    quoteFail(DexErrorCode.QuotePriceLimit, CoreErr.invalidSqrtPriceLimitDirection, `sqrt price limit ${limit} is on the wrong side of the price ${prep.sqrtPrice} for ${aToB ? 'a→b' : 'b→a'}`);
  }
  if (amount === 0n) quoteFail(DexErrorCode.QuoteAmount, CoreErr.zeroTradableAmount, 'amount is zero');

  const seq = prep.seq;
  const feeRate = prep.feeRate;
  // Which token the caller fixed: A when (a→b, exact-in) or (b→a, exact-out).
  const aFixed = aToB === exactIn;
  let rem = amount;
  let acc = 0n;
  let fees = 0n;
  let sp = prep.sqrtPrice;
  let tick = prep.tickCurrentIndex;
  let liq = prep.liquidity;

  while (rem > 0n && sp !== limit) {
    if (aToB) prevInitialized(seq, tick, scratch);
    else nextInitialized(seq, tick, scratch);
    const slot = scratch[0]!;
    const nt = scratch[1]!;
    const ntSqrt = sqrtPriceAtTick(nt);
    const tgt = aToB ? (ntSqrt > limit ? ntSqrt : limit) : ntSqrt < limit ? ntSqrt : limit;

    // With a static fee a step either reaches the target or exhausts the input; the inner loop only
    // repeats for exact-out steps whose floored output falls short of the remainder (as in the core).
    do {
      const fmax = aFixed ? deltaAOrOverflow(sp, tgt, liq, exactIn) : deltaBOrOverflow(sp, tgt, liq, exactIn);
      const overflow = fmax < 0n;
      const calc = exactIn ? applySwapFee(rem, feeRate) : rem;
      const nxt = !overflow && fmax <= calc
        ? tgt
        : aFixed
          ? nextSqrtPriceFromA(sp, liq, calc, exactIn)
          : nextSqrtPriceFromB(sp, liq, calc, exactIn);
      const isMax = nxt === tgt;
      const unfixed = aFixed ? amountDeltaB(sp, nxt, liq, !exactIn) : amountDeltaA(sp, nxt, liq, !exactIn);
      const fixed = !isMax || overflow
        ? aFixed ? amountDeltaA(sp, nxt, liq, exactIn) : amountDeltaB(sp, nxt, liq, exactIn)
        : fmax;
      const stepIn = exactIn ? fixed : unfixed;
      let stepOut = exactIn ? unfixed : fixed;
      if (!exactIn && stepOut > rem) stepOut = rem;
      const stepFee = exactIn && !isMax ? rem - stepIn : reverseApplySwapFee(stepIn, feeRate) - stepIn;
      fees += stepFee;
      if (exactIn) {
        rem = rem - stepIn - stepFee;
        acc += stepOut;
      } else {
        rem -= stepOut;
        acc += stepIn + stepFee;
      }
      if (rem < 0n || acc > U64_MAX) {
        quoteFail(DexErrorCode.QuoteArithmetic, CoreErr.arithmeticOverflow, 'swap step amounts over/underflow u64');
      }
      if (nxt === ntSqrt) {
        if (slot >= 0) {
          const net = seq.liquidityNet[slot]!;
          liq = aToB ? liq - net : liq + net;
          if (liq < 0n) {
            quoteFail(DexErrorCode.QuoteInconsistentState, undefined, `liquidity goes negative crossing tick ${nt}: tick arrays inconsistent with the pool`);
          }
        }
        tick = aToB ? nt - 1 : nt;
      } else if (nxt !== sp) {
        tick = tickAtSqrtPrice(nxt);
      }
      sp = nxt;
    } while (rem !== 0n && sp !== tgt);
  }

  if (exactIn) {
    out.amountIn = amount - rem;
    out.amountOut = acc;
  } else {
    out.amountIn = acc;
    out.amountOut = amount - rem;
  }
  out.feeAmount = fees;
}

const CORE_CODES: Record<string, Code> = {
  [CoreErr.amountExceedsMaxU64]: DexErrorCode.QuoteAmountOverflow,
  [CoreErr.arithmeticOverflow]: DexErrorCode.QuoteArithmetic,
  [CoreErr.sqrtPriceOutOfBounds]: DexErrorCode.QuoteSqrtPriceOutOfBounds,
  [CoreErr.sqrtPriceLimitOutOfBounds]: DexErrorCode.QuotePriceLimit,
  [CoreErr.invalidSqrtPriceLimitDirection]: DexErrorCode.QuotePriceLimit,
  [CoreErr.zeroTradableAmount]: DexErrorCode.QuoteAmount,
  [CoreErr.tickSequenceEmpty]: DexErrorCode.QuoteTickArraysInvalid,
  [CoreErr.tickArrayNotEvenlySpaced]: DexErrorCode.QuoteTickArraysNotContiguous,
  [CoreErr.tickIndexOutOfBounds]: DexErrorCode.QuoteTickArraysMissCurrent,
  [CoreErr.invalidTickArraySequence]: DexErrorCode.QuoteInsufficientTickArrays,
  [CoreErr.invalidAdaptiveFeeInfo]: DexErrorCode.QuoteOracle,
};

/** The core throws bare strings; turn one into our error class, keeping the string for comparison. */
export function fromCoreError(e: unknown): DexQuoteError {
  const text = typeof e === 'string' ? e : e instanceof Error ? e.message : String(e);
  const code = CORE_CODES[text] ?? DexErrorCode.QuoteArithmetic;
  const retry = code === DexErrorCode.QuoteInsufficientTickArrays || code === DexErrorCode.QuoteTickArraysMissCurrent ? 'retryable' : 'non-retryable';
  return new DexQuoteError(code, `@orca-so/whirlpools-core: ${text}`, { cause: e, retry, coreError: text });
}

function quoteWithCore(prep: PreparedWhirlpool, amount: bigint, aToB: boolean, exactIn: boolean, out: QuoteResult): void {
  const arrays = prep.tickArrays as TickArrayFacade[];
  try {
    if (exactIn) {
      const q = swapQuoteByInputToken(amount, aToB, 0, prep.pool, prep.oracle, arrays, prep.timestampSec);
      out.amountIn = q.tokenIn;
      out.amountOut = q.tokenEstOut;
      out.feeAmount = q.tradeFee;
    } else {
      // The core's flag names the OUTPUT token for exact-out: output is A exactly when b→a.
      const q = swapQuoteByOutputToken(amount, !aToB, 0, prep.pool, prep.oracle, arrays, prep.timestampSec);
      out.amountIn = q.tokenEstIn;
      out.amountOut = q.tokenOut;
      out.feeAmount = q.tradeFee;
    }
  } catch (e) {
    throw fromCoreError(e);
  }
}
