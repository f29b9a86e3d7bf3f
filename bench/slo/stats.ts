/**
 * Percentiles for the SLO report: exact nearest-rank over sample arrays, and estimates from the
 * engine's Prometheus histogram buckets (src/shared/histogram.ts: 1-2-5 steps from 1 µs to 10 s).
 */

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Nearest-rank percentile of a sorted array; null for no samples. */
export function rank(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function percentiles(samples: readonly number[]): Percentiles {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: rank(s, 0.5), p95: rank(s, 0.95), p99: rank(s, 0.99) };
}

export function median(samples: readonly number[]): number | null {
  return percentiles(samples).p50;
}

/** One histogram as cumulative bucket counts keyed by upper bound in seconds (Infinity for +Inf). */
export type Buckets = Map<number, number>;

/**
 * Parse every `<name>_bucket{…le="x"}` line of a Prometheus text scrape, summing series that differ
 * only in other labels (e.g. several assets), into cumulative counts per upper bound.
 */
export function parseBuckets(text: string, name: string): Buckets {
  const out: Buckets = new Map();
  const prefix = `${name}_bucket{`;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (le === undefined || !Number.isFinite(value)) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    out.set(bound, (out.get(bound) ?? 0) + value);
  }
  return out;
}

/** Sum of every sample (no labels, or summed over labels) of a counter or gauge family. */
export function sumSeries(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) {
      const v = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (Number.isFinite(v)) sum += v;
    }
  }
  return sum;
}

/** Bucket counts accumulated between two scrapes (`later − earlier`), so warm-up is left out. */
export function diffBuckets(later: Buckets, earlier: Buckets): Buckets {
  const out: Buckets = new Map();
  for (const [le, n] of later) out.set(le, Math.max(0, n - (earlier.get(le) ?? 0)));
  return out;
}

export function bucketTotal(b: Buckets): number {
  return b.get(Infinity) ?? Math.max(0, ...b.values());
}

/**
 * Quantile q (0..1) in µs from cumulative buckets. Inside the bucket holding the rank the value is
 * interpolated geometrically between its bounds (the buckets are log-spaced, and latencies are
 * closer to log-uniform than uniform inside one); the first bucket interpolates linearly from 0.
 * A rank in +Inf reports the last finite bound (a floor, said so in the README). The estimate is
 * within a bucket (×2 or ×2.5) of the truth by construction.
 */
export function bucketQuantileUs(b: Buckets, q: number): number | null {
  const bounds = [...b.keys()].sort((x, y) => x - y);
  const total = bucketTotal(b);
  if (total === 0) return null;
  const target = q * total;
  let prevBound = 0;
  let prevCum = 0;
  for (const le of bounds) {
    const cum = b.get(le)!;
    if (cum >= target && cum > prevCum) {
      if (le === Infinity) return prevBound * 1e6;
      const frac = (target - prevCum) / (cum - prevCum);
      const v = prevBound === 0 ? le * frac : prevBound * (le / prevBound) ** frac;
      return v * 1e6;
    }
    if (le !== Infinity) prevBound = le;
    prevCum = cum;
  }
  return prevBound * 1e6;
}

export function bucketPercentiles(b: Buckets): Percentiles {
  return { p50: bucketQuantileUs(b, 0.5), p95: bucketQuantileUs(b, 0.95), p99: bucketQuantileUs(b, 0.99) };
}

/**
 * Draw n values from a histogram (bucket chosen by its weight, value log-uniform inside it), for
 * composing a latency distribution with independently measured samples.
 */
export function sampleBuckets(b: Buckets, n: number, random: () => number): number[] {
  const out: number[] = [];
  if (bucketTotal(b) === 0) return out;
  for (let i = 0; i < n; i++) {
    const v = bucketQuantileUs(b, random());
    if (v !== null) out.push(v);
  }
  return out;
}

/** Histogram counts per bucket (not cumulative), for charts: [upper bound µs, count]. */
export function bucketBars(b: Buckets): [number, number][] {
  const bounds = [...b.keys()].sort((x, y) => x - y);
  let prev = 0;
  const out: [number, number][] = [];
  for (const le of bounds) {
    const cum = b.get(le)!;
    if (le !== Infinity) out.push([le * 1e6, cum - prev]);
    prev = cum;
  }
  return out;
}
