import { cpus, loadavg } from 'node:os';
import type { Chart, Row } from './report-html.ts';
import type { SloRaw } from './run.ts';
import { bucketBars, type Percentiles } from './stats.ts';

/**
 * The SLO report: the exact keys of issue 8, each with its value(s), its target and pass/fail
 * (`pass: null` when there is nothing to judge, e.g. no trades), plus how each was measured.
 */

export const TARGETS = {
  tick_to_signal_us: { p50_max: 30, p99_max: 300 },
  frame_to_signal_us: { p50_max: 150 },
  detect_to_fills_ms: { p50_max: 700, p95_max: 1_500 },
  capture_rate: { min: 0.8 },
  verification_rate: { min: 0.99 },
  partial_rate: { max: 0.1 },
  prediction_error_median: null,
  updates_per_s: { min_fraction_of_requested: 0.95 },
  dropped: { max: 0 },
  rss_mb: { max: 400 },
  stress: { updates_per_s_min: 50_000 * 0.95, tick_to_signal_p99_us_max: 5_000 },
} as const;

const r1 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10) / 10);
const r4 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e4) / 1e4);
const roundP = (p: Percentiles): Percentiles => ({ p50: r1(p.p50), p95: r1(p.p95), p99: r1(p.p99) });
const le = (x: number | null, max: number): boolean | null => (x === null ? null : x <= max);
const ge = (x: number | null, min: number): boolean | null => (x === null ? null : x >= min);
const all = (...xs: (boolean | null)[]): boolean | null => (xs.some((x) => x === null) ? null : xs.every(Boolean));

export interface FrameToSignal extends Percentiles {
  samples: number;
  method: string;
}

export function buildReport(raw: SloRaw, frame: FrameToSignal | null) {
  const t = raw.trades;
  const c = raw.capture;
  const tick = roundP(raw.main.tick_to_signal_us);
  const stress = raw.stress;
  const frameP = frame ? roundP(frame) : { p50: null, p95: null, p99: null };
  return {
    tick_to_signal_us: {
      ...tick,
      samples: raw.main.updates,
      target: TARGETS.tick_to_signal_us,
      pass: all(le(tick.p50, 30), le(tick.p99, 300)),
      method: "signal's cambist_tick_to_signal_seconds histogram (feed receive stamp → decision), bucket counts diffed over the measured phase, percentiles interpolated geometrically inside the 1-2-5 µs buckets (±one bucket)",
      traded_ticks_exact: t.traded_tick_to_signal_us,
    },
    frame_to_signal_us: {
      ...frameP,
      samples: frame?.samples ?? 0,
      target: TARGETS.frame_to_signal_us,
      pass: le(frameP.p50, 150),
      method: frame?.method ?? 'not measured',
    },
    detect_to_fills_ms: {
      p50: r1(t.detect_to_fills_ms.p50),
      p95: r1(t.detect_to_fills_ms.p95),
      samples: t.detect_to_fills_ms.samples,
      target: TARGETS.detect_to_fills_ms,
      pass: all(le(t.detect_to_fills_ms.p50, 700), le(t.detect_to_fills_ms.p95, 1_500)),
      method: 'stored trades: max(leg filled_us) − decided_us, trades whose legs all have a fill time',
    },
    capture_rate: {
      value: r4(c.capture_rate),
      eligible: c.eligible,
      captured: c.captured,
      detected: c.detected,
      detected_rate: r4(c.detected_rate),
      truth_windows: c.truth_windows,
      windows: c.timeline.map(({ id, venue, direction, detected, captured, trades, peak_edge_bps, required_bps }) => ({ id, venue, direction, detected, captured, trades, peak_edge_bps, required_bps })),
      target: TARGETS.capture_rate,
      pass: ge(c.capture_rate, 0.8),
    },
    verification_rate: { value: r4(t.verification_rate), target: TARGETS.verification_rate, pass: ge(t.verification_rate, 0.99) },
    partial_rate: { value: r4(t.partial_rate), target: TARGETS.partial_rate, pass: le(t.partial_rate, 0.1) },
    prediction_error_median: { value: r4(t.prediction_error_median), target: null, pass: null, method: 'median |realised − predicted| / |predicted| over trades with a realised PnL' },
    updates_per_s: {
      value: Math.round(raw.main.updates_per_s),
      requested: raw.opts.rate,
      target: { min: Math.round(raw.opts.rate * 0.95) },
      pass: raw.main.updates_per_s >= raw.opts.rate * 0.95,
      method: 'BookTop + PoolQuote records the signal evaluated (cambist_tick_to_signal_seconds_count) per second over the measured phase',
    },
    dropped: { value: raw.main.dropped, target: TARGETS.dropped, pass: raw.main.dropped === 0, method: 'Δ cambist_ring_dropped_total (all rings) over the measured phase' },
    rss_mb: { value: Math.round(raw.rss_max_mb), target: TARGETS.rss_mb, pass: raw.rss_max_mb <= 400, method: 'max process RSS (main thread + every worker + simulators) sampled each second' },
    stress: stress
      ? {
          requested: raw.opts.stress_rate,
          updates_per_s: Math.round(stress.updates_per_s),
          tick_to_signal_us: roundP(stress.tick_to_signal_us),
          dropped: stress.dropped,
          target: TARGETS.stress,
          pass: stress.updates_per_s >= TARGETS.stress.updates_per_s_min && (le(stress.tick_to_signal_us.p99, 5_000) ?? false),
        }
      : null,
    trades: { total: t.trades, executed: t.executed, by_state: t.by_state, reasons: t.reasons },
    control_at_end: raw.control,
    run: {
      started_at: new Date(raw.started_ms).toISOString(),
      duration_s: raw.opts.duration_s,
      measured_s: Math.round(raw.main.seconds * 10) / 10,
      seed: raw.config.sim.seed,
      scenario: raw.opts.scenario,
      rate: raw.opts.rate,
      latency_model: raw.opts.latency,
      engine_start_s: Math.round(raw.engine_start_s * 10) / 10,
      // Lifted for the run: a day's risk budget is not what a minutes-long run measures.
      daily_caps: Object.fromEntries(raw.config.assets.filter((a) => a.enabled).map((a) => [a.asset, { notional_quote: a.risk.max_daily_notional_quote, trades: a.risk.max_daily_trades, loss_abs: a.risk.max_daily_loss_abs }])),
      model_steps: raw.steps,
      node: process.version,
      cpus: cpus().length,
      loadavg_1m: Math.round(loadavg()[0]! * 100) / 100,
    },
  };
}

