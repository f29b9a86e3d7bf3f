import { Show } from 'solid-js';
import { HistogramChart } from '../components/histogram-chart.tsx';
import { ms, time, us } from '../format.ts';
import { metrics } from '../state.ts';
import type { Histogram } from '../types.ts';

/** Latency histograms: tick→signal (µs, the signal's hot path) and detect→fill (ms, both legs). */
export function Metrics() {
  const tick = () => metrics()?.tick_to_signal_us ?? null;
  const fill = () => metrics()?.detect_to_fill_ms ?? null;
  return (
    <section data-testid="view-metrics">
      <h1>Metrics</h1>
      <div class="muted" data-testid="metrics-source">
        {metrics() ? `from the ${metrics()!.source === 'stream' ? 'metrics stream' : '/metrics scrape'} at ${time(metrics()!.ts_ms)}` : 'waiting for metrics…'}
      </div>
      <h2>tick → signal</h2>
      <div class="card">
        <Summary h={tick()} fmt={us} testid="tick-summary" />
        <HistogramChart testid="chart-tick-to-signal" title="tick → signal" unit="µs" data={tick()} />
      </div>
      <h2>detect → fill</h2>
      <div class="card">
        <Summary h={fill()} fmt={ms} testid="fill-summary" />
        <HistogramChart testid="chart-detect-to-fill" title="detect → fill" unit="ms" data={fill()} />
      </div>
    </section>
  );
}

function Summary(p: { h: Histogram | null; fmt: (x: number | null) => string; testid: string }) {
  return (
    <div class="mono" data-testid={p.testid}>
      <Show when={p.h && p.h.count > 0} fallback={<span class="muted">No samples yet.</span>}>
        n {p.h!.count} · p50 {p.fmt(p.h!.p50)} · p99 {p.fmt(p.h!.p99)} · max {p.fmt(p.h!.max)}
      </Show>
    </div>
  );
}
