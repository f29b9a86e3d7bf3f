import { DexErrorCode, DexQuoteError } from '../errors.ts';
import type { QuoteResult } from '../quote-result.ts';
import { AmmStatus, type AmmV4Pool } from './decode.ts';

// Raydium AMM v4 swap math (reference/solana-dex.md §2.1; program processor.rs/math.rs): fee on the
// input, ceiled; constant product with the output floored; base-out inverts with ceilings throughout.

const U64_MAX = (1n << 64n) - 1n;

export interface AmmV4QuoteParams {
  pool: Pick<AmmV4Pool, 'status' | 'poolOpenTime' | 'swapFeeNumerator' | 'swapFeeDenominator' | 'baseNeedTakePnl' | 'quoteNeedTakePnl'>;
  /** `amount` of the base (coin) vault token account. */
  baseVaultAmount: bigint;
  /** `amount` of the quote (pc) vault token account. */
  quoteVaultAmount: bigint;
  /** Input amount (exactIn) or output amount (exact-out), raw units, u64. */
  amount: bigint;
  baseToQuote: boolean;
  exactIn: boolean;
  /** Unix seconds; when given, a WaitingTrade pool is tradable only from poolOpenTime on. */
  nowSec?: bigint;
}

function fail(code: DexErrorCode, message: string): never {
  throw new DexQuoteError(code, `Raydium AMM v4: ${message}`, { retry: 'non-retryable' });
}

/** Tradable reserves: vault balances minus the pnl the pool owes the protocol (need_take_pnl). */
export function ammV4Reserves(
  pool: Pick<AmmV4Pool, 'baseNeedTakePnl' | 'quoteNeedTakePnl'>,
  baseVaultAmount: bigint,
  quoteVaultAmount: bigint,
): { base: bigint; quote: bigint } {
  const base = baseVaultAmount - pool.baseNeedTakePnl;
  const quote = quoteVaultAmount - pool.quoteNeedTakePnl;
  if (base < 0n || quote < 0n) {
    fail(DexErrorCode.QuoteInconsistentState, `vaults (${baseVaultAmount}, ${quoteVaultAmount}) are below need_take_pnl (${pool.baseNeedTakePnl}, ${pool.quoteNeedTakePnl}); vault and pool states are from different slots?`);
  }
  return { base, quote };
}

export function ammV4SwapAllowed(pool: Pick<AmmV4Pool, 'status' | 'poolOpenTime'>, nowSec?: bigint): boolean {
  const s = pool.status;
  if (s === AmmStatus.Initialized || s === AmmStatus.SwapOnly) return true;
  if (s === AmmStatus.WaitingTrade) return nowSec === undefined || nowSec >= pool.poolOpenTime;
  return false;
}

export function quoteAmmV4(params: AmmV4QuoteParams): QuoteResult {
  const out: QuoteResult = { amountIn: 0n, amountOut: 0n, feeAmount: 0n };
  quoteAmmV4Into(params, out);
  return out;
}

/** Hot-path form: writes into `out`. */
export function quoteAmmV4Into(params: AmmV4QuoteParams, out: QuoteResult): void {
  const { pool, amount } = params;
  if (!ammV4SwapAllowed(pool, params.nowSec)) fail(DexErrorCode.QuotePoolDisabled, `status ${pool.status} does not allow swaps`);
  if (amount <= 0n || amount > U64_MAX) fail(DexErrorCode.QuoteAmount, `amount ${amount} must be in [1, 2^64)`);
  const num = pool.swapFeeNumerator;
  const den = pool.swapFeeDenominator;
  if (den === 0n || num >= den) fail(DexErrorCode.QuoteInconsistentState, `swap fee ${num}/${den} is not a fraction below 1`);
  const r = ammV4Reserves(pool, params.baseVaultAmount, params.quoteVaultAmount);
  const rIn = params.baseToQuote ? r.base : r.quote;
  const rOut = params.baseToQuote ? r.quote : r.base;

  if (params.exactIn) {
    const fee = (amount * num + den - 1n) / den;
    const x = amount - fee;
    if (rIn + x === 0n) fail(DexErrorCode.QuoteInsufficientLiquidity, 'empty input reserve and zero input after fee');
    const o = (rOut * x) / (rIn + x);
    if (o === 0n) fail(DexErrorCode.QuoteInsufficientLiquidity, `input ${amount} yields zero output`);
    if (o >= rOut) fail(DexErrorCode.QuoteInsufficientLiquidity, `output ${o} would drain the reserve ${rOut}`);
    out.amountIn = amount;
    out.amountOut = o;
    out.feeAmount = fee;
    return;
  }
  if (amount >= rOut) fail(DexErrorCode.QuoteInsufficientLiquidity, `output ${amount} is not below the reserve ${rOut}`);
  const pre = rIn * amount;
  const d = rOut - amount;
  const need = (pre + d - 1n) / d;
  const inWithFee = (need * den + (den - num) - 1n) / (den - num);
  if (inWithFee > U64_MAX) fail(DexErrorCode.QuoteAmountOverflow, `required input ${inWithFee} does not fit in u64`);
  if (inWithFee === 0n) fail(DexErrorCode.QuoteInsufficientLiquidity, 'zero input for a non-zero output (empty input reserve)');
  out.amountIn = inWithFee;
  out.amountOut = amount;
  out.feeAmount = inWithFee - need;
}