export type Report = ReturnType<typeof buildReport>;

const fmt = (x: number | null, unit: string): string => (x === null ? 'null' : `${x} ${unit}`.trim());
const pct = (x: number | null): string => (x === null ? 'null' : `${(x * 100).toFixed(1)} %`);

export function reportRows(r: Report): Row[] {
  const rows: Row[] = [
    { key: 'tick_to_signal_us', value: `p50 ${fmt(r.tick_to_signal_us.p50, 'µs')} · p95 ${fmt(r.tick_to_signal_us.p95, 'µs')} · p99 ${fmt(r.tick_to_signal_us.p99, 'µs')}`, target: 'p50 ≤ 30 µs, p99 ≤ 300 µs', pass: r.tick_to_signal_us.pass },
    { key: 'frame_to_signal_us', value: `p50 ${fmt(r.frame_to_signal_us.p50, 'µs')} · p95 ${fmt(r.frame_to_signal_us.p95, 'µs')} · p99 ${fmt(r.frame_to_signal_us.p99, 'µs')}`, target: 'p50 ≤ 150 µs', pass: r.frame_to_signal_us.pass },
    { key: 'detect_to_fills_ms', value: `p50 ${fmt(r.detect_to_fills_ms.p50, 'ms')} · p95 ${fmt(r.detect_to_fills_ms.p95, 'ms')} (${r.detect_to_fills_ms.samples} trades)`, target: 'p50 ≤ 700 ms, p95 ≤ 1.5 s', pass: r.detect_to_fills_ms.pass },
    { key: 'capture_rate', value: `${pct(r.capture_rate.value)} (${r.capture_rate.captured}/${r.capture_rate.eligible}; detected ${r.capture_rate.detected})`, target: '≥ 80 %', pass: r.capture_rate.pass },
    { key: 'verification_rate', value: pct(r.verification_rate.value), target: '≥ 99 %', pass: r.verification_rate.pass },
    { key: 'partial_rate', value: pct(r.partial_rate.value), target: '≤ 10 %', pass: r.partial_rate.pass },
    { key: 'prediction_error_median', value: pct(r.prediction_error_median.value), target: 'none set', pass: null },
    { key: 'updates_per_s', value: `${r.updates_per_s.value.toLocaleString('en-US')} (requested ${r.updates_per_s.requested.toLocaleString('en-US')})`, target: `≥ ${r.updates_per_s.target.min.toLocaleString('en-US')}`, pass: r.updates_per_s.pass },
    { key: 'dropped', value: String(r.dropped.value), target: '0', pass: r.dropped.pass },
    { key: 'rss_mb', value: `${r.rss_mb.value} MB`, target: '≤ 400 MB', pass: r.rss_mb.pass },
  ];
  if (r.stress) {
    rows.push({ key: 'stress (50 k/s)', value: `${r.stress.updates_per_s.toLocaleString('en-US')} upd/s · p99 ${fmt(r.stress.tick_to_signal_us.p99, 'µs')} · dropped ${r.stress.dropped}`, target: 'sustains 50 k/s, p99 ≤ 5 ms', pass: r.stress.pass });
  }
  return rows;
}

