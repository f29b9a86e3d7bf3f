import { createEffect, onCleanup, onMount } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Histogram } from '../types.ts';

/**
 * A latency histogram as uPlot bars: x = bucket (labelled by its upper bound), y = count. The plot is
 * created once and fed with setData, so a live update costs no DOM rebuild.
 */
export function HistogramChart(p: { testid: string; title: string; unit: string; data: Histogram | null }) {
  let host!: HTMLDivElement;
  let plot: uPlot | undefined;
  const labels = () => p.data?.bounds.map((b) => `≤${b < 10 ? b.toFixed(1) : Math.round(b)}`) ?? [];

  onMount(() => {
    const opts: uPlot.Options = {
      width: Math.max(320, host.clientWidth || 640),
      height: 220,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false } },
      axes: [
        { stroke: '#8a978e', grid: { stroke: '#1c231e' }, values: (_u, ticks) => ticks.map((t) => labels()[t] ?? ''), label: p.unit },
        { stroke: '#8a978e', grid: { stroke: '#1c231e' }, label: 'count' },
      ],
      series: [{}, { label: 'count', stroke: '#a3e635', fill: 'rgba(163,230,53,0.35)', paths: uPlot.paths.bars!({ size: [0.8, 60] }), points: { show: false } }],
    };
    plot = new uPlot(opts, [[], []], host);
    const ro = new ResizeObserver(() => plot?.setSize({ width: Math.max(320, host.clientWidth), height: 220 }));
    ro.observe(host);
    onCleanup(() => {
      ro.disconnect();
      plot?.destroy();
    });
  });

  createEffect(() => {
    const h = p.data;
    const xs = h ? h.bounds.map((_, i) => i) : [];
    plot?.setData([xs, h ? h.counts : []]);
  });

  return <div class="chart" data-testid={p.testid} aria-label={p.title} ref={host} />;
}
