import { Reason } from '../../shared/messages/index.ts';
import { windowId } from '../../shared/ids.ts';

/**
 * Opportunity windows (DESIGN §5), one track per (CEX venue, DEX route, direction): a window opens
 * when the net edge crosses the threshold, extends while it holds, and closes `graceMs` after it
 * last held — or `GONE_CLOSE_MS` after, once the edge is gone altogether (net ≤ 0). It counts signals and trades, tracks peak and mean edge, and remembers why it was not
 * traded (the last blocking reason) — the record nobody else keeps.
 */
export interface Window {
  id: number;
  pair: number;
  cexVenue: number;
  route: number;
  direction: number;
  openedMs: number;
  lastAboveMs: number;
  closedMs: number;
  signals: number;
  trades: number;
  /** Attempts emitted (trades counted when their result arrives). */
  attempts: number;
  peakBps: number;
  sumBps: number;
  reason: number;
  inFlight: boolean;
  /** When the in-flight attempt was emitted (epoch ms). */
  inFlightSinceMs: number;
  /** Last time a WindowEvent 'extend' was published for this window. */
  lastReportMs: number;
}

export type WindowChange = 'opened' | 'extended' | 'closed' | 'none';

/** How long an edge that is gone (net ≤ 0) keeps a window open. */
export const GONE_CLOSE_MS = 2_000;

export class WindowTracker {
  private readonly open = new Map<number, Window>();

  constructor(private graceMs: number) {}

  setGrace(ms: number): void {
    this.graceMs = ms;
  }

  get(pair: number): Window | undefined {
    return this.open.get(pair);
  }

  /** Restore a window persisted before a restart (same id, same attempt count). */
  restore(w: Window): void {
    this.open.set(w.pair, w);
  }

  /**
   * Feed one evaluation. `aboveThreshold`: the net edge at the chosen size meets the threshold.
   * Returns what happened to this pair's window, and the window (open or just closed).
   */
  observe(pair: number, cexVenue: number, route: number, direction: number, edgeBps: number, aboveThreshold: boolean, nowMs: number): { change: WindowChange; window: Window | undefined } {
    let w = this.open.get(pair);
    // The grace covers an edge that flickers around the threshold. An edge that is gone (net ≤ 0:
    // the market is back to normal, fees uncovered) closes the window after a short debounce, so
    // the next dislocation on this pair is a new window with its own attempts, not the tail of
    // the last one.
    const closeAfterMs = edgeBps <= 0 ? Math.min(this.graceMs, GONE_CLOSE_MS) : this.graceMs;
    if (w && !aboveThreshold && nowMs - w.lastAboveMs > closeAfterMs) {
      this.open.delete(pair);
      w.closedMs = nowMs;
      return { change: 'closed', window: w };
    }
    if (!aboveThreshold) return { change: 'none', window: w };
    if (!w) {
      w = {
        id: windowId(nowMs, pair), pair, cexVenue, route, direction,
        openedMs: nowMs, lastAboveMs: nowMs, closedMs: 0,
        signals: 0, trades: 0, attempts: 0, peakBps: edgeBps, sumBps: 0,
        reason: Reason.none, inFlight: false, inFlightSinceMs: 0, lastReportMs: nowMs,
      };
      this.open.set(pair, w);
      w.signals++;
      w.sumBps += edgeBps;
      return { change: 'opened', window: w };
    }
    w.lastAboveMs = nowMs;
    w.signals++;
    w.sumBps += edgeBps;
    if (edgeBps > w.peakBps) w.peakBps = edgeBps;
    return { change: 'extended', window: w };
  }

  /** Close every window whose grace ran out without an evaluation (a feed went quiet). */
  sweep(nowMs: number, onClose: (w: Window) => void): void {
    for (const [pair, w] of this.open) {
      if (nowMs - w.lastAboveMs > this.graceMs) {
        this.open.delete(pair);
        w.closedMs = nowMs;
        onClose(w);
      }
    }
  }

  all(): IterableIterator<Window> {
    return this.open.values();
  }
}
