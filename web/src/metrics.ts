import type { Histogram } from './types.ts';

/**
 * Latency histograms, from either source. The stream's `metrics` topic carries
 * `{ tick_to_signal_us: {...}, detect_to_fill_ms: {...} }`; the inner shape is read tolerantly
 * (bucket list as `{le,count}` rows or `[le,count]` pairs or parallel arrays, cumulative or not,
 * plus any of count/p50/p99/max). Before the stream says anything the console scrapes /metrics.
 */
type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function bucketsOf(o: Obj): { le: number; n: number }[] {
  const raw = o.buckets ?? o.histogram;
  const out: { le: number; n: number }[] = [];
  if (Array.isArray(raw)) {
    for (const b of raw) {
      if (Array.isArray(b) && num(b[0]) !== null && num(b[1]) !== null) out.push({ le: b[0] as number, n: b[1] as number });
      else if (isObj(b)) {
        const le = num(b.le) ?? num(b.upper) ?? num(b.value);
        const n = num(b.count) ?? num(b.n);
        if (le !== null && n !== null) out.push({ le, n });
      }
    }
  } else if (Array.isArray(o.bounds) && Array.isArray(o.counts)) {
    o.bounds.forEach((le, i) => {
      const n = num((o.counts as unknown[])[i]);
      if (num(le) !== null && n !== null) out.push({ le: le as number, n });
    });
  }
  return out.sort((a, b) => a.le - b.le);
}

/** Cumulative counts (Prometheus style) become per-bucket counts; plain counts pass through. */
function decumulate(xs: { le: number; n: number }[], cumulative: boolean): { bounds: number[]; counts: number[] } {
  const bounds = xs.map((x) => x.le);
  const counts = cumulative ? xs.map((x, i) => Math.max(0, x.n - (i ? xs[i - 1]!.n : 0))) : xs.map((x) => x.n);
  return { bounds, counts };
}

const isMonotone = (xs: { n: number }[]) => xs.every((x, i) => i === 0 || x.n >= xs[i - 1]!.n);

export function readHistogram(raw: unknown): Histogram | null {
  if (!isObj(raw)) return null;
  const bs = bucketsOf(raw);
  const cumulative = raw.cumulative === true || (raw.cumulative === undefined && bs.length > 1 && isMonotone(bs) && bs.at(-1)!.n === num(raw.count));
  const { bounds, counts } = decumulate(bs, cumulative);
  const count = num(raw.count) ?? counts.reduce((a, b) => a + b, 0);
  return { bounds, counts, count, p50: num(raw.p50), p99: num(raw.p99), max: num(raw.max) };
}

/** Percentile from bucket counts (upper bound of the bucket holding it): good enough for a label. */
export function quantile(h: Histogram, q: number): number | null {
  if (!h.count) return null;
  const target = q * h.count;
  let acc = 0;
  for (let i = 0; i < h.counts.length; i++) {
    acc += h.counts[i]!;
    if (acc >= target) return h.bounds[i]!;
  }
  return h.bounds.at(-1) ?? null;
}

/** `<family>_bucket{...le="x"} n` lines summed over label sets, scaled from seconds to `scale` units. */
export function histogramFromProm(text: string, family: string, scale: number): Histogram | null {
  const byLe = new Map<number, number>();
  const re = new RegExp(`^${family}_bucket\\{([^}]*)\\}\\s+(\\S+)`, 'gm');
  for (const m of text.matchAll(re)) {
    const le = /le="([^"]+)"/.exec(m[1]!)?.[1];
    if (!le || le === '+Inf') continue;
    byLe.set(Number(le) * scale, (byLe.get(Number(le) * scale) ?? 0) + Number(m[2]));
  }
  if (!byLe.size) return null;
  const xs = [...byLe.entries()].map(([le, n]) => ({ le, n })).sort((a, b) => a.le - b.le);
  const { bounds, counts } = decumulate(xs, true);
  const h: Histogram = { bounds, counts, count: counts.reduce((a, b) => a + b, 0), p50: null, p99: null, max: null };
  return { ...h, p50: quantile(h, 0.5), p99: quantile(h, 0.99) };
}
