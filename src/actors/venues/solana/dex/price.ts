// Constant-product mid price for Raydium AMM v4 / CPMM (float64 is the hot-path price type, DESIGN §3).

/** Mid price: quote reserve per base reserve, with decimals applied. */
export function reservePrice(baseReserve: bigint, quoteReserve: bigint, decimalsBase: number, decimalsQuote: number): number {
  if (baseReserve === 0n) return Number.NaN;
  const num = quoteReserve * 10n ** 18n * 10n ** BigInt(Math.max(0, decimalsBase - decimalsQuote));
  const den = baseReserve * 10n ** BigInt(Math.max(0, decimalsQuote - decimalsBase));
  return Number(num / den) / 1e18;
}
