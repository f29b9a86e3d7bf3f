import type { Config } from '../../src/shared/config/index.ts';
import type { Page, Store, TradeRecord, WindowRecord } from '../../src/shared/store/index.ts';
import type { TruthWindow } from '../../src/sim/index.ts';
import { median, percentiles, type Percentiles } from './stats.ts';

/**
 * Trade- and window-derived SLO figures, scored from the engine's own store against the
 * simulator's ground truth (`GET /sim/truth`).
 */

/** States in which both legs were sent and something filled: the trade happened. */
const EXECUTED = new Set(['filled', 'verified', 'partial', 'failed_leg', 'hedging', 'hedged', 'unhedged']);
const PARTIAL = new Set(['partial', 'failed_leg', 'hedging', 'hedged', 'unhedged']);
/** A trade fired within this long after a truth window closed still counts for it (legs in flight). */
const CAPTURE_TAIL_MS = 2_000;
/** Signal windows open on ticks, truth windows on model ticks: allow this much skew when matching. */
const DETECT_SKEW_MS = 500;

export interface TradeFigures {
  trades: number;
  by_state: Record<string, number>;
  /** Why trades did not execute (reason → count), to tell a rejection storm from a slow leg. */
  reasons: Record<string, number>;
  executed: number;
  detect_to_fills_ms: { p50: number | null; p95: number | null; samples: number };
  /** decided_us − tick_recv_us on traded ticks: exact, but only for the few ticks that became trades. */
  traded_tick_to_signal_us: Percentiles & { samples: number };
  verification_rate: number | null;
  partial_rate: number | null;
  prediction_error_median: number | null;
}

export interface CaptureFigures {
  truth_windows: number;
  eligible: number;
  captured: number;
  detected: number;
  capture_rate: number | null;
  detected_rate: number | null;
  /** Per eligible window, in end-time order: for the "capture over time" chart. */
  timeline: { end_ms: number; id: string; venue: string; direction: string; captured: boolean; detected: boolean; trades: number; peak_edge_bps: number; required_bps: number }[];
}

export async function listAll<T>(page: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const p = await page(cursor);
    out.push(...p.items);
    if (!p.next_cursor) return out;
    cursor = p.next_cursor;
  }
}

export async function loadRecords(store: Store, from_ms: number, to_ms: number): Promise<{ trades: TradeRecord[]; windows: WindowRecord[] }> {
  const trades = await listAll((cursor) => store.listTrades({ from_ms, to_ms, limit: 1000, ...(cursor ? { cursor } : {}) }));
  const windows = await listAll((cursor) => store.listWindows({ from_ms, to_ms, limit: 1000, ...(cursor ? { cursor } : {}) }));
  return { trades, windows };
}

export function tradeFigures(trades: readonly TradeRecord[]): TradeFigures {
  const executed = trades.filter((t) => EXECUTED.has(t.state));
  const fills: number[] = [];
  const tickToSignal: number[] = [];
  for (const t of trades) {
    tickToSignal.push(t.decided_us - t.tick_recv_us);
    const filled = t.legs.map((l) => l.filled_us);
    if (t.legs.length >= 2 && filled.every((f): f is number => f !== null)) fills.push((Math.max(...filled) - t.decided_us) / 1000);
  }
  const bothFilled = trades.filter((t) => t.legs.length >= 2 && t.legs.every((l) => l.status === 'filled'));
  const errors = trades
    .filter((t) => t.realised_pnl_quote !== null && t.predicted_pnl_quote !== 0)
    .map((t) => Math.abs((t.realised_pnl_quote! - t.predicted_pnl_quote) / t.predicted_pnl_quote));
  const fp = percentiles(fills);
  const by_state: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  for (const t of trades) {
    by_state[t.state] = (by_state[t.state] ?? 0) + 1;
    if (t.reason !== null) reasons[t.reason.slice(0, 200)] = (reasons[t.reason.slice(0, 200)] ?? 0) + 1;
  }
  return {
    trades: trades.length,
    by_state,
    reasons,
    executed: executed.length,
    detect_to_fills_ms: { p50: fp.p50, p95: fp.p95, samples: fills.length },
    traded_tick_to_signal_us: { ...percentiles(tickToSignal), samples: tickToSignal.length },
    verification_rate: bothFilled.length === 0 ? null : bothFilled.filter((t) => t.state === 'verified').length / bothFilled.length,
    partial_rate: executed.length === 0 ? null : executed.filter((t) => PARTIAL.has(t.state) || t.legs.some((l) => l.status === 'partial')).length / executed.length,
    prediction_error_median: median(errors),
  };
}

