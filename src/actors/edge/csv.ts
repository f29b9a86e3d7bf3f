import type { TradeRecord } from '../../shared/store/index.ts';

/**
 * The trades CSV export (RFC 4180: CRLF rows, fields quoted when they hold a comma, quote or line
 * break). Text cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) get a
 * leading apostrophe: trade reasons carry venue error text, which an operator does not control.
 * Numbers are written as numbers, so a negative PnL stays a number.
 */
export const TRADE_CSV_COLUMNS = [
  'trade_key', 'created_ts_ms', 'created_at', 'updated_ts_ms', 'asset', 'cex_venue', 'dex_route', 'direction', 'window_id',
  'attempt', 'state', 'predicted_pnl_quote', 'realised_pnl_quote', 'cex_filled_base', 'cex_avg_price', 'dex_filled_base',
  'dex_avg_price', 'fees_quote', 'reason',
] as const;

type Cell = string | number | null;

function cell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(cells: readonly Cell[]): string {
  return `${cells.map(cell).join(',')}\r\n`;
}

export function tradeCsvRow(t: TradeRecord): string {
  const cex = t.legs.find((l) => l.venue === t.cex_venue);
  const dex = t.legs.find((l) => l.venue !== t.cex_venue);
  const fees = t.legs.reduce<number | null>((a, l) => (l.fee_quote === null ? a : (a ?? 0) + l.fee_quote), null);
  return csvRow([
    t.trade_key, t.created_ts_ms, new Date(t.created_ts_ms).toISOString(), t.updated_ts_ms, t.asset, t.cex_venue, t.dex_route,
    t.direction, t.window_id, t.attempt, t.state, t.predicted_pnl_quote, t.realised_pnl_quote, cex?.filled_size_base ?? null,
    cex?.avg_price ?? null, dex?.filled_size_base ?? null, dex?.avg_price ?? null, fees, t.reason,
  ]);
}