export function reportCharts(raw: SloRaw, frameSamples: number[]): Chart[] {
  const hist = (b: typeof raw.main.histogram) => {
    const bars = bucketBars(b).filter(([, n], i, a) => n > 0 || (a[i - 1]?.[1] ?? 0) > 0 || (a[i + 1]?.[1] ?? 0) > 0);
    return [bars.map(([x]) => x), bars.map(([, n]) => n)];
  };
  const charts: Chart[] = [
    { title: 'tick → signal (measured phase), records per bucket', data: hist(raw.main.histogram), series: ['records'], xLabel: 'bucket upper bound (µs)', yLabel: 'records', logX: true, steps: true },
  ];
  if (raw.stress) charts.push({ title: `tick → signal at ${raw.opts.stress_rate.toLocaleString('en-US')} upd/s requested`, data: hist(raw.stress.histogram), series: ['records'], xLabel: 'bucket upper bound (µs)', yLabel: 'records', logX: true, steps: true });
  if (frameSamples.length > 0) {
    const sorted = [...frameSamples].sort((a, b) => a - b);
    const xs = sorted.filter((_, i) => i % Math.max(1, Math.floor(sorted.length / 400)) === 0);
    charts.push({ title: 'frame → signal, cumulative distribution', data: [xs, xs.map((x) => (sorted.filter((v) => v <= x).length / sorted.length) * 100)], series: ['% of frames ≤ x'], xLabel: 'µs', yLabel: '%', logX: true });
  }
  charts.push({
    title: 'updates/s and tick → signal p99 per second',
    data: [raw.samples.map((s) => s.t_ms / 1000), raw.samples.map((s) => s.updates_per_s), raw.samples.map((s) => s.p99_us ?? 0)],
    series: ['updates/s', 'p99 µs'],
    xLabel: 'time',
    yLabel: 'updates/s',
    y2: 'p99 µs (log)',
    time: true,
  });
  const tl = raw.capture.timeline;
  let e = 0;
  let cap = 0;
  let det = 0;
  charts.push({
    title: 'capture over time (cumulative eligible / detected / captured windows)',
    data: [tl.map((w) => w.end_ms / 1000), tl.map(() => ++e), tl.map((w) => (det += w.detected ? 1 : 0)), tl.map((w) => (cap += w.captured ? 1 : 0))],
    series: ['eligible', 'detected', 'captured'],
    xLabel: 'time',
    yLabel: 'windows',
    time: true,
    steps: true,
  });
  charts.push({ title: 'RSS (MB)', data: [raw.samples.map((s) => s.t_ms / 1000), raw.samples.map((s) => s.rss_mb)], series: ['rss MB'], xLabel: 'time', yLabel: 'MB', time: true });
  return charts;
}
