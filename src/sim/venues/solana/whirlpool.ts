import { type Address, address } from '@solana/kit';
import {
  SWAP_DISCRIMINATOR,
  SWAP_V2_DISCRIMINATOR,
  getFixedTickArrayEncoder,
  getSwapInstructionDataDecoder,
  getSwapV2InstructionDataDecoder,
  getWhirlpoolEncoder,
} from '@orca-so/whirlpools-client';
import { PublicKey } from '@solana/web3.js';
import { CambistError } from '../../../shared/errors.ts';
import { type Tick, type TickArray, type Whirlpool, decodeTickArray, decodeWhirlpool } from '../../../actors/venues/solana/dex/whirlpool/decode.ts';
import { quoteWhirlpool } from '../../../actors/venues/solana/dex/whirlpool/quote.ts';
import { MAX_SQRT_PRICE, MIN_SQRT_PRICE, TICKS_PER_ARRAY, sqrtPriceAtTick, tickArrayStartIndex, tickAtSqrtPrice } from '../../../actors/venues/solana/dex/whirlpool/tick-math.ts';
import { amountDeltaA, amountDeltaB } from '../../../actors/venues/solana/dex/whirlpool/token-math.ts';
import { type Account, type AccountView, rentExempt, tokenAccount } from './accounts.ts';
import { WhirlpoolErr, custom, fail } from './errors.ts';
import { WHIRLPOOL_PROGRAM, WHIRLPOOLS_CONFIG, tickArrayAddress } from './keys.ts';
import { type Instr, type InstrCtx, adjustVault, transferTokens } from './token.ts';
import { type LoadedTicks, type SwapOutcome, executeWhirlpoolSwap } from './whirlpool-swap.ts';

export interface WhirlpoolSpec {
  address: string;
  mintA: string;
  mintB: string;
  decimalsA: number;
  decimalsB: number;
  vaultA: string;
  vaultB: string;
  tickSpacing: number;
  feeRate: number;
  protocolFeeRate: number;
  /** Liquidity positions as (half-width in ticks around the start price, liquidity). */
  positions: readonly { halfWidth: number; liquidity: bigint }[];
}

const ZERO_KEY = '11111111111111111111111111111111';
const U128 = 1n << 128n;

/** Q64.64 sqrt price of a human price (units of B per A), clamped to the program's bounds. */
export function priceToSqrtPrice(price: number, decimalsA: number, decimalsB: number): bigint {
  const raw = Math.sqrt(price * 10 ** (decimalsB - decimalsA));
  const sp = BigInt(Math.round(raw * 2 ** 52)) << 12n;
  return sp < MIN_SQRT_PRICE ? MIN_SQRT_PRICE : sp > MAX_SQRT_PRICE ? MAX_SQRT_PRICE : sp;
}

function emptyTick(): Tick {
  return { initialized: false, liquidityNet: 0n, liquidityGross: 0n, feeGrowthOutsideA: 0n, feeGrowthOutsideB: 0n, rewardGrowthsOutside: [0n, 0n, 0n] };
}

// Built once: constructing the codec on every slot was a large share of the chain's time.
let whirlpoolEncoder: ReturnType<typeof getWhirlpoolEncoder> | undefined;
let tickArrayEncoder: ReturnType<typeof getFixedTickArrayEncoder> | undefined;
const addressCache = new Map<string, Address>();
/** `address()` validates by base58-decoding; our few pool addresses are validated once and remembered. */
function addr(s: string): Address {
  let a = addressCache.get(s);
  if (a === undefined) {
    a = address(s);
    addressCache.set(s, a);
  }
  return a;
}