/**
 * Net edge (bps of mid) a window must reach before the engine may trade it: the profit threshold in
 * force at the window's start plus the cheapest taker fee of the CEX venues involved, the cheapest
 * pool fee and the slippage haircut (DESIGN §5). A window below it is not an opportunity the engine
 * is supposed to take, so it is not counted against capture.
 */
export function requiredBps(cfg: Config, w: TruthWindow): number | null {
  const a = cfg.assets.find((x) => x.asset === w.asset && x.enabled);
  if (!a) return null;
  const cexes = a.cex_routes.filter((r) => (w.dislocated_venue === 'dex' ? true : r.venue === w.dislocated_venue));
  if (cexes.length === 0) return null;
  const hour = new Date(w.start_ms).getUTCHours();
  const [from, to] = a.signal.hot_window_utc;
  const threshold = hour >= from && hour < to ? a.signal.profit_threshold_pct_hot : a.signal.profit_threshold_pct_cold;
  const taker = Math.min(...cexes.map((r) => r.taker_fee_bps));
  const pool = Math.min(...a.dex_route.pools.map((p) => p.swap_fee_bps));
  return threshold * 100 + taker + pool + a.signal.slip_haircut_pct * 100;
}

const venueMatches = (w: TruthWindow, cexVenue: string): boolean => w.dislocated_venue === 'dex' || w.dislocated_venue === cexVenue;

/**
 * Capture: an eligible truth window (enabled asset, inside the measured period, peak edge ≥ the
 * required edge) is captured when a trade on the same asset and direction, on the dislocated CEX
 * venue (any CEX venue for a DEX dislocation), was created between the window's start and
 * CAPTURE_TAIL_MS after its end, and got executed. Detected: the signal opened a window (store
 * `windows`) matching the same way — the signal half of capture, meaningful while execution is not.
 */
export function captureFigures(cfg: Config, truth: readonly TruthWindow[], trades: readonly TradeRecord[], windows: readonly WindowRecord[], from_ms: number, to_ms: number): CaptureFigures {
  const inPeriod = truth.filter((w) => w.state === 'ended' && w.start_ms >= from_ms && w.end_ms <= to_ms);
  const timeline: CaptureFigures['timeline'] = [];
  for (const w of inPeriod) {
    const required = requiredBps(cfg, w);
    if (required === null || w.peak_edge_bps < required) continue;
    const fired = trades.filter(
      (t) => t.asset === w.asset && t.direction === w.direction && venueMatches(w, t.cex_venue) &&
        t.created_ts_ms >= w.start_ms && t.created_ts_ms <= w.end_ms + CAPTURE_TAIL_MS,
    );
    const captured = fired.some((t) => EXECUTED.has(t.state));
    // A signal window stays open `window_grace_sec` after its edge fades, so a second dislocation
    // of the same pair may extend a window opened earlier: detected = a window open with its edge
    // above threshold at some point during the truth window.
    const detected = windows.some(
      (s) => s.asset === w.asset && s.direction === w.direction && venueMatches(w, s.cex_venue) &&
        s.opened_ts_ms <= w.end_ms + DETECT_SKEW_MS && s.last_above_ts_ms >= w.start_ms - DETECT_SKEW_MS,
    );
    timeline.push({ end_ms: w.end_ms, id: w.id, venue: w.dislocated_venue, direction: w.direction, captured, detected, trades: fired.length, peak_edge_bps: w.peak_edge_bps, required_bps: Math.round(required) });
  }
  timeline.sort((a, b) => a.end_ms - b.end_ms);
  const eligible = timeline.length;
  const captured = timeline.filter((x) => x.captured).length;
  const detected = timeline.filter((x) => x.detected).length;
  return {
    truth_windows: inPeriod.length,
    eligible,
    captured,
    detected,
    capture_rate: eligible === 0 ? null : captured / eligible,
    detected_rate: eligible === 0 ? null : detected / eligible,
    timeline,
  };
}
