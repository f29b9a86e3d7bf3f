// Human prices for display and the signal's mid price (float64 on the hot path, DESIGN §3). The exact
// rational is sqrt²·10^decA / (2^128·10^decB); we keep 2^-64 resolution in BigInt before the one float
// division so pools priced far from 1 do not lose digits.

/** Units of token B per 1 token A, with decimals applied (reference §1.6). */
export function sqrtPriceToPrice(sqrtPrice: bigint, decimalsA: number, decimalsB: number): number {
  const sq = sqrtPrice * sqrtPrice; // Q128
  const exp = decimalsA - decimalsB;
  const num = exp >= 0 ? sq * 10n ** BigInt(exp) : sq;
  const den = exp >= 0 ? 1n : 10n ** BigInt(-exp);
  // Split into integer and fractional parts of num / (den·2^128) to keep precision in float64.
  const scale = den << 128n;
  const whole = num / scale;
  const frac = num % scale;
  return Number(whole) + Number((frac << 64n) / scale) / 18446744073709551616;
}

/**
 * Price of `base` in units of `quote`, whichever of A/B each is (Whirlpool orders mints by raw bytes, so
 * USDC is token A in some pools and token B in others).
 */
export function whirlpoolPriceIn(
  pool: { sqrtPrice: bigint; tokenMintA: string; tokenMintB: string },
  baseMint: string,
  quoteMint: string,
  decimalsBase: number,
  decimalsQuote: number,
): number {
  if (pool.tokenMintA === baseMint && pool.tokenMintB === quoteMint) {
    return sqrtPriceToPrice(pool.sqrtPrice, decimalsBase, decimalsQuote);
  }
  if (pool.tokenMintA === quoteMint && pool.tokenMintB === baseMint) {
    return 1 / sqrtPriceToPrice(pool.sqrtPrice, decimalsQuote, decimalsBase);
  }
  throw new RangeError(`pool mints ${pool.tokenMintA}/${pool.tokenMintB} are not ${baseMint}/${quoteMint}`);
}