export function encodeWhirlpool(w: Whirlpool): Uint8Array {
  whirlpoolEncoder ??= getWhirlpoolEncoder();
  return Uint8Array.from(
    whirlpoolEncoder.encode({
      whirlpoolsConfig: addr(w.whirlpoolsConfig),
      whirlpoolBump: w.whirlpoolBump,
      tickSpacing: w.tickSpacing,
      feeTierIndexSeed: w.feeTierIndexSeed,
      feeRate: w.feeRate,
      protocolFeeRate: w.protocolFeeRate,
      liquidity: w.liquidity,
      sqrtPrice: w.sqrtPrice,
      tickCurrentIndex: w.tickCurrentIndex,
      protocolFeeOwedA: w.protocolFeeOwedA,
      protocolFeeOwedB: w.protocolFeeOwedB,
      tokenMintA: addr(w.tokenMintA),
      tokenVaultA: addr(w.tokenVaultA),
      feeGrowthGlobalA: w.feeGrowthGlobalA,
      tokenMintB: addr(w.tokenMintB),
      tokenVaultB: addr(w.tokenVaultB),
      feeGrowthGlobalB: w.feeGrowthGlobalB,
      rewardLastUpdatedTimestamp: w.rewardLastUpdatedTimestamp,
      rewardInfos: w.rewardInfos.map((r) => ({ ...r, mint: addr(r.mint), vault: addr(r.vault) })),
    }),
  );
}

export function encodeTickArray(whirlpool: string, start: number, ticks: readonly Tick[]): Uint8Array {
  tickArrayEncoder ??= getFixedTickArrayEncoder();
  return Uint8Array.from(tickArrayEncoder.encode({ startTickIndex: start, ticks: [...ticks], whirlpool: addr(whirlpool) }));
}

function programOwned(data: Uint8Array): Account {
  return { lamports: rentExempt(data.length), owner: WHIRLPOOL_PROGRAM, data, executable: false };
}

/**
 * The pool at `price`: positions centred on the start tick (so ticks get crossed as the price moves),
 * every fixed tick array the positions touch plus two on each side, and the two vaults holding what
 * the positions are worth plus owed protocol fees (the real SOL/USDC snapshot's values).
 */
export function initialWhirlpoolAccounts(spec: WhirlpoolSpec, price: number, nowSec: bigint): Map<string, Account> {
  const sp = priceToSqrtPrice(price, spec.decimalsA, spec.decimalsB);
  const tick = tickAtSqrtPrice(sp);
  const ts = spec.tickSpacing;
  const center = Math.floor(tick / ts) * ts;
  const fgA = 9950183027879803373n;
  const fgB = 1290471527421320963n;
  const ticks = new Map<number, Tick>();
  let liquidity = 0n;
  let vaultA = 5074639n;
  let vaultB = 8515487n;
  const touch = (t: number, net: bigint, gross: bigint): void => {
    const cur = ticks.get(t) ?? { ...emptyTick(), initialized: true, feeGrowthOutsideA: t <= tick ? fgA : 0n, feeGrowthOutsideB: t <= tick ? fgB : 0n };
    ticks.set(t, { ...cur, liquidityNet: cur.liquidityNet + net, liquidityGross: cur.liquidityGross + gross });
  };
  for (const p of spec.positions) {
    const lower = center - p.halfWidth;
    const upper = center + p.halfWidth;
    touch(lower, p.liquidity, p.liquidity);
    touch(upper, -p.liquidity, p.liquidity);
    liquidity += p.liquidity;
    vaultA += amountDeltaA(sp, sqrtPriceAtTick(upper), p.liquidity, true);
    vaultB += amountDeltaB(sqrtPriceAtTick(lower), sp, p.liquidity, true);
  }
  const span = TICKS_PER_ARRAY * ts;
  const keys = [...ticks.keys()];
  const out = new Map<string, Account>();
  for (let s = tickArrayStartIndex(Math.min(...keys), ts) - 2 * span; s <= tickArrayStartIndex(Math.max(...keys), ts) + 2 * span; s += span) {
    const arr = Array.from({ length: TICKS_PER_ARRAY }, (_, i) => ticks.get(s + i * ts) ?? emptyTick());
    out.set(tickArrayAddress(spec.address, s), programOwned(encodeTickArray(spec.address, s, arr)));
  }
  const seed = new Uint8Array([ts & 0xff, ts >> 8]);
  const [, bump] = PublicKey.findProgramAddressSync(
    [Buffer.from('whirlpool'), new PublicKey(WHIRLPOOLS_CONFIG).toBuffer(), new PublicKey(spec.mintA).toBuffer(), new PublicKey(spec.mintB).toBuffer(), seed],
    new PublicKey(WHIRLPOOL_PROGRAM),
  );
  const reward = { mint: ZERO_KEY, vault: ZERO_KEY, extension: new Uint8Array(32), emissionsPerSecondX64: 0n, growthGlobalX64: 0n };
  const pool: Whirlpool = {
    discriminator: new Uint8Array(8),
    whirlpoolsConfig: WHIRLPOOLS_CONFIG,
    whirlpoolBump: new Uint8Array([bump]),
    tickSpacing: ts,
    feeTierIndexSeed: seed,
    feeRate: spec.feeRate,
    protocolFeeRate: spec.protocolFeeRate,
    liquidity,
    sqrtPrice: sp,
    tickCurrentIndex: tick,
    protocolFeeOwedA: 5074639n,
    protocolFeeOwedB: 8515487n,
    tokenMintA: spec.mintA,
    tokenVaultA: spec.vaultA,
    feeGrowthGlobalA: fgA,
    tokenMintB: spec.mintB,
    tokenVaultB: spec.vaultB,
    feeGrowthGlobalB: fgB,
    rewardLastUpdatedTimestamp: nowSec,
    rewardInfos: [reward, { ...reward }, { ...reward }],
  };
  out.set(spec.address, programOwned(encodeWhirlpool(pool)));
  out.set(spec.vaultA, tokenAccount({ mint: spec.mintA, owner: spec.address, amount: vaultA }));
  out.set(spec.vaultB, tokenAccount({ mint: spec.mintB, owner: spec.address, amount: vaultB }));
  return out;
}

