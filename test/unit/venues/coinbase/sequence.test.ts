import { describe, expect, it } from 'vitest';
import { CoinbaseSequence } from '../../../../src/actors/venues/coinbase/sequence.ts';

describe('CoinbaseSequence', () => {
  it('accepts +1 steps, flags a jump as a gap, ignores repeats, restarts on reset', () => {
    const s = new CoinbaseSequence();
    expect(s.observe(0)).toBe('ok');
    expect(s.observe(1)).toBe('ok');
    expect(s.observe(1)).toBe('stale');
    expect(s.observe(3)).toBe('gap');
    expect(s.gapCount).toBe(1);
    expect(s.observe(4)).toBe('ok'); // the gap's number is the new baseline
    expect(s.observe(2)).toBe('stale');
    s.reset();
    expect(s.observe(0)).toBe('ok');
    expect(s.lastSeq).toBe(0);
  });
});
