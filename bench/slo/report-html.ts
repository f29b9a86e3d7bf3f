import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The SLO report as one self-contained HTML file: the figures table (value, target, pass/fail) and
 * uPlot charts, with uPlot's JS and CSS inlined so the file opens anywhere, offline.
 */

export interface Chart {
  title: string;
  /** x values, then one array per series. */
  data: number[][];
  series: string[];
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  /** Draw as steps (histograms, cumulative counts) rather than lines. */
  steps?: boolean;
  /** x is epoch seconds. */
  time?: boolean;
  /** Second series on its own right-hand axis (e.g. latency next to a rate). */
  y2?: string;
}

export interface Row {
  key: string;
  value: string;
  target: string;
  pass: boolean | null;
}

const COLORS = ['#a3e635', '#38bdf8', '#f59e0b', '#f472b6'];

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function uplotAssets(): { js: string; css: string } {
  const require = createRequire(import.meta.url);
  const dir = require.resolve('uplot/package.json').replace(/package\.json$/, 'dist/');
  return { js: readFileSync(`${dir}uPlot.iife.min.js`, 'utf8'), css: readFileSync(`${dir}uPlot.min.css`, 'utf8') };
}

export function renderHtml(o: { title: string; subtitle: string; rows: Row[]; charts: Chart[]; notes: string[]; json: unknown }): string {
  const { js, css } = uplotAssets();
  const rows = o.rows
    .map((r) => {
      const cls = r.pass === null ? 'na' : r.pass ? 'pass' : 'fail';
      const verdict = r.pass === null ? 'n/a' : r.pass ? 'pass' : 'FAIL';
      return `<tr><td>${esc(r.key)}</td><td>${esc(r.value)}</td><td>${esc(r.target)}</td><td class="${cls}">${verdict}</td></tr>`;
    })
    .join('\n');
  const charts = o.charts.map((c, i) => `<div class="chart"><h3>${esc(c.title)}</h3><div id="c${i}"></div></div>`).join('\n');
  // Charts are passed as JSON in a script tag; `<` is escaped so no value can close the tag.
  const chartJson = JSON.stringify(o.charts).replace(/</g, '\\u003c');
  const fullJson = JSON.stringify(o.json, null, 2);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(o.title)}</title>
<style>${css}
body{background:#0b0f14;color:#e5e7eb;font:14px/1.4 system-ui,sans-serif;margin:24px;max-width:1100px}
h1{color:#a3e635;margin:0 0 4px}h3{margin:8px 0;font-weight:600}.sub{color:#9ca3af;margin-bottom:16px}
table{border-collapse:collapse;width:100%;margin-bottom:20px}td,th{border-bottom:1px solid #1f2937;padding:6px 8px;text-align:left}
th{color:#9ca3af;font-weight:500}.pass{color:#a3e635}.fail{color:#ef4444;font-weight:600}.na{color:#6b7280}
.chart{background:#111827;border-radius:6px;padding:8px 12px;margin-bottom:16px}.u-legend{color:#e5e7eb}
ul.notes{color:#9ca3af}pre{background:#111827;padding:12px;border-radius:6px;overflow:auto;font-size:12px}
</style></head><body>
<h1>${esc(o.title)}</h1><div class="sub">${esc(o.subtitle)}</div>
<table><thead><tr><th>figure</th><th>value</th><th>target</th><th></th></tr></thead><tbody>
${rows}
</tbody></table>
${charts}
<h3>Notes</h3><ul class="notes">${o.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
<details><summary>JSON</summary><pre>${esc(fullJson)}</pre></details>
<script>${js}</script>
<script>
const charts = ${chartJson};
const colors = ${JSON.stringify(COLORS)};
charts.forEach((c, i) => {
  const el = document.getElementById('c' + i);
  if (!c.data.length || !c.data[0].length) { el.textContent = 'no samples'; return; }
  const stepped = c.steps ? uPlot.paths.stepped({ align: 1 }) : undefined;
  new uPlot({
    width: Math.min(1060, window.innerWidth - 60), height: 260,
    scales: { x: { time: !!c.time, distr: c.logX ? 3 : 1 }, ...(c.y2 ? { y2: { distr: 3 } } : {}) },
    axes: [{ label: c.xLabel, stroke: '#9ca3af', grid: { stroke: '#1f2937' } }, { label: c.yLabel, stroke: '#9ca3af', grid: { stroke: '#1f2937' } },
      ...(c.y2 ? [{ scale: 'y2', side: 1, label: c.y2, stroke: '#9ca3af', grid: { show: false } }] : [])],
    series: [{ label: c.xLabel }, ...c.series.map((s, k) => ({ label: s, scale: c.y2 && k === 1 ? 'y2' : 'y', stroke: colors[k % colors.length], width: 2, paths: stepped, points: { show: c.data[0].length < 60 } }))],
  }, c.data, el);
});
</script>
</body></html>
`;
}