export function readWhirlpool(view: AccountView, addr: string): Whirlpool | undefined {
  const a = view.get(addr);
  if (a === undefined || a.owner !== WHIRLPOOL_PROGRAM || a.data.length !== 653) return undefined;
  return decodeWhirlpool(a.data, { owner: a.owner, label: addr });
}

interface LoadedArrays extends LoadedTicks {
  arrays: Map<string, TickArray>;
}

/** Decode the given tick array accounts of `pool`; they must form one run containing the current tick. */
function loadArrays(view: AccountView, poolAddr: string, pool: Whirlpool, addrs: readonly string[]): LoadedArrays {
  const arrays = new Map<string, TickArray>();
  for (const a of new Set(addrs)) {
    const acc = view.get(a);
    if (acc === undefined) continue; // a never-initialized array: the program treats it as empty ticks
    if (acc.owner !== WHIRLPOOL_PROGRAM) custom(3007, WHIRLPOOL_PROGRAM, 'AccountOwnedByWrongProgram');
    const ta = decodeTickArray(acc.data, { owner: acc.owner, label: a });
    if (ta.whirlpool !== poolAddr) custom(WhirlpoolErr.InvalidTickArraySequence, WHIRLPOOL_PROGRAM, 'tick array of another pool');
    arrays.set(a, ta);
  }
  const span = TICKS_PER_ARRAY * pool.tickSpacing;
  const starts = [...arrays.values()].map((t) => t.startTickIndex).sort((x, y) => x - y);
  const cur = tickArrayStartIndex(pool.tickCurrentIndex, pool.tickSpacing);
  const contiguous = starts.every((s, i) => i === 0 || s - starts[i - 1]! === span);
  if (!contiguous || !starts.includes(cur)) custom(WhirlpoolErr.InvalidTickArraySequence, WHIRLPOOL_PROGRAM, 'InvalidTickArraySequence');
  const net = new Map<number, bigint>();
  for (const ta of arrays.values()) {
    ta.ticks.forEach((t, i) => {
      if (t.initialized) net.set(ta.startTickIndex + i * pool.tickSpacing, t.liquidityNet);
    });
  }
  return {
    arrays,
    ticks: [...net.keys()].sort((x, y) => x - y),
    net,
    lo: starts[0]!,
    hi: starts[starts.length - 1]! + span - 1,
  };
}

