import { DexErrorCode, DexQuoteError, type DexErrorCode as Code } from '../errors.ts';
import { MAX_SQRT_PRICE, MIN_SQRT_PRICE } from './tick-math.ts';

// Whirlpool amount/price primitives (reference/solana-dex.md §1.5), BigInt with the exact rounding of
// the program and of @orca-so/whirlpools-core. The core computes in U256 and its `checked_shl(64)` only
// rejects shift counts ≥ 256, so bits above 2^256 are silently dropped; we mask the same way so even
// absurd liquidity values give the WASM's answer, not a "more correct" one.

export const U64_MAX = (1n << 64n) - 1n;
const MASK256 = (1n << 256n) - 1n;
const TWO192 = 1n << 192n;
export const FEE_RATE_DENOMINATOR = 1_000_000n;

/** Error strings of @orca-so/whirlpools-core, carried on our errors so tests can match both sides. */
export const CoreErr = {
  amountExceedsMaxU64: 'Amount exceeds max u64',
  arithmeticOverflow: 'Arithmetic over- or underflow',
  sqrtPriceOutOfBounds: 'Sqrt price out of bounds',
  sqrtPriceLimitOutOfBounds: 'Sqrt price limit out of bounds',
  invalidSqrtPriceLimitDirection: 'Invalid sqrt price limit direction',
  zeroTradableAmount: 'Zero tradable amount',
  tickSequenceEmpty: 'Tick sequence empty',
  tickArrayNotEvenlySpaced: 'Tick array not evenly spaced',
  tickIndexOutOfBounds: 'Tick index out of bounds',
  invalidTickArraySequence: 'Invalid tick array sequence',
  invalidAdaptiveFeeInfo: 'Invalid adaptive fee info',
} as const;

export function quoteFail(code: Code, coreError: string | undefined, message: string): never {
  const retry = code === DexErrorCode.QuoteInsufficientTickArrays || code === DexErrorCode.QuoteTickArraysMissCurrent
    ? 'retryable'
    : 'non-retryable';
  throw new DexQuoteError(code, message, { retry, ...(coreError === undefined ? {} : { coreError }) });
}

function overflowU64(what: string): never {
  return quoteFail(DexErrorCode.QuoteAmountOverflow, CoreErr.amountExceedsMaxU64, `${what} does not fit in u64`);
}

/** Token A between two sqrt prices: L·(1/lo − 1/hi) in Q64; −1n when it exceeds u64 (the caller decides). */
export function deltaAOrOverflow(p0: bigint, p1: bigint, liquidity: bigint, roundUp: boolean): bigint {
  const lo = p0 < p1 ? p0 : p1;
  const hi = p0 < p1 ? p1 : p0;
  const prod = liquidity * (hi - lo);
  const num = prod >= TWO192 ? (prod << 64n) & MASK256 : prod << 64n;
  const den = lo * hi;
  let q = num / den;
  if (roundUp && q * den !== num) q += 1n;
  return q > U64_MAX ? -1n : q;
}

/** Token B between two sqrt prices: L·(hi − lo) / 2^64; −1n when it exceeds u64. */
export function deltaBOrOverflow(p0: bigint, p1: bigint, liquidity: bigint, roundUp: boolean): bigint {
  const diff = p0 < p1 ? p1 - p0 : p0 - p1;
  const prod = liquidity * diff;
  let q = prod >> 64n;
  if (roundUp && (prod & U64_MAX) !== 0n) q += 1n;
  return q > U64_MAX ? -1n : q;
}

export function amountDeltaA(p0: bigint, p1: bigint, liquidity: bigint, roundUp: boolean): bigint {
  const r = deltaAOrOverflow(p0, p1, liquidity, roundUp);
  return r < 0n ? overflowU64('token A delta') : r;
}

export function amountDeltaB(p0: bigint, p1: bigint, liquidity: bigint, roundUp: boolean): bigint {
  const r = deltaBOrOverflow(p0, p1, liquidity, roundUp);
  return r < 0n ? overflowU64('token B delta') : r;
}

function checkSqrt(p: bigint): bigint {
  if (p < MIN_SQRT_PRICE || p > MAX_SQRT_PRICE) {
    quoteFail(DexErrorCode.QuoteSqrtPriceOutOfBounds, CoreErr.sqrtPriceOutOfBounds, `swap would move the sqrt price to ${p}, outside [MIN, MAX]`);
  }
  return p;
}

/** Sqrt price after adding (input) or removing (output) `amount` of token A; always rounds up. */
export function nextSqrtPriceFromA(p: bigint, liquidity: bigint, amount: bigint, isInput: boolean): bigint {
  if (amount === 0n) return p;
  const prodLP = liquidity * p;
  const num = prodLP >= TWO192 ? (prodLP << 64n) & MASK256 : prodLP << 64n;
  const pa = p * amount;
  const den = isInput ? (liquidity << 64n) + pa : (liquidity << 64n) - pa;
  // A non-positive denominator means the output exceeds all token A above this price; the core's
  // wrapped U256 result lands outside the sqrt bounds, so report the same error.
  if (den <= 0n) return checkSqrt(0n);
  let q = num / den;
  if (q * den !== num) q += 1n;
  return checkSqrt(q);
}

/** Sqrt price after adding (input, floor) or removing (output, ceil) `amount` of token B. */
export function nextSqrtPriceFromB(p: bigint, liquidity: bigint, amount: bigint, isInput: boolean): bigint {
  if (amount === 0n) return p;
  const shifted = amount << 64n;
  let q = shifted / liquidity;
  if (!isInput && q * liquidity !== shifted) q += 1n;
  return checkSqrt(isInput ? p + q : p - q);
}

/** floor(amount·(1e6 − feeRate)/1e6): the input that reaches the curve (fee taken on input). */
export function applySwapFee(amount: bigint, feeRate: number): bigint {
  if (amount === 0n) return 0n;
  return (amount * (FEE_RATE_DENOMINATOR - BigInt(feeRate))) / FEE_RATE_DENOMINATOR;
}

/** ceil(amount·1e6/(1e6 − feeRate)): the gross input whose fee-reduced part is `amount`. */
export function reverseApplySwapFee(amount: bigint, feeRate: number): bigint {
  if (amount === 0n) return 0n;
  const den = FEE_RATE_DENOMINATOR - BigInt(feeRate);
  const num = amount * FEE_RATE_DENOMINATOR;
  let q = num / den;
  if (q * den !== num) q += 1n;
  return q > U64_MAX ? overflowU64('amount with fee') : q;
}
