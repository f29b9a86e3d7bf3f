// Seeded random Whirlpool states for the conformance tests and the bench: consistent pools built from
// random positions (liquidity_net/gross on their ticks, active liquidity summed over positions that
// contain the current tick), so crossing a tick never drives liquidity negative, as on chain.
import { seededRandom } from '../../../../src/shared/clock.ts';
import type { Tick } from '../../../../src/actors/venues/solana/dex/whirlpool/decode.ts';
import {
  MAX_SQRT_PRICE,
  MAX_TICK_INDEX,
  MIN_TICK_INDEX,
  sqrtPriceAtTick,
  tickArrayStartIndex,
} from '../../../../src/actors/venues/solana/dex/whirlpool/tick-math.ts';

export interface GenPool {
  feeTierIndexSeed: Uint8Array;
  tickSpacing: number;
  feeRate: number;
  protocolFeeRate: number;
  liquidity: bigint;
  sqrtPrice: bigint;
  tickCurrentIndex: number;
  feeGrowthGlobalA: bigint;
  feeGrowthGlobalB: bigint;
  rewardLastUpdatedTimestamp: bigint;
  rewardInfos: { emissionsPerSecondX64: bigint; growthGlobalX64: bigint }[];
}

export interface GenTickArray {
  startTickIndex: number;
  ticks: Tick[];
}

export interface GenCase {
  pool: GenPool;
  tickArrays: GenTickArray[];
  amount: bigint;
  aToB: boolean;
  exactIn: boolean;
}

const SPACINGS = [1, 2, 4, 8, 16, 32, 64, 64, 96, 128, 128, 256, 512, 32896];
const FEES = [0, 1, 100, 300, 400, 500, 1000, 3000, 10000, 30000, 60000, 65535];

export function emptyTick(): Tick {
  return {
    initialized: false,
    liquidityNet: 0n,
    liquidityGross: 0n,
    feeGrowthOutsideA: 0n,
    feeGrowthOutsideB: 0n,
    rewardGrowthsOutside: [0n, 0n, 0n],
  };
}

export function staticPool(tickSpacing: number, feeRate: number, liquidity: bigint, sqrtPrice: bigint, tickCurrentIndex: number): GenPool {
  return {
    feeTierIndexSeed: new Uint8Array([tickSpacing & 0xff, tickSpacing >> 8]),
    tickSpacing,
    feeRate,
    protocolFeeRate: 1300,
    liquidity,
    sqrtPrice,
    tickCurrentIndex,
    feeGrowthGlobalA: 0n,
    feeGrowthGlobalB: 0n,
    rewardLastUpdatedTimestamp: 0n,
    rewardInfos: [0, 1, 2].map(() => ({ emissionsPerSecondX64: 0n, growthGlobalX64: 0n })),
  };
}

