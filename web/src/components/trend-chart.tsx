import { createEffect, onCleanup, onMount } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const short = (v: number): string => (v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : String(Number(v.toPrecision(3))));

/**
 * p50/p99 over time as uPlot lines (lime p50, amber p99); fed with setData on every message. The y
 * scale is logarithmic: a tail two decades above the median is the normal shape of latency.
 */
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
        scales: { y: { distr: 3 } },
        axes: [axis, { ...axis, label: p.unit, size: 64, values: (_u, ticks) => ticks.map((v: number | null) => (v === null ? '' : short(v))) }],
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
  // A log scale has no place for 0: such points become gaps.
  const pos = (xs: (number | null)[]) => xs.map((x) => (x !== null && x > 0 ? x : null));
  createEffect(() => plot?.setData([p.t, pos(p.p50), pos(p.p99)]));
  return <div class="chart" data-testid={p.testid} ref={host} />;
}
