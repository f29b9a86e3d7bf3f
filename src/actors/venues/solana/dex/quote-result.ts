/**
 * What every DEX quote returns, in raw token units. A partial fill (the pool ran out of price range or
 * the price limit was hit) shows as amountIn < amount (exact-in) or amountOut < amount (exact-out);
 * callers that need the full size must compare.
 */
export interface QuoteResult {
  amountIn: bigint;
  amountOut: bigint;
  /** Trading fee charged by the pool, in input-token units. */
  feeAmount: bigint;
}
