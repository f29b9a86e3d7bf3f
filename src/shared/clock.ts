/**
 * The clock seam. Every read of time in cambist goes through a `Clock`, so a seeded simulation can
 * replay identically with a `ManualClock` and so cross-thread timestamps share one source.
 *
 * Two time bases, never mixed:
 * - `monoUs()`: monotonic microseconds as a float64, from `process.hrtime` (CLOCK_MONOTONIC). It is
 *   comparable across worker threads of one process, which is what makes tick→signal latency a
 *   measurement rather than an estimate. A float64 holds µs exactly for ~285 years of uptime.
 * - `nowMs()`: epoch milliseconds (wall clock), for exchange times, records and logs.
 */
export interface Clock {
  monoUs(): number;
  nowMs(): number;
  /**
   * Epoch microseconds (wall clock, sub-millisecond). Comparable across threads and with a peer on
   * the same machine — what frame→signal latency needs, where a venue stamps its frames.
   */
  wallUs?(): number;
}

const hr = process.hrtime.bigint;

export const systemClock: Clock = {
  monoUs: () => Number(hr()) / 1000,
  nowMs: () => Date.now(),
  wallUs: () => (performance.timeOrigin + performance.now()) * 1000,
};

/** A clock that only moves when told to: for tests and deterministic replays. */
export class ManualClock implements Clock {
  constructor(
    private mono_us = 0,
    private wall_ms = 1_700_000_000_000,
  ) {}
  monoUs(): number {
    return this.mono_us;
  }
  nowMs(): number {
    return this.wall_ms;
  }
  wallUs(): number {
    return this.wall_ms * 1000;
  }
  advanceMs(ms: number): void {
    this.mono_us += ms * 1000;
    this.wall_ms += ms;
  }
}

/** Seeded PRNG (mulberry32): the randomness seam. Same seed → same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
