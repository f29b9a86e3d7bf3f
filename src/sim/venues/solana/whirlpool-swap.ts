import { MAX_SQRT_PRICE, MAX_TICK_INDEX, MIN_SQRT_PRICE, MIN_TICK_INDEX, TICKS_PER_ARRAY, sqrtPriceAtTick, tickAtSqrtPrice } from '../../../actors/venues/solana/dex/whirlpool/tick-math.ts';
import {
  amountDeltaA,
  amountDeltaB,
  applySwapFee,
  deltaAOrOverflow,
  deltaBOrOverflow,
  nextSqrtPriceFromA,
  nextSqrtPriceFromB,
  reverseApplySwapFee,
} from '../../../actors/venues/solana/dex/whirlpool/token-math.ts';
import type { Whirlpool } from '../../../actors/venues/solana/dex/whirlpool/decode.ts';
import { WhirlpoolErr, custom } from './errors.ts';
import { WHIRLPOOL_PROGRAM } from './keys.ts';

/**
 * The program's swap loop with its state transition: `quoteWhirlpool` (in-repo, exact) returns only
 * amounts, but executing a swap also needs the pool's next sqrt price, tick, liquidity and fee growth
 * and the ticks it crossed. The same primitives are used step for step (reference §1.5), and every
 * user swap is cross-checked against `quoteWhirlpool` before it is applied (see whirlpool.ts).
 */
export interface LoadedTicks {
  /** Initialized ticks inside [lo, hi], ascending, with their liquidity_net. */
  ticks: number[];
  net: Map<number, bigint>;
  /** Bounds of the loaded tick arrays (clamped to the tick range). */
  lo: number;
  hi: number;
}

export interface Crossing {
  tick: number;
  feeGrowthGlobalA: bigint;
  feeGrowthGlobalB: bigint;
}

export interface SwapOutcome {
  amountIn: bigint;
  amountOut: bigint;
  /** Total trade fee (input token), protocol part included. */
  fee: bigint;
  protocolFee: bigint;
  sqrtPrice: bigint;
  tickCurrentIndex: number;
  liquidity: bigint;
  feeGrowthGlobalA: bigint;
  feeGrowthGlobalB: bigint;
  crossings: Crossing[];
}

const U128 = 1n << 128n;

function err(code: number, msg: string): never {
  custom(code, WHIRLPOOL_PROGRAM, msg);
}

export function loadedBounds(starts: number[], tickSpacing: number): { lo: number; hi: number } {
  const span = TICKS_PER_ARRAY * tickSpacing;
  return { lo: Math.max(Math.min(...starts), MIN_TICK_INDEX), hi: Math.min(Math.max(...starts) + span - 1, MAX_TICK_INDEX) };
}

function nextCrossing(t: LoadedTicks, ts: number, tick: number, aToB: boolean): { nt: number; initialized: boolean } {
  if (aToB) {
    if (tick < t.lo) err(WhirlpoolErr.InvalidTickArraySequence, 'InvalidTickArraySequence');
    const p = Math.floor(tick / ts) * ts;
    for (let i = t.ticks.length - 1; i >= 0; i--) {
      const x = t.ticks[i]!;
      if (x <= p && x >= t.lo) return { nt: x, initialized: true };
    }
    return { nt: t.lo, initialized: false };
  }
  if (tick >= t.hi) err(WhirlpoolErr.InvalidTickArraySequence, 'InvalidTickArraySequence');
  const n = Math.floor(tick / ts) * ts + ts;
  for (const x of t.ticks) if (x >= n && x <= t.hi) return { nt: x, initialized: true };
  return { nt: t.hi, initialized: false };
}

