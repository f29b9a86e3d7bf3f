import { CambistError, type RetryClass } from '../../../../shared/errors.ts';

/**
 * Stable codes for everything the DEX decoders and quoters reject. Callers (feed actor, executor,
 * tests) branch on these, never on message text.
 */
export const DexErrorCode = {
  /** Account data has the wrong length for the expected account kind. */
  DecodeSize: 'DEX_DECODE_SIZE',
  /** The 8-byte Anchor discriminator is not the expected one. */
  DecodeDiscriminator: 'DEX_DECODE_DISCRIMINATOR',
  /** The account is owned by another program than the one expected. */
  DecodeOwner: 'DEX_DECODE_OWNER',
  /** Variable-length account (dynamic tick array) whose body disagrees with its own header. */
  DecodeMalformed: 'DEX_DECODE_MALFORMED',
  /** Amount outside [0, 2^64) or zero where the program rejects zero. */
  QuoteAmount: 'DEX_QUOTE_AMOUNT',
  /** The loaded tick arrays end before the swap can be filled: load more arrays or shrink the size. */
  QuoteInsufficientTickArrays: 'DEX_QUOTE_INSUFFICIENT_TICK_ARRAYS',
  /** The loaded tick arrays do not cover the pool's current tick (stale subscription set). */
  QuoteTickArraysMissCurrent: 'DEX_QUOTE_TICK_ARRAYS_MISS_CURRENT',
  /** No tick arrays, more than the 6 the quoter accepts, or arrays that are not 88 ticks long. */
  QuoteTickArraysInvalid: 'DEX_QUOTE_TICK_ARRAYS_INVALID',
  /** Tick arrays are not consecutive (a gap or a misaligned start). */
  QuoteTickArraysNotContiguous: 'DEX_QUOTE_TICK_ARRAYS_NOT_CONTIGUOUS',
  /** An intermediate or final amount does not fit in u64. */
  QuoteAmountOverflow: 'DEX_QUOTE_AMOUNT_OVERFLOW',
  /** Other arithmetic over/underflow in the swap loop. */
  QuoteArithmetic: 'DEX_QUOTE_ARITHMETIC',
  /** The swap would move the price outside [MIN_SQRT_PRICE, MAX_SQRT_PRICE]. */
  QuoteSqrtPriceOutOfBounds: 'DEX_QUOTE_SQRT_PRICE_OUT_OF_BOUNDS',
  /** The price limit is outside the valid range or on the wrong side of the current price. */
  QuotePriceLimit: 'DEX_QUOTE_PRICE_LIMIT',
  /** Adaptive-fee pool quoted without its oracle (or a static pool with one). */
  QuoteOracle: 'DEX_QUOTE_ORACLE',
  /** Not enough reserve on the output side (constant-product pools) or zero output. */
  QuoteInsufficientLiquidity: 'DEX_QUOTE_INSUFFICIENT_LIQUIDITY',
  /** The pool's status forbids swaps right now. */
  QuotePoolDisabled: 'DEX_QUOTE_POOL_DISABLED',
  /** Pool state is internally inconsistent (liquidity underflow, vault below owed fees). */
  QuoteInconsistentState: 'DEX_QUOTE_INCONSISTENT_STATE',
} as const;
export type DexErrorCode = (typeof DexErrorCode)[keyof typeof DexErrorCode];

export class DexError extends CambistError {
  override readonly code: DexErrorCode;
  /**
   * For Whirlpool quote errors: the exact error string `@orca-so/whirlpools-core` throws for the same
   * input, so the conformance tests can check that both sides fail the same way.
   */
  readonly coreError: string | undefined;
  constructor(
    code: DexErrorCode,
    message: string,
    opts: { cause?: unknown; retry?: RetryClass; coreError?: string } = {},
  ) {
    super(code, message, opts);
    this.name = 'DexError';
    this.code = code;
    this.coreError = opts.coreError;
  }
}

/** Wrong size / discriminator / owner: the subscription points at the wrong account. */
export class DexDecodeError extends DexError {
  constructor(code: DexErrorCode, message: string, opts: { cause?: unknown } = {}) {
    super(code, message, { ...opts, retry: 'non-retryable' });
    this.name = 'DexDecodeError';
  }
}

/** A quote that cannot be computed for this state and size. */
export class DexQuoteError extends DexError {
  constructor(
    code: DexErrorCode,
    message: string,
    opts: { cause?: unknown; retry?: RetryClass; coreError?: string } = {},
  ) {
    super(code, message, opts);
    this.name = 'DexQuoteError';
  }
}

/** "Whirlpool Czfq3…" or "Whirlpool" when the caller gave no label: every message names the account. */
export function accountName(kind: string, label: string | undefined): string {
  return label === undefined ? kind : `${kind} ${label}`;
}
