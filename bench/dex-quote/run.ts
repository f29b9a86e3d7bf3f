// Cost of one 16-point PoolQuote ladder (8 exact-in sizes × 2 directions): our BigInt Whirlpool math vs
// @orca-so/whirlpools-core (WASM) on identical inputs (5 tick arrays, initialized ticks being crossed),
// plus Raydium AMM v4 and CPMM ladders. Usage: npx tsx bench/dex-quote/run.ts [--json FILE]
import { writeFileSync } from 'node:fs';
import { swapQuoteByInputToken } from '@orca-so/whirlpools-core';
import { ammV4Quoter, cpmmQuoter, createLadderBuffers, fillLadder, whirlpoolQuoter } from '../../src/actors/venues/solana/dex/ladder.ts';
import type { Tick } from '../../src/actors/venues/solana/dex/whirlpool/decode.ts';
import { prepareWhirlpool } from '../../src/actors/venues/solana/dex/whirlpool/quote.ts';
import { tickArrayStartIndexes } from '../../src/actors/venues/solana/dex/whirlpool/tick-math.ts';

const emptyTick = (): Tick => ({
  initialized: false, liquidityNet: 0n, liquidityGross: 0n, feeGrowthOutsideA: 0n, feeGrowthOutsideB: 0n, rewardGrowthsOutside: [0n, 0n, 0n],
});

// SOL/USDC Czfq3… state (reference §1.7) with a ladder of positions on both sides of the price, so
// larger sizes cross several initialized ticks; liquidity stays consistent with the positions.
const TS = 4;
const CUR = -18835;
const starts = tickArrayStartIndexes(CUR, TS);
const arrays = starts.map((s) => ({ startTickIndex: s, ticks: Array.from({ length: 88 }, emptyTick) }));
let active = 740_600_641_175_286n;
const addPosition = (lower: number, upper: number, l: bigint): void => {
  for (const [t, d] of [[lower, l], [upper, -l]] as const) {
    const a = arrays.find((x) => t >= x.startTickIndex && t < x.startTickIndex + 88 * TS);
    if (!a) continue;
    const tk = a.ticks[(t - a.startTickIndex) / TS]!;
    a.ticks[(t - a.startTickIndex) / TS] = { ...tk, initialized: true, liquidityNet: tk.liquidityNet + d, liquidityGross: tk.liquidityGross + (d < 0n ? -d : d) };
  }
  if (lower <= CUR && CUR < upper) active += l;
};
for (let k = 1; k <= 12; k++) addPosition(CUR - (CUR % TS) - 4 * k, CUR - (CUR % TS) + 4 * k, 5_000_000_000_000n * BigInt(k));
const pool = {
  feeTierIndexSeed: new Uint8Array([TS, 0]), tickSpacing: TS, feeRate: 400, protocolFeeRate: 1300, liquidity: active,
  sqrtPrice: 7193838297492601595n, tickCurrentIndex: CUR, feeGrowthGlobalA: 0n, feeGrowthGlobalB: 0n,
  rewardLastUpdatedTimestamp: 0n, rewardInfos: [0, 1, 2].map(() => ({ emissionsPerSecondX64: 0n, growthGlobalX64: 0n })),
};
// 0.1 … 5,000 SOL and 10 … 750,000 USDC (raw units): the large end crosses several initialized ticks.
const SOL_SIZES = [1e8, 1e9, 1e10, 5e10, 2e11, 5e11, 1e12, 5e12];
const USDC_SIZES = [1e7, 1e8, 1e9, 5e9, 2e10, 5e10, 1e11, 7.5e11];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** µs per ladder: median of `reps` timed batches of `n` ladders, after a warm-up batch. */
function time(n: number, reps: number, ladder: () => void): number {
  for (let i = 0; i < n; i++) ladder();
  const runs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) ladder();
    runs.push(((performance.now() - t0) * 1000) / n);
  }
  return median(runs);
}

const buf = createLadderBuffers(SOL_SIZES, USDC_SIZES);
const coreOut = new Float64Array(16);

const ours = (): void => {
  // The prepare step (flattening the tick arrays) is part of the cost: it runs once per pool update.
  fillLadder(whirlpoolQuoter(prepareWhirlpool(pool, arrays)), buf);
};
const core = (): void => {
  for (let i = 0; i < 8; i++) coreOut[i] = Number(swapQuoteByInputToken(BigInt(SOL_SIZES[i]!), true, 0, pool, undefined, arrays, 0n).tokenEstOut);
  for (let i = 0; i < 8; i++) coreOut[8 + i] = Number(swapQuoteByInputToken(BigInt(USDC_SIZES[i]!), false, 0, pool, undefined, arrays, 0n).tokenEstOut);
};

