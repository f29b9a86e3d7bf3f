import { readFileSync } from 'node:fs';
import { getOracleEncoder, getWhirlpoolEncoder } from '@orca-so/whirlpools-client';
import { swapQuoteByInputToken, swapQuoteByOutputToken } from '@orca-so/whirlpools-core';
import { address } from '@solana/kit';
import { describe, expect, it } from 'vitest';
import { DexError } from '../../../../src/actors/venues/solana/dex/errors.ts';
import { decodeOracle, decodeWhirlpool } from '../../../../src/actors/venues/solana/dex/whirlpool/decode.ts';
import { quoteWhirlpool } from '../../../../src/actors/venues/solana/dex/whirlpool/quote.ts';
import { sqrtPriceAtTick, tickArrayStartIndexes } from '../../../../src/actors/venues/solana/dex/whirlpool/tick-math.ts';
import { emptyTick, staticPool } from './whirlpool-gen.ts';

interface Vector {
  address: string;
  whirlpoolsConfig: string;
  tickSpacing: number;
  feeTierIndexSeed: number[];
  feeRate: number;
  protocolFeeRate: number;
  liquidity: string;
  sqrtPrice: string;
  tickCurrentIndex: number;
  protocolFeeOwedA: string;
  protocolFeeOwedB: string;
  tokenMintA: string;
  tokenVaultA: string;
  feeGrowthGlobalA: string;
  tokenMintB: string;
  tokenVaultB: string;
  feeGrowthGlobalB: string;
  rewardLastUpdatedTimestamp: string;
  reward0Mint: string;
  currentTickArrayStart: number;
  expected: {
    quotesWithFiveEmptyTickArrays: { what: string; amount: string; aToB: boolean; exactIn: boolean; amountIn: string; amountOut: string; feeAmount: string }[];
  };
}

const vec = JSON.parse(
  readFileSync(new URL('../../../fixtures/solana/whirlpool_sol_usdc_czfq3_slot351642304.json', import.meta.url), 'utf8'),
) as Vector;
const SYSTEM = address('11111111111111111111111111111111');

// The account bytes are rebuilt with the official encoder from the documented fields; fields the
// reference does not list (bump, rewards 1–2, growth values) are zero/System placeholders.
function vectorAccountBytes(): Uint8Array {
  const reward = { mint: SYSTEM, vault: SYSTEM, extension: new Uint8Array(32), emissionsPerSecondX64: 0n, growthGlobalX64: 0n };
  return new Uint8Array(
    getWhirlpoolEncoder().encode({
      whirlpoolsConfig: address(vec.whirlpoolsConfig),
      whirlpoolBump: new Uint8Array([255]),
      tickSpacing: vec.tickSpacing,
      feeTierIndexSeed: Uint8Array.from(vec.feeTierIndexSeed),
      feeRate: vec.feeRate,
      protocolFeeRate: vec.protocolFeeRate,
      liquidity: BigInt(vec.liquidity),
      sqrtPrice: BigInt(vec.sqrtPrice),
      tickCurrentIndex: vec.tickCurrentIndex,
      protocolFeeOwedA: BigInt(vec.protocolFeeOwedA),
      protocolFeeOwedB: BigInt(vec.protocolFeeOwedB),
      tokenMintA: address(vec.tokenMintA),
      tokenVaultA: address(vec.tokenVaultA),
      feeGrowthGlobalA: BigInt(vec.feeGrowthGlobalA),
      tokenMintB: address(vec.tokenMintB),
      tokenVaultB: address(vec.tokenVaultB),
      feeGrowthGlobalB: BigInt(vec.feeGrowthGlobalB),
      rewardLastUpdatedTimestamp: BigInt(vec.rewardLastUpdatedTimestamp),
      rewardInfos: [{ ...reward, mint: address(vec.reward0Mint) }, reward, reward],
    }),
  );
}

