import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadCpuSeconds } from '../../src/sim/cpu.ts';
import type { SimStats } from '../../src/sim/index.ts';
import { DEFAULT_LATENCY, NO_LATENCY, applyLatency, type LatencyModel } from '../slo/scenario.ts';
import type { SloDeps } from '../slo/run.ts';
import { sumSeries } from '../slo/stats.ts';

/**
 * The simulator under load beside the real engine (issue 5): the whole engine in sim mode with
 * its actor workers and the simulators in their own worker, the simulators' load generator asked
 * for `rate` book updates/s across every simulated book, and what was sent, what the engine's feeds
 * received, what was dropped, and how much CPU the simulator's thread took.
 */

export interface SimLoadOptions {
  /** Book updates/s asked of the simulator's load generator (every simulated book together). */
  rate: number;
  duration_s: number;
  warmup_s: number;
  latency: 'default' | 'none';
  config_file: string;
  seed: number | undefined;
}

export const DEFAULT_SIM_LOAD: SimLoadOptions = { rate: 25_000, duration_s: 25, warmup_s: 3, latency: 'default', config_file: 'config/default.yaml', seed: undefined };

/** One side of the measured phase: the simulator's counters, the engine's /metrics, CPU clocks. */
export interface Snapshot {
  sim: SimStats;
  metrics: string;
  wall_ms: number;
  /** process.cpuUsage(): user + system µs of every thread of the process. */
  process_cpu_us: number;
  /** The engine's main thread (supervisor, edge) CPU seconds, or null off Linux. */
  main_cpu_s: number | null;
}

const CEX = ['coinbase', 'gemini', 'bitstamp'] as const;
const r1 = (x: number): number => Math.round(x * 10) / 10;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Figures of the phase between two snapshots (pure). */
export function loadFigures(a: Snapshot, b: Snapshot) {
  const s = (b.wall_ms - a.wall_ms) / 1000;
  const perS = (x: number): number => r1(x / s);
  const sent = Object.fromEntries(CEX.map((v) => [v, perS((b.sim.venues[v]?.frames ?? 0) - (a.sim.venues[v]?.frames ?? 0))])) as Record<(typeof CEX)[number], number>;
  const books = Object.fromEntries(CEX.map((v) => [v, perS((b.sim.market.book_updates_by_venue[v] ?? 0) - (a.sim.market.book_updates_by_venue[v] ?? 0))])) as Record<(typeof CEX)[number], number>;
  const feed = (text: string, v: string): number => sumSeries(text, `cambist_feed_messages_total{venue="${v}"}`);
  const received = Object.fromEntries(CEX.map((v) => [v, perS(feed(b.metrics, v) - feed(a.metrics, v))])) as Record<(typeof CEX)[number], number>;
  const sum = (r: Record<string, number>): number => r1(Object.values(r).reduce((x, y) => x + y, 0));
  const simCpu = a.sim.thread.cpu_s === null || b.sim.thread.cpu_s === null ? null : b.sim.thread.cpu_s - a.sim.thread.cpu_s;
  const procCpu = (b.process_cpu_us - a.process_cpu_us) / 1e6;
  const mainCpu = a.main_cpu_s === null || b.main_cpu_s === null ? null : b.main_cpu_s - a.main_cpu_s;
  const eluActive = b.sim.thread.elu.active_ms - a.sim.thread.elu.active_ms;
  const eluIdle = b.sim.thread.elu.idle_ms - a.sim.thread.elu.idle_ms;
  const steps = b.sim.load && a.sim.load && b.sim.load.since_ms === a.sim.load.since_ms ? b.sim.load.steps - a.sim.load.steps : null;
  const skipped = b.sim.load && a.sim.load && b.sim.load.since_ms === a.sim.load.since_ms ? b.sim.load.skipped - a.sim.load.skipped : null;
  return {
    seconds: r3(s),
    requested_book_updates_per_s: b.sim.load?.book_updates_per_sec ?? null,
    /** Book updates the model published, per venue (every simulated book of the venue). */
    sim_book_updates_per_s: { ...books, total: sum(books) },
    /** WS frames the simulator wrote per venue (book updates, trades, heartbeats), counted at its servers. */
    sim_sent_msgs_per_s: { ...sent, total: sum(sent) },
    /** WS frames the engine's feed actors received (`cambist_feed_messages_total`). */
    engine_received_msgs_per_s: { ...received, total: sum(received) },
    received_over_sent: sum(sent) > 0 ? r3(sum(received) / sum(sent)) : null,
    /** Bytes still queued in the simulator's sockets at the end (a backlog the engine did not read). */
    sim_socket_backlog_bytes: Object.values(b.sim.venues).reduce((n, v) => n + v.buffered_bytes, 0),
    load_steps: steps,
    /** Steps the load generator dropped because it fell > 0.25 s behind (it was CPU-bound). */
    load_skipped_steps: skipped,
    ring_dropped: Math.max(0, sumSeries(b.metrics, 'cambist_ring_dropped_total') - sumSeries(a.metrics, 'cambist_ring_dropped_total')),
    signal_records_per_s: perS(sumSeries(b.metrics, 'cambist_tick_to_signal_seconds_count') - sumSeries(a.metrics, 'cambist_tick_to_signal_seconds_count')),
    cpu: {
      /** CPU seconds per wall second of the simulator's thread: its share of one core. */
      sim_thread_share_of_core: simCpu === null ? null : r3(simCpu / s),
      sim_thread_elu: r3(eluActive / Math.max(1e-9, eluActive + eluIdle)),
      /** Every thread of the process (main, actor workers, simulator), cores in use on average. */
      process_cores: r3(procCpu / s),
      /** The simulator's thread's part of the whole process's CPU. */
      sim_share_of_process: simCpu === null || procCpu <= 0 ? null : r3(simCpu / procCpu),
      main_thread_share_of_core: mainCpu === null ? null : r3(mainCpu / s),
      /** CPU µs the simulator spent per message it sent. */
      sim_cpu_us_per_msg: simCpu === null || sum(sent) <= 0 ? null : r1((simCpu * 1e6) / (sum(sent) * s)),
    },
  };
}

