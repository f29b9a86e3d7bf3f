import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { renderHtml } from './report-html.ts';
import { buildReport, reportCharts, reportRows, type Report } from './report.ts';
import { DEFAULT_OPTIONS, runSlo, type SloDeps, type SloOptions, type SloRaw } from './run.ts';
import { DEFAULT_LATENCY, NO_LATENCY, SCENARIOS, type Scenario } from './scenario.ts';

export const BENCH_USAGE = `usage: cambist bench [--duration 60] [--seed N] [--scenario windows|auto] [--rate 10000]
                     [--stress-rate 50000] [--stress-duration 10] [--latency default|none]
                     [--config FILE] [--json FILE] [--html FILE] [--no-progress]`;

function num(v: string | undefined, name: string, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got "${v}"`);
  return n;
}

export function parseBenchArgs(argv: string[]): { opts: SloOptions; json?: string; html?: string } {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      seed: { type: 'string' },
      scenario: { type: 'string' },
      rate: { type: 'string' },
      'stress-rate': { type: 'string' },
      'stress-duration': { type: 'string' },
      warmup: { type: 'string' },
      latency: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'string' },
      html: { type: 'string' },
      'no-progress': { type: 'boolean' },
    },
  });
  const scenario = (v.scenario ?? DEFAULT_OPTIONS.scenario) as Scenario;
  if (!SCENARIOS.includes(scenario)) throw new Error(`--scenario must be one of ${SCENARIOS.join(', ')}, got "${v.scenario}"`);
  if (v.latency !== undefined && v.latency !== 'default' && v.latency !== 'none') throw new Error(`--latency must be default or none, got "${v.latency}"`);
  const duration = num(v.duration, 'duration', DEFAULT_OPTIONS.duration_s, 2);
  const opts: SloOptions = {
    duration_s: duration,
    seed: v.seed === undefined ? undefined : num(v.seed, 'seed', 0, 0),
    scenario,
    rate: num(v.rate, 'rate', DEFAULT_OPTIONS.rate, 1),
    stress_rate: num(v['stress-rate'], 'stress-rate', DEFAULT_OPTIONS.stress_rate, 0),
    // The stress phase scales with the run: 10 s after a 60 s run, 2 s after a 5 s one.
    stress_duration_s: num(v['stress-duration'], 'stress-duration', Math.max(2, Math.min(10, Math.round(duration / 6))), 0),
    warmup_s: num(v.warmup, 'warmup', duration < 20 ? 1 : DEFAULT_OPTIONS.warmup_s, 0),
    latency: v.latency === 'none' ? NO_LATENCY : DEFAULT_LATENCY,
    config_file: v.config ?? DEFAULT_OPTIONS.config_file,
    progress: !v['no-progress'],
  };
  return { opts, ...(v.json ? { json: v.json } : {}), ...(v.html ? { html: v.html } : {}) };
}

/** The engine from dist/ when built (workers boot from plain JS, several times faster), else from src/. */
export async function defaultDeps(): Promise<SloDeps> {
  const built = new URL('../../dist/supervisor/engine.js', import.meta.url);
  const engineUrl = existsSync(built) && !process.env.CAMBIST_FROM_SOURCE ? built.href : new URL('../../src/supervisor/engine.ts', import.meta.url).href;
  const { startEngine } = (await import(engineUrl)) as Pick<SloDeps, 'startEngine'>;
  const { loadConfig } = await import('../../src/shared/config/index.ts');
  const { createLogger } = await import('../../src/shared/log.ts');
  return { startEngine, loadConfig, createLogger };
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

export async function runBench(opts: SloOptions, deps: SloDeps, out: { json?: string; html?: string } = {}): Promise<Report> {
  return (await runBenchRaw(opts, deps, out)).report;
}

/** The report and the raw run (tests also look at the run's last /metrics scrape). */
export async function runBenchRaw(opts: SloOptions, deps: SloDeps, out: { json?: string; html?: string } = {}): Promise<{ report: Report; raw: SloRaw }> {
  const raw = await runSlo(opts, deps);
  const f = raw.main.frame_to_signal_us;
  const report = buildReport(raw, f.samples > 0 ? { ...f, method: 'simulator frame stamp (Coinbase envelope timestamp, sub-ms wall clock) → signal decision: the signal\'s cambist_frame_to_signal_seconds histogram over the measured phase, percentiles interpolated inside buckets' } : null);
  if (out.json) write(out.json, `${JSON.stringify(report, null, 2)}\n`);
  if (out.html) {
    const notes = [
      report.tick_to_signal_us.method,
      `frame_to_signal_us: ${report.frame_to_signal_us.method}`,
      `updates_per_s: ${report.updates_per_s.method}; the market model is stepped faster than its 100 ms tick to reach the rate (bench/slo/README.md)`,
      report.trades.total === 0 ? 'No trades in this run: trade-derived figures are null (see bench/slo/README.md, "Trades").' : `${report.trades.total} trades, ${report.trades.executed} executed.`,
      `latency model: ${JSON.stringify(report.run.latency_model)}`,
    ];
    const subtitle = `${report.run.started_at} · ${report.run.duration_s} s · seed ${report.run.seed} · scenario ${report.run.scenario} · ${report.run.rate.toLocaleString('en-US')} upd/s requested · ${process.version}`;
    write(out.html, renderHtml({ title: 'cambist SLO benchmark', subtitle, rows: reportRows(report), charts: reportCharts(raw, []), notes, json: report }));
  }
  return { report, raw };
}

export function printSummary(report: Report): void {
  const rows = reportRows(report);
  const w = Math.max(...rows.map((r) => r.key.length)) + 2;
  const vw = Math.max(...rows.map((r) => r.value.length)) + 2;
  const lines = rows.map((r) => `${r.key.padEnd(w)}${r.value.padEnd(vw)}${r.target.padEnd(30)}${r.pass === null ? 'n/a' : r.pass ? 'pass' : 'FAIL'}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `cambist bench …`: returns the process exit code (0 even when targets fail: a benchmark reports, it does not gate). */
export async function benchMain(argv: string[], deps?: SloDeps): Promise<number> {
  let parsed: ReturnType<typeof parseBenchArgs>;
  try {
    parsed = parseBenchArgs(argv);
  } catch (e) {
    process.stderr.write(`cambist bench: ${e instanceof Error ? e.message : String(e)}\n${BENCH_USAGE}\n`);
    return 2;
  }
  const report = await runBench(parsed.opts, deps ?? (await defaultDeps()), parsed);
  printSummary(report);
  return 0;
}
