import type { LatencySummary, LiveMetrics } from './api.ts';

/**
 * The stream's `metrics` topic from the Prometheus series actors report in `stats().counters`:
 * `cambist_tick_to_signal_seconds{asset}` (signal) and `cambist_detect_to_fill_seconds{leg}`
 * (executor), whichever exist. Quantiles are interpolated inside the cumulative buckets, the way
 * Prometheus' histogram_quantile does, and reported in µs (tick→signal) and ms (detect→fill).
 */
const SERIES = /^(cambist_tick_to_signal_seconds|cambist_detect_to_fill_seconds)_(bucket|sum|count)\{([^}]*)\}$/;

interface Hist {
  buckets: [number, number][];
  sum: number;
  count: number;
}

function labelsOf(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const x of s.matchAll(/([a-z_]+)="([^"]*)"/g)) m.set(x[1]!, x[2]!);
  return m;
}

function quantile(h: Hist, q: number): number | undefined {
  if (h.count === 0) return undefined;
  const b = [...h.buckets].sort((x, y) => x[0] - y[0]);
  const target = q * h.count;
  let prevLe = 0;
  let prevCum = 0;
  for (const [le, cum] of b) {
    if (cum >= target) {
      if (!Number.isFinite(le)) return prevLe;
      const inBucket = cum - prevCum;
      return inBucket === 0 ? le : prevLe + ((le - prevLe) * (target - prevCum)) / inBucket;
    }
    prevLe = le;
    prevCum = cum;
  }
  return prevLe;
}

function summary(h: Hist, scale: number): LatencySummary {
  const r = (v: number | undefined) => (v === undefined ? undefined : Math.round(v * scale * 1000) / 1000);
  return { count: h.count, mean: h.count > 0 ? r(h.sum / h.count) : undefined, p50: r(quantile(h, 0.5)), p95: r(quantile(h, 0.95)), p99: r(quantile(h, 0.99)) };
}

export function summariseLatency(reports: readonly Record<string, number>[]): LiveMetrics {
  const hists = new Map<string, Hist>();
  for (const counters of reports) {
    for (const [key, value] of Object.entries(counters)) {
      const m = SERIES.exec(key);
      if (!m) continue;
      const [, family, part, rawLabels] = m;
      const labels = labelsOf(rawLabels!);
      const series = family === 'cambist_tick_to_signal_seconds' ? (labels.get('asset') ?? 'all') : [labels.get('asset'), labels.get('leg') ?? 'all'].filter(Boolean).join('/');
      const id = `${family}|${series}`;
      const h = hists.get(id) ?? { buckets: [], sum: 0, count: 0 };
      if (part === 'bucket') h.buckets.push([labels.get('le') === '+Inf' ? Infinity : Number(labels.get('le')), value]);
      else if (part === 'sum') h.sum = value;
      else h.count = value;
      hists.set(id, h);
    }
  }
  const out: LiveMetrics = { tick_to_signal_us: {}, detect_to_fill_ms: {} };
  for (const [id, h] of hists) {
    const [family, series] = id.split('|') as [string, string];
    if (family === 'cambist_tick_to_signal_seconds') out.tick_to_signal_us[series] = summary(h, 1e6);
    else out.detect_to_fill_ms[series] = summary(h, 1e3);
  }
  return out;
}
