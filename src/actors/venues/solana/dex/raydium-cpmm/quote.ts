import { DexErrorCode, DexQuoteError } from '../errors.ts';
import type { QuoteResult } from '../quote-result.ts';
import { CPMM_STATUS_SWAP_DISABLED, type CpmmConfig, type CpmmPool } from './decode.ts';

// Raydium CP-Swap math as in the on-chain source after the 2025-11 audit fix (reference/solana-dex.md
// §2.2; curve/calculator.rs, curve/fees.rs). The npm SDK still ceils trade and creator fees separately
// when the creator fee is on the input, so it differs from the chain there; we follow the chain.

const U64_MAX = (1n << 64n) - 1n;
const DEN = 1_000_000n;

export type CpmmQuotePool = Pick<
  CpmmPool,
  | 'status' | 'openTime' | 'creatorFeeOn' | 'enableCreatorFee'
  | 'protocolFeesToken0' | 'protocolFeesToken1' | 'fundFeesToken0' | 'fundFeesToken1' | 'creatorFeesToken0' | 'creatorFeesToken1'
>;

export interface CpmmQuoteParams {
  pool: CpmmQuotePool;
  config: Pick<CpmmConfig, 'tradeFeeRate' | 'protocolFeeRate' | 'fundFeeRate' | 'creatorFeeRate'>;
  vault0Amount: bigint;
  vault1Amount: bigint;
  /** Input amount (exactIn, after any Token-2022 transfer fee) or output amount (exact-out); u64. */
  amount: bigint;
  zeroForOne: boolean;
  exactIn: boolean;
  /** Unix seconds; when given, quotes before the pool's open_time fail. */
  nowSec?: bigint;
}

export interface CpmmQuoteDetail extends QuoteResult {
  tradeFee: bigint;
  /** Creator fee, in input-token units when `creatorFeeOnInput`, else in output-token units. */
  creatorFee: bigint;
  creatorFeeOnInput: boolean;
  protocolFee: bigint;
  fundFee: bigint;
}

function fail(code: DexErrorCode, message: string): never {
  throw new DexQuoteError(code, `Raydium CPMM: ${message}`, { retry: 'non-retryable' });
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

/** Tradable reserves: vault balances minus protocol, fund and creator fees the pool still holds. */
export function cpmmReserves(pool: CpmmQuotePool, vault0Amount: bigint, vault1Amount: bigint): { r0: bigint; r1: bigint } {
  const r0 = vault0Amount - (pool.protocolFeesToken0 + pool.fundFeesToken0 + pool.creatorFeesToken0);
  const r1 = vault1Amount - (pool.protocolFeesToken1 + pool.fundFeesToken1 + pool.creatorFeesToken1);
  if (r0 < 0n || r1 < 0n) {
    fail(DexErrorCode.QuoteInconsistentState, `vaults (${vault0Amount}, ${vault1Amount}) are below the fees owed; vault and pool states are from different slots?`);
  }
  return { r0, r1 };
}

export function quoteCpmm(params: CpmmQuoteParams): QuoteResult {
  const d = quoteCpmmDetailed(params);
  return { amountIn: d.amountIn, amountOut: d.amountOut, feeAmount: d.feeAmount };
}

/**
 * Full breakdown. `feeAmount` = trade fee + the creator fee when it is charged on the input token (a
 * creator fee on the output is already taken out of amountOut and is reported in `creatorFee`).
 */
export function quoteCpmmDetailed(params: CpmmQuoteParams): CpmmQuoteDetail {
  const { pool, config, amount, zeroForOne } = params;
  if ((pool.status & CPMM_STATUS_SWAP_DISABLED) !== 0) fail(DexErrorCode.QuotePoolDisabled, `status ${pool.status} has swaps disabled`);
  if (params.nowSec !== undefined && params.nowSec < pool.openTime) fail(DexErrorCode.QuotePoolDisabled, `pool opens at ${pool.openTime}`);
  if (amount <= 0n || amount > U64_MAX) fail(DexErrorCode.QuoteAmount, `amount ${amount} must be in [1, 2^64)`);
  const { r0, r1 } = cpmmReserves(pool, params.vault0Amount, params.vault1Amount);
  const rIn = zeroForOne ? r0 : r1;
  const rOut = zeroForOne ? r1 : r0;
  const tf = config.tradeFeeRate;
  const cf = pool.enableCreatorFee ? config.creatorFeeRate : 0n;
  const onInput = pool.creatorFeeOn === 0 || (pool.creatorFeeOn === 1 && zeroForOne) || (pool.creatorFeeOn === 2 && !zeroForOne);
  if (tf + cf >= DEN) fail(DexErrorCode.QuoteInconsistentState, `fee rates ${tf}+${cf} reach 100%`);
  // The program splits the creator share with floor(total·cf/(tf+cf)), which has no answer (the swap
  // fails) when both rates are zero.
  if (onInput && tf + cf === 0n) fail(DexErrorCode.QuoteInconsistentState, 'trade and creator fee rates are both zero (the program rejects the swap)');

  let amountIn: bigint;
  let amountOut: bigint;
  let tradeFee: bigint;
  let creatorFee = 0n;
  if (params.exactIn) {
    let x: bigint;
    if (onInput) {
      const total = ceilDiv(amount * (tf + cf), DEN);
      creatorFee = (total * cf) / (tf + cf);
      tradeFee = total - creatorFee;
      x = amount - total;
    } else {
      tradeFee = ceilDiv(amount * tf, DEN);
      x = amount - tradeFee;
    }
    if (rIn + x === 0n) fail(DexErrorCode.QuoteInsufficientLiquidity, 'empty input reserve');
    const swapped = (x * rOut) / (rIn + x);
    if (onInput) amountOut = swapped;
    else {
      creatorFee = ceilDiv(swapped * cf, DEN);
      amountOut = swapped - creatorFee;
    }
    if (amountOut === 0n) fail(DexErrorCode.QuoteInsufficientLiquidity, `input ${amount} yields zero output`);
    amountIn = amount;
  } else {
    const actualOut = onInput || cf === 0n ? amount : ceilDiv(amount * DEN, DEN - cf);
    if (!onInput) creatorFee = actualOut - amount;
    if (actualOut >= rOut) fail(DexErrorCode.QuoteInsufficientLiquidity, `output ${actualOut} is not below the reserve ${rOut}`);
    const need = ceilDiv(rIn * actualOut, rOut - actualOut);
    if (onInput) {
      amountIn = ceilDiv(need * DEN, DEN - (tf + cf));
      const total = amountIn - need;
      creatorFee = (total * cf) / (tf + cf);
      tradeFee = total - creatorFee;
    } else {
      amountIn = tf === 0n ? need : ceilDiv(need * DEN, DEN - tf);
      tradeFee = amountIn - need;
    }
    if (amountIn === 0n) fail(DexErrorCode.QuoteInsufficientLiquidity, 'zero input for a non-zero output (empty input reserve)');
    if (amountIn > U64_MAX) fail(DexErrorCode.QuoteAmountOverflow, `required input ${amountIn} does not fit in u64`);
    amountOut = amount;
  }
  return {
    amountIn,
    amountOut,
    feeAmount: tradeFee + (onInput ? creatorFee : 0n),
    tradeFee,
    creatorFee,
    creatorFeeOnInput: onInput,
    protocolFee: (tradeFee * config.protocolFeeRate) / DEN,
    fundFee: (tradeFee * config.fundFeeRate) / DEN,
  };
}
