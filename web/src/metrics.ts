import type { Histogram, LatencySummary } from './types.ts';
import { histograms, latency } from './state.ts';

/**
 * Latency data from its two sources. The stream's `metrics` topic carries summaries per series
 * (`{ tick_to_signal_us: { SOL: { p50, p99, ... } }, ... }`); the bucket distribution for the
 * histograms comes from /metrics, where actors report `cambist_<name>_seconds_bucket` series.
 */
type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const FIELDS = ['last', 'mean', 'p50', 'p95', 'p99', 'count'] as const;

export function readSummaries(raw: unknown): Record<string, LatencySummary> {
  const out: Record<string, LatencySummary> = {};
  if (!isObj(raw)) return out;
  for (const [key, v] of Object.entries(raw)) {
    if (!isObj(v)) continue;
    const s: LatencySummary = {};
    for (const f of FIELDS) if (typeof v[f] === 'number' && Number.isFinite(v[f])) s[f] = v[f] as number;
    out[key] = s;
  }
  return out;
}

/** The worst value of one field across series (the number an operator acts on). */
export function worst(s: Record<string, LatencySummary> | undefined, f: keyof LatencySummary): number | null {
  let w: number | null = null;
  for (const v of Object.values(s ?? {})) if (v[f] !== undefined && (w === null || v[f]! > w)) w = v[f]!;
  return w;
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
    const k = Number(le) * scale;
    byLe.set(k, (byLe.get(k) ?? 0) + Number(m[2]));
  }
  if (!byLe.size) return null;
  const xs = [...byLe.entries()].sort((a, b) => a[0] - b[0]);
  // Prometheus buckets are cumulative: per-bucket counts are the differences.
  const counts = xs.map(([, n], i) => Math.max(0, n - (i ? xs[i - 1]![1] : 0)));
  const h: Histogram = { bounds: xs.map(([le]) => le), counts, count: counts.reduce((a, b) => a + b, 0), p50: null, p99: null, max: null };
  return { ...h, p50: quantile(h, 0.5), p99: quantile(h, 0.99) };
}

/** tick→signal p99 for the KPI: the stream's worst series, else the scraped histogram's. */
export function tickP99(): number | null {
  return worst(latency()?.tick_to_signal_us, 'p99') ?? histograms()?.tick_to_signal_us?.p99 ?? null;
}
