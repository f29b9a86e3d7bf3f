import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDeps, parseBenchArgs, runBenchRaw } from '../../../bench/slo/main.ts';
import { EXPORTED_METRICS } from '../../unit/observability/exported-metrics.ts';

/**
 * A 5-second `cambist bench`: the whole engine in sim mode against the simulators. A benchmark is
 * not a test, so this checks the report's keys and that the figures are plausible, with generous
 * limits; it also checks the dashboard's list of exported metric names against the run's real
 * /metrics scrape.
 */
const KEYS = [
  'tick_to_signal_us', 'frame_to_signal_us', 'detect_to_fills_ms', 'capture_rate', 'verification_rate',
  'partial_rate', 'prediction_error_median', 'updates_per_s', 'dropped', 'rss_mb',
] as const;

const nonNegativeOrNull = (x: unknown) => x === null || (typeof x === 'number' && Number.isFinite(x) && x >= 0);
const ordered = (...xs: (number | null)[]) => {
  const v = xs.filter((x): x is number => x !== null);
  return v.every((x, i) => i === 0 || x >= v[i - 1]!);
};

describe('cambist bench (5 s)', () => {
  it('writes every key with plausible figures, JSON and one-file HTML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cambist-slo-test-'));
    const json = join(dir, 'out.json');
    const html = join(dir, 'out.html');
    const { opts } = parseBenchArgs(['--duration', '5', '--rate', '2000', '--stress-rate', '5000', '--stress-duration', '2', '--no-progress']);
    const { raw } = await runBenchRaw(opts, await defaultDeps(), { json, html });

    const report = JSON.parse(readFileSync(json, 'utf8')) as Record<string, Record<string, unknown>>;
    for (const k of KEYS) expect(report, k).toHaveProperty(k);
    for (const k of ['tick_to_signal_us', 'frame_to_signal_us'] as const) {
      const r = report[k]!;
      for (const p of ['p50', 'p95', 'p99']) expect(nonNegativeOrNull(r[p]), `${k}.${p}`).toBe(true);
      expect(ordered(r.p50 as number | null, r.p95 as number | null, r.p99 as number | null), k).toBe(true);
    }
    const tick = report.tick_to_signal_us!;
    expect(tick.p50).toBeGreaterThan(0);
    expect(tick.p99 as number).toBeLessThan(10_000_000);
    const fills = report.detect_to_fills_ms!;
    expect(nonNegativeOrNull(fills.p50) && nonNegativeOrNull(fills.p95)).toBe(true);
    expect(ordered(fills.p50 as number | null, fills.p95 as number | null)).toBe(true);
    for (const k of ['capture_rate', 'verification_rate', 'partial_rate'] as const) {
      const v = report[k]!.value as number | null;
      expect(v === null || (v >= 0 && v <= 1), k).toBe(true);
    }
    expect(nonNegativeOrNull(report.prediction_error_median!.value)).toBe(true);
    expect(report.updates_per_s!.value as number).toBeGreaterThan(50);
    expect(report.dropped!.value as number).toBeGreaterThanOrEqual(0);
    const rss = report.rss_mb!.value as number;
    expect(rss).toBeGreaterThan(20);
    expect(rss).toBeLessThan(8_000);
    for (const k of KEYS) expect(report[k]).toHaveProperty('pass');
    // The daily caps are lifted for the run, and the report says so.
    expect((report.run as { daily_caps: Record<string, { notional_quote: number }> }).daily_caps.SOL!.notional_quote).toBe(1e9);
    // The windows scenario scheduled at least one window that the simulator reports as ground truth.
    expect(raw.truth.length).toBeGreaterThan(0);

    const page = readFileSync(html, 'utf8');
    expect(page).toContain('tick_to_signal_us');
    expect(page).toContain('uPlot');
    expect(page).not.toMatch(/<script[^>]+src=/); // one file: uPlot is inlined

    // Every name the Grafana dashboard test trusts is in this real scrape.
    const names = new Set(raw.metrics_text.split('\n').filter((l) => l.startsWith('cambist_')).map((l) => /^[a-z0-9_]+/.exec(l)![0]));
    expect(EXPORTED_METRICS.filter((m) => !names.has(m))).toEqual([]);
  }, 90_000);
});