export type LoadFigures = ReturnType<typeof loadFigures>;

/** Issue 5: the simulator sustains ≥ 20 000 book messages/s across venues while the engine runs. */
export const TARGET_MSGS_PER_S = 20_000;

export interface SimLoadResult {
  date: string;
  target: { sim_sent_msgs_per_s_min: number; pass: boolean };
  machine: { cpus: number; cpu: string | null; node: string; loadavg_1m_at_start: number; loadavg_1m_at_end: number };
  options: SimLoadOptions;
  sim_thread: { in_worker: boolean; thread_id: number };
  engine_start_s: number;
  /** The measured phase (after the warm-up). */
  result: LoadFigures;
  /** One entry per second of the measured phase: sent and received msgs/s, simulator CPU share. */
  samples: { t_s: number; sent: number; received: number; sim_cpu: number | null }[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function scrape(url: string): Promise<string> {
  const r = await fetch(`${url}/metrics`);
  if (!r.ok) throw new Error(`/metrics answered ${r.status}`);
  return r.text();
}

/** Run the engine and the loaded simulator; `onSample` sees each second's figures (progress output). */
export async function runSimLoad(o: SimLoadOptions, deps: SloDeps, onSample: (f: LoadFigures) => void = () => undefined): Promise<SimLoadResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cambist-sim-load-'));
  const loaded = deps.loadConfig(o.config_file, { dataDir, port: 0 });
  const config = { ...loaded, mode: 'sim' as const, log: { level: 'error' as const }, sim: { ...loaded.sim, seed: o.seed ?? loaded.sim.seed } };
  const log = deps.createLogger({ level: 'error', name: 'bench', destination: process.stderr });
  const assets = config.assets.filter((a) => a.enabled).map((a) => a.asset as 'SOL' | 'BTC' | 'ETH');
  const load1 = loadavg()[0]!;
  const t0 = performance.now();
  // Only the traded assets are simulated, so every book update has a subscriber; no dislocations,
  // so the engine's work is market data, not trading.
  const engine = await deps.startEngine({ config, log, sim: { in_process: false, assets, auto_dislocations: false } });
  const engineStart = (performance.now() - t0) / 1000;
  const host = engine.simHost;
  try {
    if (!host) throw new Error('the engine started no simulator (needs sim mode)');
    const latency: LatencyModel = o.latency === 'none' ? NO_LATENCY : DEFAULT_LATENCY;
    await applyLatency(host, latency);
    // Feeds live: every CEX feed has received frames.
    for (const deadline = Date.now() + 90_000; ; await sleep(250)) {
      const m = await scrape(engine.url);
      if (engine.supervisor.health().ok && assets.length > 0 && ['coinbase', 'gemini', 'bitstamp'].every((v) => sumSeries(m, `cambist_feed_messages_total{venue="${v}"}`) > 0)) break;
      if (Date.now() > deadline) throw new Error(`feeds not live after 90 s: ${engine.supervisor.health().reason}`);
    }
    await host.setLoad({ book_updates_per_sec: o.rate });
    await sleep(o.warmup_s * 1000);
    const snap = async (): Promise<Snapshot> => {
      const [sim, metrics] = await Promise.all([host.stats(), scrape(engine.url)]);
      const u = process.cpuUsage();
      return { sim, metrics, wall_ms: performance.now(), process_cpu_us: u.user + u.system, main_cpu_s: threadCpuSeconds() };
    };
    const first = await snap();
    const samples: SimLoadResult['samples'] = [];
    let prev = first;
    const end = first.wall_ms + o.duration_s * 1000;
    while (performance.now() < end) {
      await sleep(Math.min(1000, Math.max(0, end - performance.now())));
      const next = await snap();
      const f = loadFigures(prev, next);
      samples.push({ t_s: r1((next.wall_ms - first.wall_ms) / 1000), sent: f.sim_sent_msgs_per_s.total, received: f.engine_received_msgs_per_s.total, sim_cpu: f.cpu.sim_thread_share_of_core });
      onSample(f);
      prev = next;
    }
    const result = loadFigures(first, prev);
    await host.setLoad(null);
    return {
      date: new Date().toISOString(),
      target: { sim_sent_msgs_per_s_min: TARGET_MSGS_PER_S, pass: result.sim_sent_msgs_per_s.total >= TARGET_MSGS_PER_S },
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? null, node: process.version, loadavg_1m_at_start: load1, loadavg_1m_at_end: loadavg()[0]! },
      options: o,
      sim_thread: { in_worker: first.sim.thread.in_worker, thread_id: first.sim.thread.thread_id },
      engine_start_s: r3(engineStart),
      result,
      samples,
    };
  } finally {
    await engine.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