/** Write the swap's state transition: pool fields and, for each crossed tick, its flipped fee growth. */
function applyOutcome(view: AccountView, poolAddr: string, pool: Whirlpool, loaded: LoadedArrays, o: SwapOutcome, aToB: boolean, nowSec: bigint): void {
  const next: Whirlpool = {
    ...pool,
    sqrtPrice: o.sqrtPrice,
    tickCurrentIndex: o.tickCurrentIndex,
    liquidity: o.liquidity,
    feeGrowthGlobalA: o.feeGrowthGlobalA,
    feeGrowthGlobalB: o.feeGrowthGlobalB,
    protocolFeeOwedA: pool.protocolFeeOwedA + (aToB ? o.protocolFee : 0n),
    protocolFeeOwedB: pool.protocolFeeOwedB + (aToB ? 0n : o.protocolFee),
    rewardLastUpdatedTimestamp: nowSec,
  };
  const prev = view.get(poolAddr)!;
  view.set(poolAddr, { ...prev, data: encodeWhirlpool(next) });
  const ts = pool.tickSpacing;
  for (const c of o.crossings) {
    for (const [addr, ta] of loaded.arrays) {
      const i = (c.tick - ta.startTickIndex) / ts;
      if (i < 0 || i >= TICKS_PER_ARRAY) continue;
      const t = ta.ticks[i]!;
      // Crossing a tick flips "outside" to the other side: outside = global − outside (u128 wrapping).
      ta.ticks[i] = { ...t, feeGrowthOutsideA: (c.feeGrowthGlobalA - t.feeGrowthOutsideA + U128) % U128, feeGrowthOutsideB: (c.feeGrowthGlobalB - t.feeGrowthOutsideB + U128) % U128 };
      view.set(addr, { ...view.get(addr)!, data: encodeTickArray(poolAddr, ta.startTickIndex, ta.ticks) });
    }
  }
}

/** Starts of the `count` arrays centred on the one holding `tick`. */
function arraysAround(poolAddr: string, pool: Whirlpool, count: number): string[] {
  const span = TICKS_PER_ARRAY * pool.tickSpacing;
  const cur = tickArrayStartIndex(pool.tickCurrentIndex, pool.tickSpacing);
  const half = (count - 1) >> 1;
  return Array.from({ length: count }, (_, k) => tickArrayAddress(poolAddr, cur + (k - half) * span));
}

/**
 * Move the pool to the market model's DEX price with one exact-in swap limited at the target price:
 * the simulated rest of the market trading the pool. Vaults change by exactly what that swap moves.
 */
export function arbWhirlpool(view: AccountView, spec: WhirlpoolSpec, price: number, nowSec: bigint): SwapOutcome | undefined {
  const pool = readWhirlpool(view, spec.address);
  if (pool === undefined) return undefined;
  const loaded = loadArrays(view, spec.address, pool, arraysAround(spec.address, pool, 5));
  let target = priceToSqrtPrice(price, spec.decimalsA, spec.decimalsB);
  const lo = sqrtPriceAtTick(loaded.lo);
  const hi = sqrtPriceAtTick(loaded.hi);
  // Beyond the loaded arrays the move continues next slot (the arrays are re-centred on the new tick).
  if (target < lo) target = lo;
  if (target > hi) target = hi;
  if (target === pool.sqrtPrice) return undefined;
  const aToB = target < pool.sqrtPrice;
  const o = executeWhirlpoolSwap(pool, loaded, 1n << 62n, aToB, true, target);
  if (o.amountIn === 0n && o.amountOut === 0n && o.sqrtPrice === pool.sqrtPrice) return undefined;
  applyOutcome(view, spec.address, pool, loaded, o, aToB, nowSec);
  adjustVault(view, aToB ? spec.vaultA : spec.vaultB, o.amountIn);
  adjustVault(view, aToB ? spec.vaultB : spec.vaultA, -o.amountOut);
  return o;
}

function bytesStartWith(data: Uint8Array, prefix: Uint8Array): boolean {
  return data.length >= prefix.length && prefix.every((b, i) => data[i] === b);
}

