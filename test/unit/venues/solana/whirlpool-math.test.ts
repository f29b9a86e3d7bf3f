import {
  getTickArrayStartTickIndex,
  sqrtPriceToPrice as coreSqrtPriceToPrice,
  sqrtPriceToTickIndex,
  tickIndexToSqrtPrice,
  tryGetAmountDeltaA,
  tryGetAmountDeltaB,
  tryGetNextSqrtPriceFromA,
  tryGetNextSqrtPriceFromB,
} from '@orca-so/whirlpools-core';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../src/shared/clock.ts';
import {
  MAX_SQRT_PRICE,
  MAX_TICK_INDEX,
  MIN_SQRT_PRICE,
  MIN_TICK_INDEX,
  sqrtPriceAtTick,
  tickArrayStartIndex,
  tickArrayStartIndexes,
  tickAtSqrtPrice,
} from '../../../../src/actors/venues/solana/dex/whirlpool/tick-math.ts';
import {
  amountDeltaA,
  amountDeltaB,
  nextSqrtPriceFromA,
  nextSqrtPriceFromB,
} from '../../../../src/actors/venues/solana/dex/whirlpool/token-math.ts';
import { sqrtPriceToPrice, whirlpoolPriceIn } from '../../../../src/actors/venues/solana/dex/whirlpool/price.ts';
import { reservePrice } from '../../../../src/actors/venues/solana/dex/price.ts';
import { DexError } from '../../../../src/actors/venues/solana/dex/errors.ts';

const Q64 = 1n << 64n;

describe('tick ↔ sqrt price', () => {
  it('matches the documented vectors (reference §1.3)', () => {
    expect(sqrtPriceAtTick(0)).toBe(18446744073709551616n);
    expect(sqrtPriceAtTick(1)).toBe(18447666387855959850n);
    expect(sqrtPriceAtTick(-1)).toBe(18445821805675392311n);
    expect(sqrtPriceAtTick(MAX_TICK_INDEX)).toBe(MAX_SQRT_PRICE);
    expect(sqrtPriceAtTick(MIN_TICK_INDEX)).toBe(MIN_SQRT_PRICE);
  });

  it('equals the WASM on every 37th tick of the whole range and on random sqrt prices', () => {
    for (let t = MIN_TICK_INDEX; t <= MAX_TICK_INDEX; t += 37) expect(sqrtPriceAtTick(t)).toBe(tickIndexToSqrtPrice(t));
    const rnd = seededRandom(3);
    for (let i = 0; i < 5000; i++) {
      const t = Math.floor(rnd() * (MAX_TICK_INDEX - MIN_TICK_INDEX)) + MIN_TICK_INDEX;
      const lo = sqrtPriceAtTick(t);
      const hi = sqrtPriceAtTick(t + 1);
      const s = lo + ((hi - lo) * BigInt(Math.floor(rnd() * 2 ** 31))) / 2n ** 31n;
      expect(tickAtSqrtPrice(s)).toBe(sqrtPriceToTickIndex(s));
      expect(tickAtSqrtPrice(lo)).toBe(t);
    }
    expect(tickAtSqrtPrice(MAX_SQRT_PRICE)).toBe(sqrtPriceToTickIndex(MAX_SQRT_PRICE));
    expect(tickAtSqrtPrice(MIN_SQRT_PRICE)).toBe(sqrtPriceToTickIndex(MIN_SQRT_PRICE));
  });

  it('tick array start index: documented vectors, WASM agreement, the 5 arrays around the current one', () => {
    expect(tickArrayStartIndex(-624, 8)).toBe(-704);
    expect(tickArrayStartIndex(740, 8)).toBe(704);
    expect(tickArrayStartIndex(338433, 128)).toBe(337920);
    expect(tickArrayStartIndex(-337409, 128)).toBe(-337920);
    for (const [t, ts] of [[-18835, 4], [0, 64], [-1, 1], [443635, 256], [-443636, 32896]] as const) {
      expect(tickArrayStartIndex(t, ts)).toBe(getTickArrayStartTickIndex(t, ts));
    }
    // reference §1.2: the HJPjo… (ts 64) arrays around tick 0.
    expect(tickArrayStartIndexes(100, 64)).toEqual([-11264, -5632, 0, 5632, 11264]);
  });
});

