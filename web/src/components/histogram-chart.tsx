import { createEffect, onCleanup, onMount } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Histogram } from '../types.ts';

/** 50000 → "50k": bucket bounds span six decades, so labels must stay short. */
const short = (b: number): string => (b >= 1e6 ? `${b / 1e6}M` : b >= 1e3 ? `${b / 1e3}k` : b < 10 ? String(Number(b.toFixed(2))) : String(Math.round(b)));

/**
 * A latency histogram as uPlot bars: x = bucket (labelled by its upper bound), y = count. The plot is
 * created once and fed with setData, so a live update costs no DOM rebuild.
 */
export function HistogramChart(p: { testid: string; title: string; unit: string; data: Histogram | null }) {
  let host!: HTMLDivElement;
  let plot: uPlot | undefined;
  const labels = () => p.data?.bounds.map((b) => `≤${short(b)}`) ?? [];

  onMount(() => {
    const opts: uPlot.Options = {
      width: Math.max(320, host.clientWidth || 640),
      height: 220,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false } },
      axes: [
        { stroke: '#8a978e', grid: { stroke: '#1c231e' }, space: 44, values: (_u, ticks) => ticks.map((t) => labels()[t] ?? ''), label: p.unit },
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
