import type { AssetConfig } from '../../shared/config/index.ts';
import type { Store, TradeRecord } from '../../shared/store/index.ts';

/**
 * What a config change would do, before it is applied (`PUT /v1/config/:asset?dry_run=1`): the keys
 * that change, the ones the running actors cannot take live, and the risk consequences an operator
 * should see before pressing save (a loss cap under today's realised loss pauses the asset at once).
 */
export interface ConfigChange {
  key: string;
  before: unknown;
  after: unknown;
}

export interface PauseEffect {
  key: string;
  reason: string;
}

export interface WindowEffect {
  window_id: string;
  cex_venue: string;
  dex_route: string;
  direction: string;
  mean_edge_bps: number;
  threshold_bps: number;
}

export interface ConfigPreview {
  changes: ConfigChange[];
  /** Keys read only at actor start (feeds, topology): changing them needs an engine restart. */
  restart_required: string[];
  would_pause: PauseEffect[];
  /** Open windows whose mean edge is below the new threshold: they close after `window_grace_sec`. */
  closes_windows: WindowEffect[];
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Leaf-level differences, keyed in the config error format (`cex_routes[1].taker_fee_bps`). */
export function diffConfig(before: unknown, after: unknown, at = ''): ConfigChange[] {
  if (isPlain(before) && isPlain(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffConfig(before[k], after[k], at ? `${at}.${k}` : k));
  }
  // Arrays of equal length compare element-wise (a fee change in one route names that route);
  // a route added or removed is one change of the whole list.
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && before.some(isPlain)) {
    return before.flatMap((b, i) => diffConfig(b, after[i], `${at}[${i}]`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ key: at, before: before ?? null, after: after ?? null }];
}

// Feeds and the topology read these once at start and get no live `configure()`: the venue
// subscriptions, book depth and pool set. Everything else (fees, thresholds, sizing, risk caps,
// the slippage cap the signal sizes with) is pushed to the signal and executor actors live.
const RESTART_KEYS = [
  /^asset$/,
  /^enabled$/,
  /^cex_routes$/,
  /^cex_routes\[\d+\]\.(venue|product|symbol|book_depth_levels)$/,
  /^dex_route\.(?!pools\[\d+\]\.slippage_bps_cap$)/,
];

export function restartRequired(changes: readonly ConfigChange[]): string[] {
  return changes.filter((c) => RESTART_KEYS.some((r) => r.test(c.key))).map((c) => c.key);
}

const DAY_MS = 86_400_000;

/** Threshold in force at `nowMs` (DESIGN §5: the hot one inside `hot_window_utc` hours), in bps. */
export function thresholdBps(a: AssetConfig, nowMs: number): number {
  const hour = new Date(nowMs).getUTCHours();
  const [from, to] = a.signal.hot_window_utc;
  const hot = from <= to ? hour >= from && hour < to : hour >= from || hour < to;
  return (hot ? a.signal.profit_threshold_pct_hot : a.signal.profit_threshold_pct_cold) * 100;
}

interface Today {
  realisedPnl: number;
  trades: number;
  notional: number;
}

async function today(store: Store, asset: string, nowMs: number): Promise<Today> {
  const from_ms = nowMs - (nowMs % DAY_MS);
  const t: Today = { realisedPnl: 0, trades: 0, notional: 0 };
  const add = (x: TradeRecord) => {
    t.trades++;
    t.realisedPnl += x.realised_pnl_quote ?? 0;
    const cex = x.legs.find((l) => l.venue === x.cex_venue);
    if (cex?.avg_price != null) t.notional += cex.filled_size_base * cex.avg_price;
  };
  let page = await store.listTrades({ asset, from_ms, limit: 1000 });
  page.items.forEach(add);
  // A day's trades are bounded by `max_daily_trades` (500 by default): a few pages at most.
  for (let i = 0; page.next_cursor !== null && i < 50; i++) {
    page = await store.listTrades({ asset, from_ms, limit: 1000, cursor: page.next_cursor });
    page.items.forEach(add);
  }
  return t;
}

export async function previewConfig(o: { before: AssetConfig; after: AssetConfig; store: Store | undefined; nowMs: number }): Promise<ConfigPreview> {
  const { before, after } = o;
  const changes = diffConfig(before, after);
  const preview: ConfigPreview = { changes, restart_required: restartRequired(changes), would_pause: [], closes_windows: [] };
  if (!o.store || changes.length === 0) return preview;

  const r0 = before.risk;
  const r1 = after.risk;
  if (r1.max_daily_loss_abs !== r0.max_daily_loss_abs || r1.max_daily_trades !== r0.max_daily_trades || r1.max_daily_notional_quote !== r0.max_daily_notional_quote) {
    const t = await today(o.store, after.asset, o.nowMs);
    const loss = Math.max(0, -t.realisedPnl);
    if (r1.max_daily_loss_abs !== r0.max_daily_loss_abs && loss >= r1.max_daily_loss_abs) {
      preview.would_pause.push({ key: 'risk.max_daily_loss_abs', reason: `today's realised loss ${loss.toFixed(2)} is at or above the new cap ${r1.max_daily_loss_abs}: ${after.asset} pauses for the rest of the UTC day` });
    }
    if (r1.max_daily_trades !== r0.max_daily_trades && t.trades >= r1.max_daily_trades) {
      preview.would_pause.push({ key: 'risk.max_daily_trades', reason: `${t.trades} trades today reach the new cap ${r1.max_daily_trades}: ${after.asset} stops trading for the rest of the UTC day` });
    }
    if (r1.max_daily_notional_quote !== r0.max_daily_notional_quote && t.notional >= r1.max_daily_notional_quote) {
      preview.would_pause.push({ key: 'risk.max_daily_notional_quote', reason: `today's notional ${t.notional.toFixed(2)} reaches the new cap ${r1.max_daily_notional_quote}: ${after.asset} stops trading for the rest of the UTC day` });
    }
  }

  const th0 = thresholdBps(before, o.nowMs);
  const th1 = thresholdBps(after, o.nowMs);
  if (th1 > th0) {
    // The store keeps each window's peak and mean edge, not its latest: the mean is the estimate of
    // whether the window would still clear the new threshold.
    const open = await o.store.listWindows({ asset: after.asset, state: 'open', limit: 1000 });
    for (const w of open.items) {
      if (w.mean_edge_bps < th1) {
        preview.closes_windows.push({ window_id: w.window_id, cex_venue: w.cex_venue, dex_route: w.dex_route, direction: w.direction, mean_edge_bps: w.mean_edge_bps, threshold_bps: th1 });
      }
    }
  }
  return preview;
}
