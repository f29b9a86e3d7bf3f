// Tick ↔ sqrt price for Orca Whirlpools, exact integer (reference/solana-dex.md §1.3): the same
// constants and rounding as the program and @orca-so/whirlpools-core, in BigInt.

export const MIN_TICK_INDEX = -443636;
export const MAX_TICK_INDEX = 443636;
export const MIN_SQRT_PRICE = 4295048016n;
export const MAX_SQRT_PRICE = 79226673515401279992447579055n;
export const Q64 = 1n << 64n;
export const TICKS_PER_ARRAY = 88;

// Q96 factors sqrt(1.0001)^(2^k) for positive ticks, and Q64 factors sqrt(1.0001)^(-2^k) for negative.
const POS = [
  79232123823359799118286999567n, 79236085330515764027303304731n, 79244008939048815603706035061n,
  79259858533276714757314932305n, 79291567232598584799939703904n, 79355022692464371645785046466n,
  79482085999252804386437311141n, 79736823300114093921829183326n, 80248749790819932309965073892n,
  81282483887344747381513967011n, 83390072131320151908154831281n, 87770609709833776024991924138n,
  97234110755111693312479820773n, 119332217159966728226237229890n, 179736315981702064433883588727n,
  407748233172238350107850275304n, 2098478828474011932436660412517n, 55581415166113811149459800483533n,
  38992368544603139932233054999993551n,
];
const NEG = [
  18445821805675392311n, 18444899583751176498n, 18443055278223354162n, 18439367220385604838n,
  18431993317065449817n, 18417254355718160513n, 18387811781193591352n, 18329067761203520168n,
  18212142134806087854n, 17980523815641551639n, 17526086738831147013n, 16651378430235024244n,
  15030750278693429944n, 12247334978882834399n, 8131365268884726200n, 3584323654723342297n,
  696457651847595233n, 26294789957452057n, 37481735321082n,
];
const Q96 = 1n << 96n;

/** sqrt(1.0001^tick) in Q64.64, for tick in [MIN_TICK_INDEX, MAX_TICK_INDEX]. */
export function sqrtPriceAtTick(tick: number): bigint {
  if (tick >= 0) {
    let r = tick & 1 ? POS[0]! : Q96;
    for (let k = 1; k < 19; k++) if (tick & (1 << k)) r = (r * POS[k]!) >> 96n;
    return r >> 32n;
  }
  const a = -tick;
  let r = a & 1 ? NEG[0]! : Q64;
  for (let k = 1; k < 19; k++) if (a & (1 << k)) r = (r * NEG[k]!) >> 64n;
  return r;
}

const LN_SQRT_BASE = Math.log(1.0001) / 2;

/**
 * The largest tick t in [MIN_TICK_INDEX, MAX_TICK_INDEX] with sqrtPriceAtTick(t) ≤ sqrtPrice; this equals
 * the program's log2 approximation (checked against the WASM in the tests). A float estimate lands within
 * a tick or two; exact BigInt comparisons then settle it, so the result never depends on float rounding.
 */
export function tickAtSqrtPrice(sqrtPrice: bigint): number {
  if (sqrtPrice <= MIN_SQRT_PRICE) return MIN_TICK_INDEX;
  if (sqrtPrice >= MAX_SQRT_PRICE) return MAX_TICK_INDEX;
  let t = Math.floor(Math.log(Number(sqrtPrice) / 18446744073709551616) / LN_SQRT_BASE);
  if (t < MIN_TICK_INDEX) t = MIN_TICK_INDEX;
  if (t > MAX_TICK_INDEX) t = MAX_TICK_INDEX;
  while (t > MIN_TICK_INDEX && sqrtPriceAtTick(t) > sqrtPrice) t--;
  while (t < MAX_TICK_INDEX && sqrtPriceAtTick(t + 1) <= sqrtPrice) t++;
  return t;
}

/** Euclidean floor division for (possibly negative) tick indexes. */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Start tick of the array holding `tick`: floorDiv(floorDiv(tick, ts), 88)·ts·88. */
export function tickArrayStartIndex(tick: number, tickSpacing: number): number {
  return floorDiv(floorDiv(tick, tickSpacing), TICKS_PER_ARRAY) * tickSpacing * TICKS_PER_ARRAY;
}

/**
 * Start indexes of the `count` arrays (odd; 5 by default, as the official SDK loads) centred on the array
 * holding `tickCurrentIndex`. Arrays wholly outside the tick range are still listed: fill them with
 * empty arrays when the account does not exist.
 */
export function tickArrayStartIndexes(tickCurrentIndex: number, tickSpacing: number, count = 5): number[] {
  const start = tickArrayStartIndex(tickCurrentIndex, tickSpacing);
  const span = tickSpacing * TICKS_PER_ARRAY;
  const half = (count - 1) >> 1;
  const out: number[] = [];
  for (let k = -half; k <= half; k++) out.push(start + k * span);
  return out;
}
