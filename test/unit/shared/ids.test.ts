import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientOrderId, pairIndex, tradeKey, windowId } from '../../../src/shared/ids.ts';

describe('deterministic identifiers', () => {
  it('derives the same trade key and client order ids from the same inputs, different ones otherwise', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1_700_000_000_000, max: 2_000_000_000_000 }), fc.integer({ min: 1, max: 50 }), (v, r, d, t, a) => {
        const w = windowId(t, pairIndex(v, r, d));
        const k = tradeKey('SOL', ['', 'coinbase', 'gemini', 'bitstamp'][v]!, r, d, w, a);
        expect(tradeKey('SOL', ['', 'coinbase', 'gemini', 'bitstamp'][v]!, r, d, w, a)).toBe(k);
        expect(k.length).toBeLessThanOrEqual(48);
        expect(clientOrderId(k, 'cex')).toBe(clientOrderId(k, 'cex'));
        expect(clientOrderId(k, 'cex')).not.toBe(clientOrderId(tradeKey('SOL', 'coinbase', r, d, w, a + 1), 'cex'));
        expect(clientOrderId(k, 'cex')).not.toBe(clientOrderId(k, 'hedge', 0));
        expect(Number.isSafeInteger(w)).toBe(true);
      }),
      { seed: 5, numRuns: 300 },
    );
  });

  it('gives every (venue, route, direction) its own pair slot', () => {
    const seen = new Set<number>();
    for (let v = 1; v <= 4; v++) for (let r = 0; r < 4; r++) for (let d = 1; d <= 2; d++) seen.add(pairIndex(v, r, d));
    expect(seen.size).toBe(32);
  });
});
