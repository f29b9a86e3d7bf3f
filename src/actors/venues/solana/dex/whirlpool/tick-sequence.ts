import { DexErrorCode } from '../errors.ts';
import { MAX_TICK_INDEX, MIN_TICK_INDEX, TICKS_PER_ARRAY } from './tick-math.ts';
import { CoreErr, quoteFail } from './token-math.ts';

/** What the quoter needs from a tick array: the decoder's `TickArray` (either kind) satisfies it. */
export interface TickArrayLike {
  startTickIndex: number;
  ticks: ReadonlyArray<{ initialized: boolean; liquidityNet: bigint }>;
}

/**
 * The loaded tick arrays flattened into the initialized ticks inside [startIndex, endIndex], sorted, so the
 * swap loop finds the next crossing by binary search instead of walking 88-tick arrays. Bounds and error
 * behaviour mirror the core's TickArraySequence: the same inputs fail with the same error.
 */
export interface TickSequence {
  tickSpacing: number;
  /** First tick covered (clamped to MIN_TICK_INDEX). */
  startIndex: number;
  /** Last tick covered (clamped to MAX_TICK_INDEX). */
  endIndex: number;
  ticks: Int32Array;
  liquidityNet: bigint[];
}

export const MAX_TICK_ARRAYS = 6;

export function buildTickSequence(tickArrays: readonly TickArrayLike[], tickSpacing: number): TickSequence {
  if (tickArrays.length === 0) {
    quoteFail(DexErrorCode.QuoteTickArraysInvalid, CoreErr.tickSequenceEmpty, 'no tick arrays loaded');
  }
  if (tickArrays.length > MAX_TICK_ARRAYS) {
    quoteFail(DexErrorCode.QuoteTickArraysInvalid, undefined, `${tickArrays.length} tick arrays given, at most ${MAX_TICK_ARRAYS} are accepted`);
  }
  const span = TICKS_PER_ARRAY * tickSpacing;
  const sorted = [...tickArrays].sort((a, b) => a.startTickIndex - b.startTickIndex);
  for (const a of sorted) {
    if (a.ticks.length !== TICKS_PER_ARRAY) {
      quoteFail(DexErrorCode.QuoteTickArraysInvalid, undefined, `tick array ${a.startTickIndex} has ${a.ticks.length} ticks, expected ${TICKS_PER_ARRAY}`);
    }
  }
  for (let i = 0; i + 1 < sorted.length; i++) {
    if (sorted[i + 1]!.startTickIndex - sorted[i]!.startTickIndex !== span) {
      quoteFail(
        DexErrorCode.QuoteTickArraysNotContiguous,
        CoreErr.tickArrayNotEvenlySpaced,
        `tick arrays ${sorted[i]!.startTickIndex} and ${sorted[i + 1]!.startTickIndex} are not consecutive (spacing ${span})`,
      );
    }
  }
  const first = sorted[0]!.startTickIndex;
  if (first % span !== 0) {
    // The program only creates arrays at multiples of 88·tick_spacing; anything else is a caller bug.
    quoteFail(DexErrorCode.QuoteTickArraysNotContiguous, undefined, `tick array start ${first} is not a multiple of ${span}`);
  }
  const startIndex = Math.max(first, MIN_TICK_INDEX);
  const endIndex = Math.min(sorted[sorted.length - 1]!.startTickIndex + span - 1, MAX_TICK_INDEX);
  const idx: number[] = [];
  const net: bigint[] = [];
  for (const a of sorted) {
    for (let i = 0; i < TICKS_PER_ARRAY; i++) {
      const t = a.ticks[i]!;
      const tick = a.startTickIndex + i * tickSpacing;
      if (t.initialized && tick >= startIndex && tick <= endIndex) {
        idx.push(tick);
        net.push(t.liquidityNet);
      }
    }
  }
  return { tickSpacing, startIndex, endIndex, ticks: Int32Array.from(idx), liquidityNet: net };
}

/** Position of the first initialized tick ≥ t (ticks.length when none). */
function lowerBound(ticks: Int32Array, t: number): number {
  let lo = 0;
  let hi = ticks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ticks[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Next crossing going down (a→b) from `tick`: the index into `seq.ticks` of the initialized tick, or −1
 * with the crossing at `seq.startIndex` (edge of what is loaded). Returned as [slot, tickIndex] packed
 * into the caller's scratch to avoid an allocation per step.
 */
export function prevInitialized(seq: TickSequence, tick: number, out: Int32Array): void {
  if (tick < seq.startIndex) {
    quoteFail(DexErrorCode.QuoteInsufficientTickArrays, CoreErr.invalidTickArraySequence, `swap reached tick ${tick}, below the loaded tick arrays (from ${seq.startIndex})`);
  }
  const p = Math.floor(tick / seq.tickSpacing) * seq.tickSpacing;
  if (p < seq.startIndex) {
    out[0] = -1;
    out[1] = seq.startIndex;
    return;
  }
  if (p > seq.endIndex) {
    quoteFail(DexErrorCode.QuoteTickArraysMissCurrent, CoreErr.tickIndexOutOfBounds, `current tick ${tick} is above the loaded tick arrays (up to ${seq.endIndex})`);
  }
  const slot = lowerBound(seq.ticks, p + 1) - 1;
  if (slot >= 0) {
    out[0] = slot;
    out[1] = seq.ticks[slot]!;
  } else {
    out[0] = -1;
    out[1] = seq.startIndex;
  }
}

/** Next crossing going up (b→a) from `tick`; same contract as `prevInitialized`. */
export function nextInitialized(seq: TickSequence, tick: number, out: Int32Array): void {
  if (tick >= seq.endIndex) {
    quoteFail(DexErrorCode.QuoteInsufficientTickArrays, CoreErr.invalidTickArraySequence, `swap reached tick ${tick}, at or above the end of the loaded tick arrays (${seq.endIndex})`);
  }
  const ts = seq.tickSpacing;
  const n = tick - (((tick % ts) + ts) % ts) + ts;
  if (n > seq.endIndex) {
    out[0] = -1;
    out[1] = seq.endIndex;
    return;
  }
  if (n < seq.startIndex) {
    quoteFail(DexErrorCode.QuoteTickArraysMissCurrent, CoreErr.tickIndexOutOfBounds, `current tick ${tick} is below the loaded tick arrays (from ${seq.startIndex})`);
  }
  const slot = lowerBound(seq.ticks, n);
  if (slot < seq.ticks.length) {
    out[0] = slot;
    out[1] = seq.ticks[slot]!;
  } else {
    out[0] = -1;
    out[1] = seq.endIndex;
  }
}
