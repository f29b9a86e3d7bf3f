/**
 * Shapes the console reads from the edge. Store rows come straight from the store's record schemas
 * (type-only import: nothing of zod reaches the bundle), so a renamed field breaks `tsc`, not the
 * screen. The status document is the supervisor's; feed health is normalised in `feeds.ts`.
 */
export type {
  Opportunity,
  TradeRecord,
  Leg,
  InventorySnapshot,
  TradeState,
} from '../../src/shared/store/records.ts';
import type { TradeState } from '../../src/shared/store/records.ts';

export interface ScopeState {
  paused: boolean;
  observe_only: boolean;
  killed: boolean;
  reason: string;
  since_sec: number;
}

export interface ActorStatus {
  name: string;
  kind: string;
  state: string;
  restarts: number;
  heartbeat_age_ms: number;
  last_error: string | null;
}

export interface IncidentDoc {
  id: string;
  ts_ms: number;
  kind: string;
  reason: string;
  actor: string | null;
  timeline: { ts_ms: number; event: string; note?: string | null; actor?: string }[];
  resolved_ts_ms: number | null;
}

export interface RingStatus {
  name: string;
  policy: string;
  capacity_bytes: number;
  depth_bytes: number;
  published: number;
  consumed: number;
  dropped: number;
  rejected: number;
}

export interface StatusDoc {
  mode: string;
  started_ms: number;
  uptime_sec: number;
  health: { ok: boolean; reason: string };
  actors: ActorStatus[];
  control: { global: ScopeState; assets: Record<string, ScopeState>; venues: Record<string, ScopeState> };
  kill_confirm: string | null;
  incidents: IncidentDoc[];
  rings: RingStatus[];
  sim: { control_url: string; seed: number } | null;
  /** Feed health; its exact shape is still being settled, so it is read through `normalizeFeeds`. */
  feeds?: unknown;
}

export type FeedStateName = 'connecting' | 'live' | 'stale' | 'resyncing' | 'down' | 'unknown';

export interface FeedHealth {
  venue: string;
  asset: string | null;
  state: FeedStateName;
  staleness_ms: number | null;
  rtt_ms: number | null;
}

/** One latency histogram as the metrics stream or a /metrics scrape gives it. */
export interface Histogram {
  /** Upper bucket bounds (same unit as the series) and the count in each bucket (not cumulative). */
  bounds: number[];
  counts: number[];
  count: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** Bucket distributions from a /metrics scrape (the actors' `cambist_*_seconds_bucket` series). */
export interface Histograms {
  tick_to_signal_us: Histogram | null;
  detect_to_fill_ms: Histogram | null;
  ts_ms: number;
}

/** One series of the stream's `metrics` topic (edge api.ts LatencySummary); keys are asset or leg names. */
export interface LatencySummary {
  last?: number;
  mean?: number;
  p50?: number;
  p95?: number;
  p99?: number;
  count?: number;
}

export interface LiveLatency {
  tick_to_signal_us: Record<string, LatencySummary>;
  detect_to_fill_ms: Record<string, LatencySummary>;
  ts_ms: number;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Trades in these states are done; everything else is in flight (records.ts TERMINAL_TRADE_STATES). */
export const TERMINAL_STATES: readonly TradeState[] = ['verified', 'hedged', 'unhedged', 'rejected', 'observe_only'];

export const VENUES = ['coinbase', 'gemini', 'bitstamp', 'solana'] as const;