const emptyArrays = (tick: number, ts: number, count = 5) =>
  tickArrayStartIndexes(tick, ts, count).map((s) => ({ startTickIndex: s, ticks: Array.from({ length: 88 }, emptyTick) }));

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof DexError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('real SOL/USDC Whirlpool vector (Czfq3…, reference §1.7)', () => {
  const pool = decodeWhirlpool(vectorAccountBytes(), { label: vec.address });
  const arrays = emptyArrays(pool.tickCurrentIndex, pool.tickSpacing);

  it('decodes the documented fields', () => {
    expect(pool.tickSpacing).toBe(4);
    expect(pool.feeRate).toBe(400);
    expect(pool.liquidity).toBe(740600641175286n);
    expect(pool.sqrtPrice).toBe(7193838297492601595n);
    expect(pool.tickCurrentIndex).toBe(-18835);
    expect(pool.tokenMintA).toBe(vec.tokenMintA);
    expect(pool.tokenMintB).toBe(vec.tokenMintB);
    expect(pool.rewardInfos[0]!.mint).toBe(vec.reward0Mint);
    expect(arrays[2]!.startTickIndex).toBe(vec.currentTickArrayStart);
  });

  for (const q of vec.expected.quotesWithFiveEmptyTickArrays) {
    it(`${q.what}: documented amounts, equal to the WASM`, () => {
      const ours = quoteWhirlpool({ pool, tickArrays: arrays, amount: BigInt(q.amount), aToB: q.aToB, exactIn: q.exactIn });
      expect(ours).toEqual({ amountIn: BigInt(q.amountIn), amountOut: BigInt(q.amountOut), feeAmount: BigInt(q.feeAmount) });
      const core = q.exactIn
        ? swapQuoteByInputToken(BigInt(q.amount), q.aToB, 0, pool, undefined, arrays, 0n)
        : swapQuoteByOutputToken(BigInt(q.amount), !q.aToB, 0, pool, undefined, arrays, 0n);
      expect(ours.feeAmount).toBe(core.tradeFee);
    });
  }

  it('a size that runs past the loaded arrays fails with DEX_QUOTE_INSUFFICIENT_TICK_ARRAYS (retryable), like the core', () => {
    let err: unknown;
    try {
      quoteWhirlpool({ pool, tickArrays: arrays, amount: 1_000_000_000_000_000n, aToB: true, exactIn: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DexError);
    expect((err as DexError).code).toBe('DEX_QUOTE_INSUFFICIENT_TICK_ARRAYS');
    expect((err as DexError).retry).toBe('retryable');
    expect(() => swapQuoteByInputToken(1_000_000_000_000_000n, true, 0, pool, undefined, arrays, 0n)).toThrow('Invalid tick array sequence');
  });

  it('array-set errors have stable codes: none, gap, too many', () => {
    expect(codeOf(() => quoteWhirlpool({ pool, tickArrays: [], amount: 1n, aToB: true, exactIn: true }))).toBe('DEX_QUOTE_TICK_ARRAYS_INVALID');
    const gap = [arrays[0]!, arrays[2]!, arrays[3]!];
    expect(codeOf(() => quoteWhirlpool({ pool, tickArrays: gap, amount: 1n, aToB: true, exactIn: true }))).toBe('DEX_QUOTE_TICK_ARRAYS_NOT_CONTIGUOUS');
    const seven = emptyArrays(pool.tickCurrentIndex, pool.tickSpacing, 7);
    expect(codeOf(() => quoteWhirlpool({ pool, tickArrays: seven, amount: 1n, aToB: true, exactIn: true }))).toBe('DEX_QUOTE_TICK_ARRAYS_INVALID');
    // Arrays wholly below the current tick (a stale subscription after the price rose).
    const below = arrays.map((a) => ({ ...a, startTickIndex: a.startTickIndex - 10 * 352 }));
    expect(codeOf(() => quoteWhirlpool({ pool, tickArrays: below, amount: 1n, aToB: true, exactIn: true }))).toBe('DEX_QUOTE_TICK_ARRAYS_MISS_CURRENT');
    expect(() => swapQuoteByInputToken(1n, true, 0, pool, undefined, below, 0n)).toThrow('Tick index out of bounds');
    expect(codeOf(() => quoteWhirlpool({ pool, tickArrays: arrays, amount: 0n, aToB: true, exactIn: true }))).toBe('DEX_QUOTE_AMOUNT');
    expect(codeOf(() => quoteWhirlpool({ pool, tickArrays: arrays, amount: 1n << 64n, aToB: true, exactIn: true }))).toBe('DEX_QUOTE_AMOUNT');
  });
});

describe('price limit', () => {
  // One initialized tick below the price so the limit interacts with a crossing.
  const ts = 64;
  const cur = 1000;
  const arrays = emptyArrays(cur, ts);
  arrays[2]!.ticks[10] = { ...emptyTick(), initialized: true, liquidityNet: 5_000_000_000n, liquidityGross: 5_000_000_000n };
  const pool = staticPool(ts, 3000, 10_000_000_000n, sqrtPriceAtTick(cur) + 12345n, cur);

  it('stops at the limit (crossing the tick on the way): a partial fill, consistent with an unlimited quote of the input it used', () => {
    const limit = sqrtPriceAtTick(500);
    const full = quoteWhirlpool({ pool, tickArrays: arrays, amount: 1_000_000_000n, aToB: true, exactIn: true });
    const capped = quoteWhirlpool({ pool, tickArrays: arrays, amount: 1_000_000_000n, aToB: true, exactIn: true, sqrtPriceLimit: limit });
    expect(full.amountIn).toBe(1_000_000_000n);
    expect(capped.amountIn).toBeLessThan(full.amountIn);
    expect(capped.amountOut).toBeLessThan(full.amountOut);
    // Re-quoting exactly the input the capped swap used, without a limit, ends at (or just above) the limit.
    const again = quoteWhirlpool({ pool, tickArrays: arrays, amount: capped.amountIn, aToB: true, exactIn: true });
    expect(again.amountOut).toBe(capped.amountOut);
  });

  it('a limit on the wrong side or outside the range is DEX_QUOTE_PRICE_LIMIT', () => {
    const up = pool.sqrtPrice + 1n;
    expect(codeOf(() => quoteWhirlpool({ pool, tickArrays: arrays, amount: 1000n, aToB: true, exactIn: true, sqrtPriceLimit: up }))).toBe('DEX_QUOTE_PRICE_LIMIT');
    expect(codeOf(() => quoteWhirlpool({ pool, tickArrays: arrays, amount: 1000n, aToB: true, exactIn: true, sqrtPriceLimit: 5n }))).toBe('DEX_QUOTE_PRICE_LIMIT');
  });
});

describe('adaptive-fee pools go through @orca-so/whirlpools-core with the oracle', () => {
  const ts = 64;
  const cur = -18_000;
  const pool = { ...staticPool(ts, 3000, 5_000_000_000_000n, sqrtPriceAtTick(cur) + 999n, cur), feeTierIndexSeed: new Uint8Array([0x40, 0x04]) };
  const arrays = emptyArrays(cur, ts);
  const oracle = decodeOracle(
    new Uint8Array(
      getOracleEncoder().encode({
        whirlpool: SYSTEM,
        tradeEnableTimestamp: 0n,
        adaptiveFeeConstants: {
          filterPeriod: 30,
          decayPeriod: 600,
          reductionFactor: 5000,
          adaptiveFeeControlFactor: 4000,
          maxVolatilityAccumulator: 350_000,
          tickGroupSize: 64,
          majorSwapThresholdTicks: 64,
          reserved: new Uint8Array(16),
        },
        adaptiveFeeVariables: {
          lastReferenceUpdateTimestamp: 1_700_000_000n,
          lastMajorSwapTimestamp: 1_700_000_000n,
          volatilityReference: 0,
          tickGroupIndexReference: Math.floor(cur / 64),
          volatilityAccumulator: 0,
          reserved: new Uint8Array(16),
        },
        reserved: new Uint8Array(128),
      }),
    ),
  );
  const timestampSec = 1_700_000_010n;

  it('equals the core called directly, in both directions and both modes', () => {
    for (const aToB of [true, false]) {
      const amount = aToB ? 50_000_000_000n : 5_000_000_000n;
      const ours = quoteWhirlpool({ pool, tickArrays: arrays, amount, aToB, exactIn: true, oracle, timestampSec });
      const core = swapQuoteByInputToken(amount, aToB, 0, pool, oracle, arrays, timestampSec);
      expect(ours).toEqual({ amountIn: core.tokenIn, amountOut: core.tokenEstOut, feeAmount: core.tradeFee });
      // A big swap moves through tick groups, so the adaptive part must have raised the fee.
      expect(core.tradeFeeRateMax).toBeGreaterThan(3000);
      const outQ = quoteWhirlpool({ pool, tickArrays: arrays, amount: ours.amountOut, aToB, exactIn: false, oracle, timestampSec });
      const coreOut = swapQuoteByOutputToken(ours.amountOut, !aToB, 0, pool, oracle, arrays, timestampSec);
      expect(outQ).toEqual({ amountIn: coreOut.tokenEstIn, amountOut: coreOut.tokenOut, feeAmount: coreOut.tradeFee });
    }
  });

  it('without the oracle (or a timestamp) it is DEX_QUOTE_ORACLE', () => {
    expect(codeOf(() => quoteWhirlpool({ pool, tickArrays: arrays, amount: 1000n, aToB: true, exactIn: true }))).toBe('DEX_QUOTE_ORACLE');
    expect(codeOf(() => quoteWhirlpool({ pool, tickArrays: arrays, amount: 1000n, aToB: true, exactIn: true, oracle }))).toBe('DEX_QUOTE_ORACLE');
    const staticOne = staticPool(ts, 3000, 1n, pool.sqrtPrice, cur);
    expect(codeOf(() => quoteWhirlpool({ pool: staticOne, tickArrays: arrays, amount: 1000n, aToB: true, exactIn: true, oracle, timestampSec }))).toBe('DEX_QUOTE_ORACLE');
  });
});
