import type { VenueFaults } from './faults.ts';
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
}

/**
 * `GET /sim/health`: is the market ticking, what each server is serving, which faults are live.
 * "ok" means the model emitted an event within 20 ticks (2 s by default): a stalled market is the
 * one failure that would make every venue look healthy while feeding nothing.
 */
export function healthReport(d: HealthDeps): { report(): { ok: boolean } & Record<string, unknown>; close(): void } {
  const started = d.scheduler.clock.nowMs();
  let events = 0;
  let books = 0;
  let last = started;
  const off = d.market.onEvent((e) => {
    events++;
    if (e.kind === 'book') books++;
    last = e.ts_ms;
  });
  return {
    report() {
      const now = d.scheduler.clock.nowMs();
      const age = now - last;
      const stall_ms = Math.max(2_000, 20 * d.tick_ms);
      const windows = d.market.truth();
      return {
        ok: age <= stall_ms,
        reason: age <= stall_ms ? 'ok' : `no market event for ${age} ms`,
        seed: d.seed,
        scenario: d.scenario,
        now_ms: now,
        uptime_ms: now - started,
        market: { events, book_updates: books, last_event_age_ms: age, open_windows: windows.filter((w) => w.state !== 'ended').length, windows: windows.length },
        solana: { slot: d.chain.slot, pending_txs: d.chain.pendingCount() },
        venues: Object.fromEntries(
          Object.entries(d.servers).map(([v, s]) => [v, { url: s.httpUrl, sockets: s.sockets().length, faults: d.faults[v]?.status() ?? null }]),
        ),
      };
    },
    close: off,
  };
}
