import { seededRandom } from '../../shared/clock.ts';

/** A seeded random stream with the few distributions the market model needs. */
export interface Rng {
  uniform(): number;
  /** Standard normal (Box-Muller; the second value is discarded so every call consumes exactly two draws). */
  normal(): number;
  int(lo: number, hi_inclusive: number): number;
  chance(p: number): boolean;
}

export function makeRng(seed: number): Rng {
  const u = seededRandom(seed);
  const uniform = (): number => u();
  return {
    uniform,
    normal() {
      const a = 1 - uniform();
      const b = uniform();
      return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * b);
    },
    int(lo, hi) {
      return lo + Math.floor(uniform() * (hi - lo + 1));
    },
    chance(p) {
      return uniform() < p;
    },
  };
}

/**
 * One independent stream per named component (FNV-1a of the name mixed with the seed), so adding an
 * asset or a venue does not shift the random numbers every other component sees.
 */
export function streamRng(seed: number, name: string): Rng {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return makeRng(h);
}