// Cross-check before timing: identical outputs on every point, or the numbers mean nothing.
ours();
core();
for (let i = 0; i < 8; i++) {
  if (buf.outForward[i] !== coreOut[i] || buf.outReverse[i] !== coreOut[8 + i]) {
    throw new Error(`ladder mismatch at ${i}: ours ${buf.outForward[i]}/${buf.outReverse[i]} core ${coreOut[i]}/${coreOut[8 + i]}`);
  }
}
const prep = prepareWhirlpool(pool, arrays);
const crossings = prep.seq.ticks.length;
// Points whose output changes when the ticks are ignored are the ones that cross initialized ticks.
const flatBuf = createLadderBuffers(SOL_SIZES, USDC_SIZES);
fillLadder(whirlpoolQuoter(prepareWhirlpool(pool, arrays.map((a) => ({ ...a, ticks: a.ticks.map(emptyTick) })))), flatBuf);
let crossingPoints = 0;
for (let k = 0; k < 8; k++) {
  if (flatBuf.outForward[k] !== buf.outForward[k]) crossingPoints++;
  if (flatBuf.outReverse[k] !== buf.outReverse[k]) crossingPoints++;
}

const ammState = {
  pool: { status: 6n, poolOpenTime: 0n, swapFeeNumerator: 25n, swapFeeDenominator: 10000n, baseNeedTakePnl: 1_000_000n, quoteNeedTakePnl: 150_000n },
  baseVaultAmount: 1_000_001_000_000n,
  quoteVaultAmount: 150_000_150_000n,
};
const cpState = {
  pool: { status: 0, openTime: 0n, creatorFeeOn: 0, enableCreatorFee: true, protocolFeesToken0: 10n, protocolFeesToken1: 1n, fundFeesToken0: 5n, fundFeesToken1: 1n, creatorFeesToken0: 3n, creatorFeesToken1: 1n },
  config: { tradeFeeRate: 2500n, protocolFeeRate: 120_000n, fundFeeRate: 40_000n, creatorFeeRate: 500n },
  vault0Amount: 1_000_000_000_018n,
  vault1Amount: 150_000_000_003n,
};

const whirlpoolOursUs = time(300, 7, ours);
const whirlpoolCoreUs = time(30, 7, core);
const ammUs = time(2000, 7, () => fillLadder(ammV4Quoter(ammState), buf));
const cpmmUs = time(2000, 7, () => fillLadder(cpmmQuoter(cpState), buf));

const result = {
  bench: 'dex-quote',
  node: process.version,
  ladderPoints: 16,
  whirlpool: {
    tickArrays: arrays.length,
    initializedTicksLoaded: crossings,
    pointsCrossingTicks: crossingPoints,
    oursUsPerLadder: round(whirlpoolOursUs),
    coreWasmUsPerLadder: round(whirlpoolCoreUs),
    coreOverOurs: round(whirlpoolCoreUs / whirlpoolOursUs),
  },
  raydiumAmmV4: { usPerLadder: round(ammUs) },
  raydiumCpmm: { usPerLadder: round(cpmmUs) },
  target: { whirlpoolUsPerLadder: 1000, note: 'a ladder per pool update must fit well inside one slot (~400 ms) next to decoding; 1 ms keeps one feed thread far from saturation' },
};

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

console.log(`16-point ladder (8 sizes x 2 directions), median µs per ladder
  Whirlpool, ours (BigInt, incl. prepare) : ${result.whirlpool.oursUsPerLadder}
  Whirlpool, @orca-so/whirlpools-core     : ${result.whirlpool.coreWasmUsPerLadder}   (core / ours = ${result.whirlpool.coreOverOurs}x)
  Raydium AMM v4                           : ${result.raydiumAmmV4.usPerLadder}
  Raydium CPMM                             : ${result.raydiumCpmm.usPerLadder}`);

const i = process.argv.indexOf('--json');
if (i >= 0) {
  const file = process.argv[i + 1];
  if (file === undefined) throw new Error('--json needs a file name');
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote ${file}`);
}
