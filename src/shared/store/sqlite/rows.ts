import { z } from 'zod';
import { StoreError } from '../errors.ts';
import {
  legSchema,
  timelineEntrySchema,
  type AuditEntry,
  type ConfigVersion,
  type Direction,
  type Incident,
  type InventorySnapshot,
  type Opportunity,
  type TradeRecord,
  type TradeState,
  type WindowRecord,
  type WindowState,
} from '../records.ts';

/**
 * Row ↔ record mapping. Column names equal field names, so a record binds directly as named
 * parameters; only booleans (SQLite has none) and nested arrays (JSON text) need converting.
 * Rows come back from our own writes, which were validated, so scalar columns are trusted; JSON
 * columns are re-validated because a hand edit or a bug elsewhere would otherwise surface far away.
 */

type Row = Record<string, unknown>;

export const OPPORTUNITY_COLUMNS = [
  'id', 'ts_ms', 'asset', 'cex_venue', 'dex_route', 'direction', 'size_base', 'cex_vwap', 'dex_price',
  'gross_edge_bps', 'net_edge_bps', 'predicted_pnl_quote', 'window_id', 'traded', 'reason_not_traded',
] as const;

export const TRADE_COLUMNS = [
  'trade_key', 'asset', 'cex_venue', 'dex_route', 'direction', 'window_id', 'attempt', 'state', 'legs',
  'predicted_pnl_quote', 'realised_pnl_quote', 'reason', 'tick_recv_us', 'decided_us', 'created_ts_ms',
  'updated_ts_ms',
] as const;

export const WINDOW_COLUMNS = [
  'window_id', 'asset', 'cex_venue', 'dex_route', 'direction', 'state', 'opened_ts_ms', 'last_above_ts_ms',
  'closed_ts_ms', 'signals', 'trades', 'peak_edge_bps', 'mean_edge_bps', 'reason_not_traded',
] as const;

export const AUDIT_COLUMNS = ['id', 'ts_ms', 'actor', 'action', 'target', 'before_json', 'after_json'] as const;
export const INCIDENT_COLUMNS = ['id', 'ts_ms', 'kind', 'reason', 'actor', 'timeline', 'resolved_ts_ms'] as const;

export function insertSql(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`;
}

export function opportunityParams(o: Opportunity): Row {
  return { ...o, traded: o.traded ? 1 : 0 };
}

export function opportunityFromRow(r: Row): Opportunity {
  return {
    id: r.id as string,
    ts_ms: r.ts_ms as number,
    asset: r.asset as string,
    cex_venue: r.cex_venue as string,
    dex_route: r.dex_route as string,
    direction: r.direction as Direction,
    size_base: r.size_base as number,
    cex_vwap: r.cex_vwap as number,
    dex_price: r.dex_price as number,
    gross_edge_bps: r.gross_edge_bps as number,
    net_edge_bps: r.net_edge_bps as number,
    predicted_pnl_quote: r.predicted_pnl_quote as number,
    window_id: r.window_id as string | null,
    traded: r.traded === 1,
    reason_not_traded: r.reason_not_traded as string | null,
  };
}

export function tradeParams(t: TradeRecord): Row {
  return { ...t, legs: JSON.stringify(t.legs) };
}

const legsSchema = z.array(legSchema);
const timelineSchema = z.array(timelineEntrySchema);

function parseJsonColumn<S extends z.ZodType>(schema: S, text: unknown, where: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(String(text));
  } catch (e) {
    throw new StoreError('STORE_CORRUPT', `${where} is not JSON`, { cause: e });
  }
  const r = schema.safeParse(value);
  if (!r.success) throw new StoreError('STORE_CORRUPT', `${where} does not hold valid JSON of the expected shape`, { cause: r.error });
  return r.data;
}

export function tradeFromRow(r: Row): TradeRecord {
  return {
    trade_key: r.trade_key as string,
    asset: r.asset as string,
    cex_venue: r.cex_venue as string,
    dex_route: r.dex_route as string,
    direction: r.direction as Direction,
    window_id: r.window_id as string,
    attempt: r.attempt as number,
    state: r.state as TradeState,
    legs: parseJsonColumn(legsSchema, r.legs, `trades.legs of ${String(r.trade_key)}`),
    predicted_pnl_quote: r.predicted_pnl_quote as number,
    realised_pnl_quote: r.realised_pnl_quote as number | null,
    reason: r.reason as string | null,
    tick_recv_us: r.tick_recv_us as number,
    decided_us: r.decided_us as number,
    created_ts_ms: r.created_ts_ms as number,
    updated_ts_ms: r.updated_ts_ms as number,
  };
}

export function windowFromRow(r: Row): WindowRecord {
  return {
    window_id: r.window_id as string,
    asset: r.asset as string,
    cex_venue: r.cex_venue as string,
    dex_route: r.dex_route as string,
    direction: r.direction as Direction,
    state: r.state as WindowState,
    opened_ts_ms: r.opened_ts_ms as number,
    last_above_ts_ms: r.last_above_ts_ms as number,
    closed_ts_ms: r.closed_ts_ms as number | null,
    signals: r.signals as number,
    trades: r.trades as number,
    peak_edge_bps: r.peak_edge_bps as number,
    mean_edge_bps: r.mean_edge_bps as number,
    reason_not_traded: r.reason_not_traded as string | null,
  };
}

export function auditParams(a: AuditEntry): Row {
  return {
    id: a.id,
    ts_ms: a.ts_ms,
    actor: a.actor,
    action: a.action,
    target: a.target,
    before_json: a.before === null ? null : JSON.stringify(a.before),
    after_json: a.after === null ? null : JSON.stringify(a.after),
  };
}

export function auditFromRow(r: Row): AuditEntry {
  return {
    id: r.id as string,
    ts_ms: r.ts_ms as number,
    actor: r.actor as string,
    action: r.action as string,
    target: r.target as string,
    before: r.before_json === null ? null : (JSON.parse(r.before_json as string) as AuditEntry['before']),
    after: r.after_json === null ? null : (JSON.parse(r.after_json as string) as AuditEntry['after']),
  };
}

export function incidentParams(i: Incident): Row {
  return { ...i, timeline: JSON.stringify(i.timeline) };
}

export function incidentFromRow(r: Row): Incident {
  return {
    id: r.id as string,
    ts_ms: r.ts_ms as number,
    kind: r.kind as string,
    reason: r.reason as string,
    actor: r.actor as string,
    timeline: parseJsonColumn(timelineSchema, r.timeline, `incidents.timeline of ${String(r.id)}`),
    resolved_ts_ms: r.resolved_ts_ms as number | null,
  };
}

export function configFromRow(r: Row): ConfigVersion {
  return {
    asset: r.asset as string,
    version: r.version as number,
    format: r.format as ConfigVersion['format'],
    body: r.body as string,
    ts_ms: r.ts_ms as number,
    author: r.author as string,
  };
}

export function inventoryFromRow(r: Row): InventorySnapshot {
  return {
    ts_ms: r.ts_ms as number,
    venue: r.venue as string,
    asset: r.asset as string,
    free: r.free as number,
    locked: r.locked as number,
  };
}
