import { describe, expect, it } from 'vitest';
import { loadFigures, type Snapshot } from '../../../bench/sim-load/measure.ts';
import type { SimStats } from '../../../src/sim/index.ts';

function stats(frames: [number, number, number], cpu_s: number, steps: number, elu: [number, number]): SimStats {
  const [c, g, b] = frames;
  const v = (n: number) => ({ frames: n, chars: n * 100, sockets: 1, buffered_bytes: 0 });
  return {
    now_ms: 0,
    uptime_ms: 0,
    thread: { in_worker: true, thread_id: 3, cpu_s, elu: { active_ms: elu[0], idle_ms: elu[1] } },
    market: { events: 0, book_updates: c + g + b, book_updates_by_venue: { coinbase: c, gemini: g, bitstamp: b } },
    venues: { coinbase: v(c), gemini: v(g), bitstamp: v(b), solana: v(0), jupiter: v(0) },
    load: { book_updates_per_sec: 30_000, steps_per_sec: 10_000, steps, skipped: 0, since_ms: 1 },
  };
}

const metrics = (c: number, g: number, b: number, dropped: number) =>
  [`cambist_feed_messages_total{venue="coinbase"} ${c}`, `cambist_feed_messages_total{venue="gemini"} ${g}`, `cambist_feed_messages_total{venue="bitstamp"} ${b}`, `cambist_ring_dropped_total{ring="x"} ${dropped}`].join('\n');

describe('bench/sim-load figures', () => {
  it('turns two snapshots into per-second rates and CPU shares', () => {
    const a: Snapshot = { sim: stats([0, 0, 0], 1, 0, [0, 0]), metrics: metrics(0, 0, 0, 0), wall_ms: 0, process_cpu_us: 0, main_cpu_s: 5 };
    const b: Snapshot = { sim: stats([20_000, 22_000, 18_000], 2.2, 20_000, [1_500, 500]), metrics: metrics(19_000, 22_000, 18_000, 3), wall_ms: 2_000, process_cpu_us: 3_000_000, main_cpu_s: 5.4 };
    const f = loadFigures(a, b);
    expect(f.seconds).toBe(2);
    expect(f.sim_sent_msgs_per_s).toEqual({ coinbase: 10_000, gemini: 11_000, bitstamp: 9_000, total: 30_000 });
    expect(f.engine_received_msgs_per_s.total).toBe(29_500);
    expect(f.received_over_sent).toBe(0.983);
    expect(f.ring_dropped).toBe(3);
    expect(f.load_steps).toBe(20_000);
    expect(f.cpu).toEqual({ sim_thread_share_of_core: 0.6, sim_thread_elu: 0.75, process_cores: 1.5, sim_share_of_process: 0.4, main_thread_share_of_core: 0.2, sim_cpu_us_per_msg: 20 });
  });
});
