import { openStore } from '../../shared/store/index.ts';
import { Direction, Reason, Venue, type VenueName } from '../../shared/messages/index.ts';
import { pairIndex } from '../../shared/ids.ts';
import type { SignalSlice } from './slice.ts';
import type { Window } from './windows.ts';

/**
 * Startup is recovery (crash-only): a restarted signal reloads its open windows from the store, with
 * their attempt counters, so the next attempt derives the next trade key rather than re-emitting one
 * already sent. The attempt count is the larger of the window's own count and the trades the store
 * holds for it (an intent written just before a crash may not have reached the window row yet).
 */
export async function restoreWindows(slice: SignalSlice): Promise<Window[]> {
  if (!slice.store) return [];
  const store = await openStore({
    kind: slice.store.kind,
    dataDir: slice.store.data_dir,
    ...(slice.store.kind === 'mongodb' ? { mongoUrl: process.env[slice.store.mongodb_url_env] ?? '' } : {}),
  });
  try {
    const rows = await store.openWindowsFor(slice.asset);
    const out: Window[] = [];
    for (const row of rows) {
      const venue = Venue[row.cex_venue as VenueName];
      const route = slice.routes.find((r) => r.name === row.dex_route)?.route;
      if (venue === undefined || route === undefined) continue; // a pair no longer configured
      const dir = row.direction === 'buy_cex_sell_dex' ? Direction.buyCexSellDex : Direction.buyDexSellCex;
      const trades = await store.listTrades({ window_id: row.window_id, limit: 1000 });
      const attempts = Math.max(row.trades, ...trades.items.map((t) => t.attempt));
      out.push({
        id: Number(row.window_id),
        pair: pairIndex(venue, route, dir),
        cexVenue: venue,
        route,
        direction: dir,
        openedMs: row.opened_ts_ms,
        lastAboveMs: row.last_above_ts_ms,
        closedMs: 0,
        signals: row.signals,
        trades: row.trades,
        attempts,
        peakBps: row.peak_edge_bps,
        sumBps: row.mean_edge_bps * row.signals,
        reason: Reason.none,
        inFlight: false,
        inFlightSinceMs: 0,
        lastReportMs: row.last_above_ts_ms,
      });
    }
    return out;
  } finally {
    await store.close();
  }
}
