import { isMainThread, threadId } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { threadCpuSeconds } from './cpu.ts';
import type { VenueFaults } from './faults.ts';
import type { LoadStats } from './load.ts';
import type { MarketModel } from './market/model.ts';
import type { Scheduler } from './market/scheduler.ts';
import type { HttpWsServer } from './net/server.ts';
import type { SolanaChain } from './venues/solana/chain.ts';

export interface HealthDeps {
  seed: number;
  scenario: string | null;
  market: MarketModel;
  chain: SolanaChain;
  scheduler: Scheduler;
  tick_ms: number;
  servers: Record<string, HttpWsServer>;
  faults: Record<string, VenueFaults>;
  load(): LoadStats | null;
}

/** Counters of one simulator (cumulative: diff two reads for rates). JSON- and structured-clone-safe. */
export interface SimStats {
  /** Wall clock (ms since the epoch) of this read. */
  now_ms: number;
  uptime_ms: number;
  thread: {
    /** False when the simulator shares the engine's main thread (in-process sim). */
    in_worker: boolean;
    thread_id: number;
    /** CPU seconds (user + system) of the simulator's thread since it started; null off Linux. */
    cpu_s: number | null;
    /** Event-loop time of the simulator's thread (`performance.eventLoopUtilization()`), ms. */
    elu: { active_ms: number; idle_ms: number };
  };
  market: { events: number; book_updates: number; book_updates_by_venue: Record<string, number> };
  /** WS frames and characters written per venue, open sockets, and bytes still queued in them (backlog). */
  venues: Record<string, { frames: number; chars: number; sockets: number; buffered_bytes: number }>;
  load: LoadStats | null;
}

/**
 * `GET /sim/health`: is the market ticking, what each server is serving, which faults are live.
 * "ok" means the model emitted an event within 20 ticks (2 s by default): a stalled market is the
 * one failure that would make every venue look healthy while feeding nothing.
 */
export function healthReport(d: HealthDeps): { report(): { ok: boolean } & Record<string, unknown>; stats(): SimStats; close(): void } {
  const started = d.scheduler.clock.nowMs();
  const startedWall = Date.now();
  const cpu0 = threadCpuSeconds();
  const elu0 = performance.eventLoopUtilization();
  let events = 0;
  let books = 0;
  const byVenue: Record<string, number> = {};
  let last = started;
  const off = d.market.onEvent((e) => {
    events++;
    if (e.kind === 'book') {
      books++;
      byVenue[e.venue] = (byVenue[e.venue] ?? 0) + 1;
    }
    last = e.ts_ms;
  });
  const stats = (): SimStats => {
    const cpu = threadCpuSeconds();
    const elu = performance.eventLoopUtilization(elu0);
    return {
      now_ms: Date.now(),
      uptime_ms: Date.now() - startedWall,
      thread: { in_worker: !isMainThread, thread_id: threadId, cpu_s: cpu === null || cpu0 === null ? null : cpu - cpu0, elu: { active_ms: elu.active, idle_ms: elu.idle } },
      market: { events, book_updates: books, book_updates_by_venue: { ...byVenue } },
      venues: Object.fromEntries(
        Object.entries(d.servers).map(([v, s]) => {
          const socks = s.sockets();
          const sent = d.faults[v]?.sent ?? { frames: 0, chars: 0 };
          return [v, { frames: sent.frames, chars: sent.chars, sockets: socks.length, buffered_bytes: socks.reduce((n, w) => n + w.bufferedAmount, 0) }];
        }),
      ),
      load: d.load(),
    };
  };
  return {
    report() {
      const now = d.scheduler.clock.nowMs();
      const age = now - last;
      const stall_ms = Math.max(2_000, 20 * d.tick_ms);
      const windows = d.market.truth();
      const s = stats();
      const up_s = s.uptime_ms / 1000;
      return {
        ok: age <= stall_ms,
        reason: age <= stall_ms ? 'ok' : `no market event for ${age} ms`,
        seed: d.seed,
        scenario: d.scenario,
        now_ms: now,
        uptime_ms: now - started,
        market: { events, book_updates: books, last_event_age_ms: age, open_windows: windows.filter((w) => w.state !== 'ended').length, windows: windows.length },
        solana: { slot: d.chain.slot, pending_txs: d.chain.pendingCount() },
        // Since the simulator started: CPU share of one core of the thread it runs on (the engine's
        // main thread too when in_worker is false), and that thread's event-loop utilisation.
        thread: {
          in_worker: s.thread.in_worker,
          cpu_s: s.thread.cpu_s,
          cpu_share_of_core: s.thread.cpu_s === null || up_s <= 0 ? null : round3(s.thread.cpu_s / up_s),
          elu: round3(s.thread.elu.active_ms / Math.max(1, s.thread.elu.active_ms + s.thread.elu.idle_ms)),
        },
        load: s.load,
        venues: Object.fromEntries(
          Object.entries(d.servers).map(([v, srv]) => [v, { url: srv.httpUrl, sockets: s.venues[v]!.sockets, sent_frames: s.venues[v]!.frames, faults: d.faults[v]?.status() ?? null }]),
        ),
      };
    },
    stats,
    close: off,
  };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
