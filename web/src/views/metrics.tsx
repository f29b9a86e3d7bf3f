import { For, Show } from 'solid-js';
import { HistogramChart } from '../components/histogram-chart.tsx';
import { TrendChart } from '../components/trend-chart.tsx';
import { ms, num, time, us } from '../format.ts';
import { histograms, latency, trend } from '../state.ts';
import type { Histogram, LatencySummary } from '../types.ts';

/**
 * Latency: tick→signal (µs, the signal's hot path) and detect→fill (ms, both legs). Each has the
 * bucket histogram (from /metrics), the per-series summary and the p50/p99 trend (from the stream).
 */
export function Metrics() {
  return (
    <section data-testid="view-metrics">
      <h1>Metrics</h1>
      <div class="muted" data-testid="metrics-source">
        stream summaries {latency() ? `at ${time(latency()!.ts_ms)}` : 'not received yet'} · histograms {histograms() ? `scraped at ${time(histograms()!.ts_ms)}` : 'not scraped yet'}
      </div>
      <Panel title="tick → signal" unit="µs" fmt={us} hist={histograms()?.tick_to_signal_us ?? null} series={latency()?.tick_to_signal_us ?? {}} chart="chart-tick-to-signal" trendId="chart-tick-trend" p50={trend().tickP50} p99={trend().tickP99} />
      <Panel title="detect → fill" unit="ms" fmt={ms} hist={histograms()?.detect_to_fill_ms ?? null} series={latency()?.detect_to_fill_ms ?? {}} chart="chart-detect-to-fill" trendId="chart-fill-trend" p50={trend().fillP50} p99={trend().fillP99} />
    </section>
  );
}

function Panel(p: {
  title: string;
  unit: string;
  fmt: (x: number | null) => string;
  hist: Histogram | null;
  series: Record<string, LatencySummary>;
  chart: string;
  trendId: string;
  p50: (number | null)[];
  p99: (number | null)[];
}) {
  const rows = () => Object.entries(p.series);
  return (
    <>
      <h2>{p.title}</h2>
      <div class="card">
        <div class="mono" data-testid={`${p.chart}-summary`}>
          <Show when={p.hist && p.hist.count > 0} fallback={<span class="muted">Histogram: no samples yet.</span>}>
            histogram n {p.hist!.count} · p50 ≤ {p.fmt(p.hist!.p50)} · p99 ≤ {p.fmt(p.hist!.p99)}
          </Show>
        </div>
        <HistogramChart testid={p.chart} title={p.title} unit={p.unit} data={p.hist} />
        <table data-testid={`${p.chart}-series`}>
          <thead>
            <tr><th>series</th><th class="num">last</th><th class="num">mean</th><th class="num">p50</th><th class="num">p95</th><th class="num">p99</th><th class="num">count</th></tr>
          </thead>
          <tbody>
            <For each={rows()} fallback={<tr><td colspan="7" class="empty">No {p.title} samples on the stream yet.</td></tr>}>
              {([k, s]) => (
                <tr>
                  <td>{k}</td><td class="num">{p.fmt(s.last ?? null)}</td><td class="num">{p.fmt(s.mean ?? null)}</td><td class="num">{p.fmt(s.p50 ?? null)}</td>
                  <td class="num">{p.fmt(s.p95 ?? null)}</td><td class="num">{p.fmt(s.p99 ?? null)}</td><td class="num">{num(s.count ?? null, 0)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <Show when={p.p99.some((x) => x !== null && x > 0)}>
          <TrendChart testid={p.trendId} unit={p.unit} t={trend().t} p50={p.p50} p99={p.p99} />
        </Show>
      </div>
    </>
  );
}
