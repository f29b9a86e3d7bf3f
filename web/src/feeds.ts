import type { FeedHealth, FeedStateName, StatusDoc } from './types.ts';

/**
 * Feed health from the status document. The edge is still settling its exact shape, so this accepts
 * the plausible ones (an array of rows, or an object keyed by venue holding a row or rows; snake or
 * camel case; the state as a name or as the wire's FeedState number) and drops what it can't read.
 */
const STATE_BY_NUMBER: readonly FeedStateName[] = ['connecting', 'live', 'stale', 'resyncing', 'down'];
const STATE_NAMES: readonly FeedStateName[] = ['connecting', 'live', 'stale', 'resyncing', 'down'];

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const numOr = (...xs: unknown[]): number | null => {
  for (const x of xs) if (typeof x === 'number' && Number.isFinite(x)) return x;
  return null;
};

function readState(x: unknown): FeedStateName {
  if (typeof x === 'number') return STATE_BY_NUMBER[x] ?? 'unknown';
  if (typeof x === 'string') return (STATE_NAMES as readonly string[]).includes(x) ? (x as FeedStateName) : 'unknown';
  return 'unknown';
}

function readRow(r: Obj, venueKey: string | null): FeedHealth | null {
  const venue = typeof r.venue === 'string' ? r.venue : venueKey;
  if (!venue) return null;
  return {
    venue,
    asset: typeof r.asset === 'string' ? r.asset : null,
    state: readState(r.state),
    staleness_ms: numOr(r.staleness_ms, r.stalenessMs, r.age_ms),
    rtt_ms: numOr(r.rtt_ms, r.rttMs),
  };
}

export function normalizeFeeds(raw: unknown): FeedHealth[] {
  const out: FeedHealth[] = [];
  const push = (r: unknown, key: string | null) => {
    if (!isObj(r)) return;
    const row = readRow(r, key);
    if (row) out.push(row);
  };
  if (Array.isArray(raw)) for (const r of raw) push(r, null);
  else if (isObj(raw)) {
    for (const [key, v] of Object.entries(raw)) {
      if (Array.isArray(v)) for (const r of v) push(r, key);
      else if (isObj(v) && 'state' in v) push(v, key);
      else if (isObj(v)) for (const [asset, r] of Object.entries(v)) if (isObj(r)) push({ asset, ...r }, key);
    }
  }
  return out;
}

const RANK: Record<FeedStateName, number> = { live: 0, unknown: 1, connecting: 2, resyncing: 3, stale: 4, down: 5 };

/** One venue's summary: its worst feed state, the largest staleness, the largest RTT. */
export function venueHealth(feeds: readonly FeedHealth[], venue: string): FeedHealth {
  const rows = feeds.filter((f) => f.venue === venue);
  let worst: FeedStateName = rows.length ? 'live' : 'unknown';
  for (const r of rows) if (RANK[r.state] > RANK[worst]) worst = r.state;
  const max = (xs: (number | null)[]) => xs.reduce<number | null>((a, x) => (x === null ? a : a === null ? x : Math.max(a, x)), null);
  return { venue, asset: null, state: worst, staleness_ms: max(rows.map((r) => r.staleness_ms)), rtt_ms: max(rows.map((r) => r.rtt_ms)) };
}

/** lime healthy, amber degraded, red down, grey when nothing is known yet. */
export function tone(state: FeedStateName): 'ok' | 'warn' | 'bad' | 'idle' {
  if (state === 'live') return 'ok';
  if (state === 'down') return 'bad';
  if (state === 'unknown') return 'idle';
  return 'warn';
}

export const STATUS_STALE_MS = 5_000;

/**
 * Feed health from a /metrics scrape, for an engine whose status document does not carry it yet:
 * the recorder's `cambist_recorder_feed_state{venue,asset}` gauge (the FeedState number, asset "all"
 * for the venue connection) and the feed actors' own `cambist_feed_staleness_seconds`.
 */
export function feedsFromProm(text: string): FeedHealth[] {
  const gauge = (name: string) => {
    const m = new Map<string, number>();
    for (const x of text.matchAll(new RegExp(`^${name}\\{venue="([^"]+)",asset="([^"]+)"\\}\\s+(\\S+)`, 'gm'))) m.set(`${x[1]}|${x[2]}`, Number(x[3]));
    return m;
  };
  const states = gauge('cambist_recorder_feed_state');
  const live = gauge('cambist_feed_staleness_seconds');
  const recorded = gauge('cambist_recorder_feed_staleness_seconds');
  return [...states].map(([k, state]) => {
    const [venue, asset] = k.split('|') as [string, string];
    const st = live.get(k) ?? recorded.get(k);
    return { venue, asset: asset === 'all' ? null : asset, state: readState(state), staleness_ms: st === undefined || st < 0 ? null : st * 1000, rtt_ms: null };
  });
}

/** The status document's feed health when it has any, else what the last scrape found. */
export function currentFeeds(s: StatusDoc | null, scraped: FeedHealth[]): { feeds: FeedHealth[]; source: 'status' | 'metrics' } {
  return s && s.feeds !== undefined ? { feeds: normalizeFeeds(s.feeds), source: 'status' } : { feeds: scraped, source: 'metrics' };
}

/** Why the data on screen can't be trusted right now; empty when it can. */
export function staleReasons(s: StatusDoc | null, feeds: readonly FeedHealth[], statusAgeMs: number): string[] {
  if (!s) return [];
  const reasons: string[] = [];
  for (const f of feeds) {
    if (f.state === 'stale' || f.state === 'down') reasons.push(`${f.venue}${f.asset ? `/${f.asset}` : ''} feed ${f.state}`);
  }
  for (const a of s.actors) if (a.state !== 'running') reasons.push(`${a.name} ${a.state}`);
  // The status itself stops arriving when the edge or the stream is gone: then everything is stale.
  if (statusAgeMs > STATUS_STALE_MS) reasons.push(`no status for ${Math.round(statusAgeMs / 1000)} s`);
  return reasons;
}