export function caseGenerator(seed: number): () => GenCase {
  const rnd = seededRandom(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  // Log-uniform bigint in [1, 2^bits): spans dust to whale sizes in one distribution.
  const logUniform = (bits: number): bigint => {
    const b = rnd() * bits;
    const whole = Math.floor(b);
    const mant = BigInt(Math.floor(2 ** (b - whole) * 2 ** 52));
    const v = whole >= 52 ? mant << BigInt(whole - 52) : mant >> BigInt(52 - whole);
    return v < 1n ? 1n : v;
  };

  return () => {
    const ts = pick(SPACINGS);
    const span = 88 * ts;
    const minAligned = Math.ceil(MIN_TICK_INDEX / ts) * ts;
    const maxAligned = Math.floor(MAX_TICK_INDEX / ts) * ts;
    const m = rnd();
    let cur = m < 0.06 ? int(MIN_TICK_INDEX, MIN_TICK_INDEX + 3 * span) : m < 0.12 ? int(MAX_TICK_INDEX - 3 * span, MAX_TICK_INDEX - 1) : int(-200_000, 200_000);
    cur = Math.max(MIN_TICK_INDEX, Math.min(MAX_TICK_INDEX - 1, cur));

    // Usually the SDK's 5 arrays centred on the current one; sometimes fewer, shifted, or gapped.
    const curStart = tickArrayStartIndex(cur, ts);
    let starts: number[];
    const layout = rnd();
    if (layout < 0.55) starts = [-2, -1, 0, 1, 2].map((k) => curStart + k * span);
    else if (layout < 0.75) starts = [0, 1, 2].map((k) => curStart + k * span);
    else if (layout < 0.88) starts = [-2, -1, 0].map((k) => curStart + k * span);
    else if (layout < 0.95) {
      const n = int(1, 6);
      const off = int(-n, 1);
      starts = Array.from({ length: n }, (_, k) => curStart + (off + k) * span);
    } else if (layout < 0.98) starts = [-1, 0, 1].map((k) => curStart + k * span);
    else starts = [-2, 0, 1].map((k) => curStart + k * span);
    if (rnd() < 0.3) starts.reverse();

    const net = new Map<number, bigint>();
    const gross = new Map<number, bigint>();
    let active = 0n;
    const addPosition = (lower: number, upper: number, l: bigint): void => {
      if (lower >= upper) return;
      net.set(lower, (net.get(lower) ?? 0n) + l);
      net.set(upper, (net.get(upper) ?? 0n) - l);
      gross.set(lower, (gross.get(lower) ?? 0n) + l);
      gross.set(upper, (gross.get(upper) ?? 0n) + l);
      if (lower <= cur && cur < upper) active += l;
    };
    const lBits = rnd() < 0.05 ? 120 : rnd() < 0.5 ? 64 : 90;
    if (rnd() < 0.6) addPosition(minAligned, maxAligned, logUniform(lBits));
    const nPos = int(0, 14);
    const lo = Math.min(...starts) - span;
    const hi = Math.max(...starts) + 2 * span;
    for (let i = 0; i < nPos; i++) {
      const a = Math.max(minAligned, Math.min(maxAligned, Math.floor(int(lo, hi) / ts) * ts));
      const w = rnd() < 0.5 ? int(1, 8) : int(1, 3 * 88);
      const b = Math.max(minAligned, Math.min(maxAligned, a + w * ts));
      addPosition(a, b, logUniform(lBits));
    }

    const tickArrays: GenTickArray[] = starts.map((s) => ({
      startTickIndex: s,
      ticks: Array.from({ length: 88 }, (_, i) => {
        const t = s + i * ts;
        const g = gross.get(t);
        if (g === undefined) return emptyTick();
        return { ...emptyTick(), initialized: true, liquidityNet: net.get(t) ?? 0n, liquidityGross: g };
      }),
    }));

    const lowSqrt = sqrtPriceAtTick(cur);
    const highSqrt = sqrtPriceAtTick(cur + 1);
    const pm = rnd();
    let sqrtPrice: bigint;
    if (pm < 0.7) sqrtPrice = lowSqrt + (((highSqrt - lowSqrt) * BigInt(Math.floor(rnd() * 2 ** 30))) >> 30n);
    else if (pm < 0.85) sqrtPrice = lowSqrt;
    else sqrtPrice = highSqrt; // state right after an a→b swap that stopped exactly on tick cur+1
    if (sqrtPrice > MAX_SQRT_PRICE) sqrtPrice = MAX_SQRT_PRICE;

    const feeRate = rnd() < 0.7 ? pick(FEES) : int(0, 65535);
    const amount = rnd() < 0.01 ? 0n : logUniform(rnd() < 0.1 ? 64 : 48);
    const u64max = (1n << 64n) - 1n;
    return {
      pool: staticPool(ts, feeRate, active, sqrtPrice, cur),
      tickArrays,
      amount: amount > u64max ? u64max : amount,
      aToB: rnd() < 0.5,
      exactIn: rnd() < 0.5,
    };
  };
}
