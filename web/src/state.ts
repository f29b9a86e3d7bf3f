import { batch, createSignal } from 'solid-js';
import { currentFeeds } from './feeds.ts';
import type { FeedHealth, Histograms, LiveLatency, Opportunity, StatusDoc, TradeRecord } from './types.ts';

/**
 * The console's live state: one set of signals fed by the stream (and by REST on first load), read by
 * every screen. Lists are capped so a long-running tab does not grow without bound.
 */
const MAX_ROWS = 500;
const SPARK_POINTS = 60;

export const [status, setStatusSignal] = createSignal<StatusDoc | null>(null);
export const [statusAt, setStatusAt] = createSignal(0);
export const [opportunities, setOpportunities] = createSignal<Opportunity[]>([]);
export const [trades, setTrades] = createSignal<TradeRecord[]>([]);
export const [histograms, setHistograms] = createSignal<Histograms | null>(null);
export const [scrapedFeeds, setScrapedFeeds] = createSignal<FeedHealth[]>([]);
/** Feed health for the pills and the stale banner (see `currentFeeds` for where it comes from). */
export const feeds = () => currentFeeds(status(), scrapedFeeds());
export const [latency, setLatencySignal] = createSignal<LiveLatency | null>(null);

/** Worst p50/p99 per stream message, for the trend charts (time in seconds, uPlot's unit). */
export interface LatencyTrend {
  t: number[];
  tickP50: (number | null)[];
  tickP99: (number | null)[];
  fillP50: (number | null)[];
  fillP99: (number | null)[];
}
const TREND_POINTS = 300;
export const [trend, setTrend] = createSignal<LatencyTrend>({ t: [], tickP50: [], tickP99: [], fillP50: [], fillP99: [] });

export function setLatency(l: LiveLatency, worst: (s: LiveLatency['tick_to_signal_us'], f: 'p50' | 'p99') => number | null): void {
  batch(() => {
    setLatencySignal(l);
    const cap = <T,>(xs: T[], x: T) => [...xs, x].slice(-TREND_POINTS);
    setTrend((tr) => ({
      t: cap(tr.t, l.ts_ms / 1000),
      tickP50: cap(tr.tickP50, worst(l.tick_to_signal_us, 'p50')),
      tickP99: cap(tr.tickP99, worst(l.tick_to_signal_us, 'p99')),
      fillP50: cap(tr.fillP50, worst(l.detect_to_fill_ms, 'p50')),
      fillP99: cap(tr.fillP99, worst(l.detect_to_fill_ms, 'p99')),
    }));
  });
}
export const [streamState, setStreamState] = createSignal<'connecting' | 'open' | 'closed'>('connecting');
export const [lastLiveAgeMs, setLastLiveAgeMs] = createSignal<number | null>(null);

export function setStatus(s: StatusDoc): void {
  batch(() => {
    setStatusSignal(s);
    setStatusAt(Date.now());
  });
}

/** Newest first, de-duplicated by id (a row can come from both the REST page and the stream). */
export function addOpportunities(rows: readonly Opportunity[]): void {
  if (!rows.length) return;
  setOpportunities((cur) => {
    const seen = new Set(rows.map((r) => r.id));
    return [...rows].sort((a, b) => b.ts_ms - a.ts_ms).concat(cur.filter((r) => !seen.has(r.id))).slice(0, MAX_ROWS);
  });
  oppCount += rows.length;
}

/** A trade row replaces its older version (same trade_key): the stream sends every state change. */
export function upsertTrades(rows: readonly TradeRecord[]): void {
  if (!rows.length) return;
  setTrades((cur) => {
    const byKey = new Map(cur.map((t) => [t.trade_key, t]));
    for (const r of rows) {
      const old = byKey.get(r.trade_key);
      if (!old || old.updated_ts_ms <= r.updated_ts_ms) byKey.set(r.trade_key, r);
    }
    return [...byKey.values()].sort((a, b) => b.created_ts_ms - a.created_ts_ms).slice(0, MAX_ROWS);
  });
}

/** Live-data age samples (ms between a message's ts_ms and the frame that painted it). */
export const liveAges: number[] = [];
export function recordLiveAge(ageMs: number): void {
  liveAges.push(ageMs);
  if (liveAges.length > 1000) liveAges.splice(0, liveAges.length - 1000);
  setLastLiveAgeMs(ageMs);
}

// Sparkline history: sampled on a timer so the x axis is time, not message count.
let oppCount = 0;
export interface Sparks {
  oppsPerMin: number[];
  inFlight: number[];
  pnl: number[];
  tickP99: number[];
}
export const [sparks, setSparks] = createSignal<Sparks>({ oppsPerMin: [], inFlight: [], pnl: [], tickP99: [] });

export function sampleSparks(everyMs: number, inFlight: number, pnl: number, tickP99: number | null): void {
  const perMin = (oppCount * 60_000) / everyMs;
  oppCount = 0;
  const push = (xs: number[], x: number) => [...xs, x].slice(-SPARK_POINTS);
  setSparks((s) => ({ oppsPerMin: push(s.oppsPerMin, perMin), inFlight: push(s.inFlight, inFlight), pnl: push(s.pnl, pnl), tickP99: push(s.tickP99, tickP99 ?? 0) }));
}
