// Runs one generated case through our quoter and through @orca-so/whirlpools-core (the oracle) and
// reports whether they agree: same (amountIn, amountOut, fee) or the same core error string.
import { swapQuoteByInputToken, swapQuoteByOutputToken } from '@orca-so/whirlpools-core';
import { DexError } from '../../../../src/actors/venues/solana/dex/errors.ts';
import { quoteWhirlpool } from '../../../../src/actors/venues/solana/dex/whirlpool/quote.ts';
import type { GenCase } from './whirlpool-gen.ts';

export type Outcome = { amountIn: bigint; amountOut: bigint; feeAmount: bigint } | { error: string };

export function oursOutcome(c: GenCase): Outcome {
  try {
    return quoteWhirlpool(c);
  } catch (e) {
    if (e instanceof DexError) return { error: e.coreError ?? `(no core equivalent) ${e.code}` };
    throw e;
  }
}

export function coreOutcome(c: GenCase): Outcome {
  try {
    if (c.exactIn) {
      const q = swapQuoteByInputToken(c.amount, c.aToB, 0, c.pool, undefined, c.tickArrays, 0n);
      return { amountIn: q.tokenIn, amountOut: q.tokenEstOut, feeAmount: q.tradeFee };
    }
    const q = swapQuoteByOutputToken(c.amount, !c.aToB, 0, c.pool, undefined, c.tickArrays, 0n);
    return { amountIn: q.tokenEstIn, amountOut: q.tokenOut, feeAmount: q.tradeFee };
  } catch (e) {
    // The core throws its errors as bare strings; anything else would be a panic inside the WASM.
    return { error: typeof e === 'string' ? e : `non-string throw: ${String(e)}` };
  }
}

export function describeCase(c: GenCase): string {
  return JSON.stringify(
    {
      ts: c.pool.tickSpacing,
      fee: c.pool.feeRate,
      liquidity: c.pool.liquidity,
      sqrtPrice: c.pool.sqrtPrice,
      tick: c.pool.tickCurrentIndex,
      amount: c.amount,
      aToB: c.aToB,
      exactIn: c.exactIn,
      starts: c.tickArrays.map((t) => t.startTickIndex),
    },
    (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
  );
}

export interface ConformanceStats {
  cases: number;
  agreedQuotes: number;
  agreedErrors: number;
  crossedTicks: number;
  mismatches: string[];
}

/** Runs `n` cases; `crossedTicks` counts successful quotes whose result depends on initialized ticks. */
export function runConformance(gen: () => GenCase, n: number): ConformanceStats {
  const stats: ConformanceStats = { cases: n, agreedQuotes: 0, agreedErrors: 0, crossedTicks: 0, mismatches: [] };
  for (let i = 0; i < n; i++) {
    const c = gen();
    const ours = oursOutcome(c);
    const core = coreOutcome(c);
    if ('error' in ours || 'error' in core) {
      if ('error' in ours && 'error' in core && ours.error === core.error) stats.agreedErrors++;
      else stats.mismatches.push(`${describeCase(c)} ours=${fmt(ours)} core=${fmt(core)}`);
      continue;
    }
    if (ours.amountIn === core.amountIn && ours.amountOut === core.amountOut && ours.feeAmount === core.feeAmount) {
      stats.agreedQuotes++;
      const flat = oursOutcome({ ...c, tickArrays: c.tickArrays.map((a) => ({ ...a, ticks: a.ticks.map((t) => ({ ...t, initialized: false })) })) });
      if ('error' in flat || flat.amountIn !== ours.amountIn || flat.amountOut !== ours.amountOut) stats.crossedTicks++;
    } else stats.mismatches.push(`${describeCase(c)} ours=${fmt(ours)} core=${fmt(core)}`);
  }
  return stats;
}

function fmt(o: Outcome): string {
  return 'error' in o ? `error(${o.error})` : `(${o.amountIn}, ${o.amountOut}, ${o.feeAmount})`;
}
