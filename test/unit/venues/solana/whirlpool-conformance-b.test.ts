import { describe, expect, it } from 'vitest';
import { caseGenerator } from './whirlpool-gen.ts';
import { runConformance } from './whirlpool-oracle.ts';

// Half of the ≥10,000-case bit-exactness check against @orca-so/whirlpools-core (the other half, with
// another seed, is whirlpool-conformance-a.test.ts; two files so vitest runs them on both cores).
// Seeded: a failure prints the case, and the same seed reproduces it.
describe('Whirlpool quote vs @orca-so/whirlpools-core (seed 2)', () => {
  it('agrees on 5,000 random pools and amounts: amounts, fee, and the error when the core errors', () => {
    const stats = runConformance(caseGenerator(2), 5000);
    expect(stats.mismatches.slice(0, 5)).toEqual([]);
    expect(stats.agreedQuotes + stats.agreedErrors).toBe(5000);
    // The generator must actually exercise the interesting paths, or the check proves little.
    expect(stats.agreedQuotes).toBeGreaterThan(3000);
    expect(stats.crossedTicks).toBeGreaterThan(500);
    expect(stats.agreedErrors).toBeGreaterThan(200);
  }, 180_000);
});