describe('token math primitives', () => {
  it('matches the core test vectors (reference §1.5)', () => {
    expect(amountDeltaA(4n << 64n, 2n << 64n, 4n, true)).toBe(1n);
    expect(amountDeltaB(4n << 64n, 2n << 64n, 4n, true)).toBe(8n);
    expect(nextSqrtPriceFromA(4n << 64n, 4n, 1n, true)).toBe(2n << 64n);
    expect(nextSqrtPriceFromA(2n << 64n, 4n, 1n, false)).toBe(4n << 64n);
    expect(nextSqrtPriceFromB(2n << 64n, 4n, 8n, true)).toBe(4n << 64n);
  });

  it('equals the WASM primitives on random inputs, including their errors', () => {
    const rnd = seededRandom(9);
    const big = (bits: number): bigint => BigInt(Math.floor(rnd() * 2 ** 30)) << BigInt(Math.max(0, Math.floor(rnd() * bits) - 30));
    const run = (f: () => bigint): string => {
      try {
        return f().toString();
      } catch (e) {
        return e instanceof DexError ? `E:${e.coreError}` : `E:${String(e)}`;
      }
    };
    for (let i = 0; i < 3000; i++) {
      const p0 = sqrtPriceAtTick(Math.floor(rnd() * 200000) - 100000);
      const p1 = sqrtPriceAtTick(Math.floor(rnd() * 200000) - 100000);
      const l = big(100);
      const amt = big(64) & ((1n << 64n) - 1n);
      const up = rnd() < 0.5;
      expect(run(() => amountDeltaA(p0, p1, l, up))).toBe(run(() => tryGetAmountDeltaA(p0, p1, l, up)));
      expect(run(() => amountDeltaB(p0, p1, l, up))).toBe(run(() => tryGetAmountDeltaB(p0, p1, l, up)));
      if (l > 0n) {
        expect(run(() => nextSqrtPriceFromA(p0, l, amt, up))).toBe(run(() => tryGetNextSqrtPriceFromA(p0, l, amt, up)));
        expect(run(() => nextSqrtPriceFromB(p0, l, amt, up))).toBe(run(() => tryGetNextSqrtPriceFromB(p0, l, amt, up)));
      }
    }
  });
});

describe('prices', () => {
  it('sqrt price → price with decimals (reference §1.6) and both mint orderings', () => {
    expect(sqrtPriceToPrice(10n * Q64, 6, 6)).toBe(100);
    const sol = 'So11111111111111111111111111111111111111112';
    const usdc = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
    const pool = { sqrtPrice: 7193838297492601595n, tokenMintA: sol, tokenMintB: usdc };
    expect(whirlpoolPriceIn(pool, sol, usdc, 9, 6)).toBeCloseTo(152.0834297667, 9);
    expect(sqrtPriceToPrice(pool.sqrtPrice, 9, 6)).toBeCloseTo(coreSqrtPriceToPrice(pool.sqrtPrice, 9, 6), 9);
    // Same market seen from a pool where USDC is token A: the price of SOL in USDC is the inverse.
    expect(whirlpoolPriceIn(pool, usdc, sol, 6, 9)).toBeCloseTo(1 / 152.0834297667, 12);
    const flipped = { sqrtPrice: (Q64 * Q64) / 7193838297492601595n, tokenMintA: usdc, tokenMintB: sol };
    expect(whirlpoolPriceIn(flipped, sol, usdc, 9, 6)).toBeCloseTo(152.0834297667, 6);
    expect(() => whirlpoolPriceIn(pool, sol, 'Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB', 9, 6)).toThrow(RangeError);
  });

  it('reserve price with decimals', () => {
    expect(reservePrice(1_000_000_000_000n, 150_000_000_000n, 9, 6)).toBeCloseTo(150, 12);
    expect(reservePrice(150_000_000_000n, 1_000_000_000_000n, 6, 9)).toBeCloseTo(1 / 150, 12);
  });
});
