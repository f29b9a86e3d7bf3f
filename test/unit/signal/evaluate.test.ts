import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cexBuyCost, dexBuyBase, dexSellBase, netPnl, visibleDepth } from '../../../src/actors/signal/evaluate.ts';

const book = (pairs: number[][]) => new Float64Array(pairs.flat());

describe('signal arithmetic', () => {
  it('walks CEX levels for the cost of a size, NaN when the depth runs out', () => {
    const asks = book([[100, 1], [101, 2], [102, 5]]);
    expect(cexBuyCost(asks, 0, 3, 0.5)).toBe(50);
    expect(cexBuyCost(asks, 0, 3, 2)).toBe(100 + 101);
    expect(cexBuyCost(asks, 0, 3, 8)).toBe(100 + 202 + 510);
    expect(cexBuyCost(asks, 0, 3, 8.5)).toBeNaN();
    expect(visibleDepth(asks, 0, 3, 101.5, true)).toBe(3);
    const bids = book([[99, 1], [98, 2]]);
    expect(visibleDepth(bids, 0, 2, 98.5, false)).toBe(1);
  });

  it('interpolates the DEX ladder conservatively: never more out, never less in, than the true curve', () => {
    // A constant-product pool: base reserve X, quote reserve Y. Selling q base yields Yq/(X+q);
    // buying q base costs Yq/(X−q). Sample 8 exact points and compare at random sizes in between.
    fc.assert(
      fc.property(fc.double({ min: 100, max: 1e6, noNaN: true }), fc.double({ min: 1e3, max: 1e8, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (X, Y, frac) => {
        const sizes = Array.from({ length: 8 }, (_, i) => (X / 20) * 2 ** (i - 7) * 8);
        const sell = new Float64Array(sizes.flatMap((q) => [q, (Y * q) / (X + q)]));
        const buy = new Float64Array(sizes.flatMap((q) => [(Y * q) / (X - q), q]));
        const q = frac * sizes[7]!;
        expect(dexSellBase(sell, 0, 8, q)).toBeLessThanOrEqual((Y * q) / (X + q) * (1 + 1e-12) + 1e-9);
        expect(dexBuyBase(buy, 0, 8, q)).toBeGreaterThanOrEqual((Y * q) / (X - q) * (1 - 1e-12) - 1e-9);
        expect(dexSellBase(sell, 0, 8, sizes[7]! * 1.01)).toBeNaN();
      }),
      { seed: 3, numRuns: 500 },
    );
  });

  it('computes net PnL with fees, haircut and fixed costs on both legs', () => {
    const asks = book([[100, 10]]);
    const bids = book([[100, 10]]);
    const ladder = new Float64Array(64);
    ladder.set([1, 103, 10, 1030], 0); // sell base: 1 → 103, 10 → 1030 (linear for the test)
    ladder.set([97, 1, 970, 10], 32); // buy base: 97 → 1, 970 → 10
    const costs = { takerFeeBps: 50, haircutPct: 1, fixedCostQuote: 0.5, usdPerDexQuote: 1 };
    const out = new Float64Array(2);
    const p1 = netPnl(true, 2, asks, 0, 1, ladder, 0, 32, 2, costs, out);
    expect(out[0]).toBeCloseTo(200 * 1.005, 10);
    expect(p1).toBeCloseTo(206 * 0.99 - 0.5 - 201, 10);
    const p2 = netPnl(false, 2, bids, 0, 1, ladder, 0, 32, 2, costs, out);
    expect(out[0]).toBeCloseTo(194 * 1.01 + 0.5, 10);
    expect(p2).toBeCloseTo(200 * 0.995 - (194 * 1.01 + 0.5), 10);
  });
});