export function executeWhirlpoolSwap(
  pool: Whirlpool,
  loaded: LoadedTicks,
  amount: bigint,
  aToB: boolean,
  exactIn: boolean,
  sqrtPriceLimit: bigint,
): SwapOutcome {
  if (amount === 0n) err(WhirlpoolErr.ZeroTradableAmount, 'ZeroTradableAmount');
  const limit = sqrtPriceLimit === 0n ? (aToB ? MIN_SQRT_PRICE : MAX_SQRT_PRICE) : sqrtPriceLimit;
  if (limit < MIN_SQRT_PRICE || limit > MAX_SQRT_PRICE) err(WhirlpoolErr.SqrtPriceOutOfBounds, 'SqrtPriceOutOfBounds');
  if (aToB ? limit >= pool.sqrtPrice : limit <= pool.sqrtPrice) err(WhirlpoolErr.InvalidSqrtPriceLimitDirection, 'InvalidSqrtPriceLimitDirection');
  const ts = pool.tickSpacing;
  const feeRate = pool.feeRate;
  const aFixed = aToB === exactIn;
  let rem = amount;
  let acc = 0n;
  let fees = 0n;
  let proto = 0n;
  let sp = pool.sqrtPrice;
  let tick = pool.tickCurrentIndex;
  let liq = pool.liquidity;
  let fgA = pool.feeGrowthGlobalA;
  let fgB = pool.feeGrowthGlobalB;
  const crossings: Crossing[] = [];

  while (rem > 0n && sp !== limit) {
    const { nt, initialized } = nextCrossing(loaded, ts, tick, aToB);
    const ntSqrt = sqrtPriceAtTick(nt);
    const tgt = aToB ? (ntSqrt > limit ? ntSqrt : limit) : ntSqrt < limit ? ntSqrt : limit;
    do {
      const fmax = aFixed ? deltaAOrOverflow(sp, tgt, liq, exactIn) : deltaBOrOverflow(sp, tgt, liq, exactIn);
      const overflow = fmax < 0n;
      const calc = exactIn ? applySwapFee(rem, feeRate) : rem;
      const nxt = !overflow && fmax <= calc ? tgt : aFixed ? nextSqrtPriceFromA(sp, liq, calc, exactIn) : nextSqrtPriceFromB(sp, liq, calc, exactIn);
      const isMax = nxt === tgt;
      const unfixed = aFixed ? amountDeltaB(sp, nxt, liq, !exactIn) : amountDeltaA(sp, nxt, liq, !exactIn);
      const fixed = !isMax || overflow ? (aFixed ? amountDeltaA(sp, nxt, liq, exactIn) : amountDeltaB(sp, nxt, liq, exactIn)) : fmax;
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
      // Fee accounting as in the program's calculate_fees: the protocol share first, the rest grows
      // the global fee counter of the input token per unit of active liquidity (u128 wrapping).
      if (stepFee > 0n) {
        const p = (stepFee * BigInt(pool.protocolFeeRate)) / 10_000n;
        proto += p;
        if (liq > 0n) {
          const g = ((stepFee - p) << 64n) / liq;
          if (aToB) fgA = (fgA + g) % U128;
          else fgB = (fgB + g) % U128;
        }
      }
      if (nxt === ntSqrt) {
        if (initialized) {
          const net = loaded.net.get(nt) ?? 0n;
          liq = aToB ? liq - net : liq + net;
          if (liq < 0n) err(6015, 'LiquidityUnderflow');
          crossings.push({ tick: nt, feeGrowthGlobalA: fgA, feeGrowthGlobalB: fgB });
        }
        tick = aToB ? nt - 1 : nt;
      } else if (nxt !== sp) {
        tick = tickAtSqrtPrice(nxt);
      }
      sp = nxt;
    } while (rem !== 0n && sp !== tgt);
  }
  if (!exactIn && rem > 0n && sqrtPriceLimit === 0n) err(WhirlpoolErr.PartialFillError, 'PartialFillError');
  return {
    amountIn: exactIn ? amount - rem : acc,
    amountOut: exactIn ? acc : amount - rem,
    fee: fees,
    protocolFee: proto,
    sqrtPrice: sp,
    tickCurrentIndex: tick,
    liquidity: liq,
    feeGrowthGlobalA: fgA,
    feeGrowthGlobalB: fgB,
    crossings,
  };
}