/** The Whirlpool program's `swap` and `swapV2` instructions against our pools. */
export function runWhirlpoolProgram(ctx: InstrCtx, ix: Instr): void {
  let a: { authority: string; pool: string; ownerA: string; vaultA: string; ownerB: string; vaultB: string; arrays: string[] };
  let args: { amount: bigint; otherAmountThreshold: bigint; sqrtPriceLimit: bigint; amountSpecifiedIsInput: boolean; aToB: boolean };
  const k = ix.accounts;
  if (bytesStartWith(ix.data, SWAP_DISCRIMINATOR)) {
    if (k.length < 11) fail('NotEnoughAccountKeys', 'swap needs 11 accounts');
    args = getSwapInstructionDataDecoder().decode(ix.data);
    a = { authority: k[1]!, pool: k[2]!, ownerA: k[3]!, vaultA: k[4]!, ownerB: k[5]!, vaultB: k[6]!, arrays: [k[7]!, k[8]!, k[9]!] };
    ctx.logs.push('Program log: Instruction: Swap');
  } else if (bytesStartWith(ix.data, SWAP_V2_DISCRIMINATOR)) {
    if (k.length < 15) fail('NotEnoughAccountKeys', 'swapV2 needs 15 accounts');
    args = getSwapV2InstructionDataDecoder().decode(ix.data);
    // Remaining accounts after the oracle are supplemental tick arrays (memo/transfer-hook slices are not simulated).
    a = { authority: k[3]!, pool: k[4]!, ownerA: k[7]!, vaultA: k[8]!, ownerB: k[9]!, vaultB: k[10]!, arrays: [k[11]!, k[12]!, k[13]!, ...k.slice(15, 18)] };
    ctx.logs.push('Program log: Instruction: SwapV2');
  } else {
    return fail('InvalidInstructionData', 'only swap and swapV2 are simulated for the Whirlpool program');
  }
  const pool = readWhirlpool(ctx.view, a.pool);
  if (pool === undefined) return custom(3012, WHIRLPOOL_PROGRAM, 'AccountNotInitialized');
  if (a.vaultA !== pool.tokenVaultA || a.vaultB !== pool.tokenVaultB) custom(WhirlpoolErr.ConstraintRaw, WHIRLPOOL_PROGRAM, 'ConstraintRaw (vault)');
  if (!ctx.signers.has(a.authority)) fail('MissingRequiredSignature', `token authority ${a.authority} did not sign`);
  const loaded = loadArrays(ctx.view, a.pool, pool, a.arrays);
  const { amount, aToB } = args;
  const exactIn = args.amountSpecifiedIsInput;
  const o = executeWhirlpoolSwap(pool, loaded, amount, aToB, exactIn, args.sqrtPriceLimit);
  crossCheck(pool, loaded, args, o);
  if (exactIn && o.amountOut < args.otherAmountThreshold) custom(WhirlpoolErr.AmountOutBelowMinimum, WHIRLPOOL_PROGRAM, 'AmountOutBelowMinimum');
  if (!exactIn && o.amountIn > args.otherAmountThreshold) custom(WhirlpoolErr.AmountInAboveMaximum, WHIRLPOOL_PROGRAM, 'AmountInAboveMaximum');
  applyOutcome(ctx.view, a.pool, pool, loaded, o, aToB, ctx.nowSec);
  if (aToB) {
    transferTokens(ctx, a.ownerA, a.vaultA, o.amountIn, a.authority);
    transferTokens(ctx, a.vaultB, a.ownerB, o.amountOut, a.pool, true);
  } else {
    transferTokens(ctx, a.ownerB, a.vaultB, o.amountIn, a.authority);
    transferTokens(ctx, a.vaultA, a.ownerA, o.amountOut, a.pool, true);
  }
}

/**
 * The executor above carries state; `quoteWhirlpool` is the project's exact quote. A user swap that
 * lands with amounts the quote would not predict is a simulator bug, so it stops loudly.
 */
function crossCheck(pool: Whirlpool, loaded: LoadedArrays, args: { amount: bigint; sqrtPriceLimit: bigint; amountSpecifiedIsInput: boolean; aToB: boolean }, o: SwapOutcome): void {
  const q = quoteWhirlpool({
    pool,
    tickArrays: [...loaded.arrays.values()].sort((x, y) => x.startTickIndex - y.startTickIndex).slice(0, 6),
    amount: args.amount,
    aToB: args.aToB,
    exactIn: args.amountSpecifiedIsInput,
    sqrtPriceLimit: args.sqrtPriceLimit,
  });
  if (q.amountIn !== o.amountIn || q.amountOut !== o.amountOut || q.feeAmount !== o.fee) {
    throw new CambistError('SIM_SOLANA_MATH_DIVERGENCE', `whirlpool swap executor (${o.amountIn}→${o.amountOut}, fee ${o.fee}) disagrees with quoteWhirlpool (${q.amountIn}→${q.amountOut}, fee ${q.feeAmount})`, { retry: 'fatal' });
  }
}
