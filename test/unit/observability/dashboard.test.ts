import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPORTED_METRICS } from './exported-metrics.ts';

/**
 * Every metric a Grafana panel queries must be one the engine exports. The exported names are the
 * list in exported-metrics.ts, which test/integration/bench/slo.test.ts checks against a real
 * /metrics scrape of the engine in sim mode.
 */
interface Panel {
  title?: string;
  type: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

const DASHBOARD = new URL('../../../config/grafana/cambist.json', import.meta.url);

function panels(list: readonly Panel[]): Panel[] {
  return list.flatMap((p) => [p, ...panels(p.panels ?? [])]);
}

/** Metric names in a PromQL expression: `cambist_…` identifiers (label values are quoted, so not matched). */
export function metricNames(expr: string): string[] {
  const unquoted = expr.replace(/"[^"]*"/g, '""');
  return [...unquoted.matchAll(/\bcambist_[a-z0-9_]+\b/g)].map((m) => m[0]);
}

export function unknownMetrics(dashboard: { panels: Panel[] }, exported: readonly string[]): { panel: string; metric: string }[] {
  const known = new Set(exported);
  const out: { panel: string; metric: string }[] = [];
  for (const p of panels(dashboard.panels)) {
    for (const t of p.targets ?? []) for (const m of metricNames(t.expr ?? '')) if (!known.has(m)) out.push({ panel: p.title ?? '?', metric: m });
  }
  return out;
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };

describe('config/grafana/cambist.json', () => {
  it('queries only metrics the engine exports', () => {
    expect(unknownMetrics(dashboard, EXPORTED_METRICS)).toEqual([]);
  });

  it('has the panels issue 8 asks for, each querying something', () => {
    const all = panels(dashboard.panels);
    const titles = all.map((p) => p.title?.toLowerCase() ?? '').join('\n');
    for (const word of ['tick → signal', 'capture', 'actors up', 'staleness', 'inventory', 'prediction error', 'unhedged']) expect(titles).toContain(word);
    const queried = all.filter((p) => p.type === 'timeseries');
    expect(queried.length).toBeGreaterThan(8);
    for (const p of queried) expect(p.targets?.length, p.title).toBeGreaterThan(0);
  });

  it('the check fails for a panel naming a metric nobody exports', () => {
    const bad = { panels: [...dashboard.panels, { type: 'timeseries', title: 'bogus', targets: [{ expr: 'rate(cambist_nobody_exports_this_total[1m]) / cambist_trades_total{outcome="cambist_in_a_label"}' }] }] };
    expect(unknownMetrics(bad, EXPORTED_METRICS)).toEqual([{ panel: 'bogus', metric: 'cambist_nobody_exports_this_total' }]);
  });
});

describe('config/prometheus.yml', () => {
  it('scrapes the edge /metrics', () => {
    const yml = readFileSync(new URL('../../../config/prometheus.yml', import.meta.url), 'utf8');
    expect(yml).toMatch(/metrics_path: \/metrics/);
    expect(yml).toMatch(/127\.0\.0\.1:8080/);
  });
});
