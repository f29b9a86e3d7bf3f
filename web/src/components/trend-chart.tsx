import { createEffect, onCleanup, onMount } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** p50/p99 over time as uPlot lines (lime p50, amber p99); fed with setData on every message. */
export function TrendChart(p: { testid: string; unit: string; t: number[]; p50: (number | null)[]; p99: (number | null)[] }) {
  let host!: HTMLDivElement;
  let plot: uPlot | undefined;
  onMount(() => {
    const axis = { stroke: '#8a978e', grid: { stroke: '#1c231e' } };
    plot = new uPlot(
      {
        width: Math.max(320, host.clientWidth || 640),
        height: 180,
        legend: { show: true },
        axes: [axis, { ...axis, label: p.unit }],
        series: [{}, { label: 'p50', stroke: '#a3e635', width: 1.5 }, { label: 'p99', stroke: '#f5b23b', width: 1.5 }],
      },
      [[], [], []],
      host,
    );
    const ro = new ResizeObserver(() => plot?.setSize({ width: Math.max(320, host.clientWidth), height: 180 }));
    ro.observe(host);
    onCleanup(() => {
      ro.disconnect();
      plot?.destroy();
    });
  });
  createEffect(() => plot?.setData([p.t, p.p50, p.p99]));
  return <div class="chart" data-testid={p.testid} ref={host} />;
}
