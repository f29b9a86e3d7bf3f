import type { z } from 'zod';
import { prettifyError } from 'zod';
import { StoreError } from './errors.ts';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './cursor.ts';
import { DEFAULT_RETENTION, type BatchCounts, type PageQuery, type RetentionOptions, type StoreBatch } from './port.ts';
import {
  auditInputSchema, inventorySnapshotSchema, opportunitySchema, tradePatchSchema, tradeSchema, windowSchema,
  type AuditInput, type InventorySnapshot, type Opportunity, type TradePatch, type TradeRecord, type WindowRecord,
} from './records.ts';

/** Validate one record before it reaches disk; the message names the record kind and the field. */
export function parseRecord<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new StoreError('STORE_INVALID_RECORD', `invalid ${what}: ${prettifyError(r.error)}`, { cause: r.error });
  }
  return r.data;
}

export function parseRecords<S extends z.ZodType>(schema: S, values: readonly unknown[] | undefined, what: string): z.infer<S>[] {
  if (values === undefined) return [];
  return values.map((v, i) => parseRecord(schema, v, `${what}[${i}]`));
}

export function pageLimit(q: PageQuery | undefined): number {
  const limit = q?.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new StoreError('STORE_INVALID_QUERY', `limit must be an integer in 1..${MAX_PAGE_LIMIT}, got ${limit}`);
  }
  return limit;
}

export function checkTimeRange(q: { from_ms?: number; to_ms?: number } | undefined): void {
  for (const k of ['from_ms', 'to_ms'] as const) {
    const v = q?.[k];
    if (v !== undefined && !Number.isSafeInteger(v)) {
      throw new StoreError('STORE_INVALID_QUERY', `${k} must be an integer epoch ms, got ${v}`);
    }
  }
}

export function requireKey(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new StoreError('STORE_INVALID_QUERY', `${what} must be a non-empty string`);
  }
  return value;
}

const DAY_MS = 86_400_000;

/** Rows strictly older than each cutoff are deleted; `inventory` null means keep forever. */
export interface RetentionCutoffs {
  trades: number;
  opportunities: number;
  windows: number;
  inventory: number | null;
}

export function retentionCutoffs(opts: RetentionOptions): RetentionCutoffs {
  const days = (v: number | undefined, fallback: number, name: string): number => {
    const d = v ?? fallback;
    // Zero days would delete everything written before this instant: far more likely a config slip
    // than an intent, and irreversible.
    if (!Number.isFinite(d) || d <= 0) throw new StoreError('STORE_INVALID_QUERY', `${name} must be > 0, got ${d}`);
    return d;
  };
  if (!Number.isSafeInteger(opts.now_ms)) throw new StoreError('STORE_INVALID_QUERY', `now_ms must be an integer epoch ms`);
  const cut = (d: number) => opts.now_ms - Math.round(d * DAY_MS);
  return {
    trades: cut(days(opts.trades_days, DEFAULT_RETENTION.trades_days, 'trades_days')),
    opportunities: cut(days(opts.opportunities_days, DEFAULT_RETENTION.opportunities_days, 'opportunities_days')),
    windows: cut(days(opts.windows_days, DEFAULT_RETENTION.windows_days, 'windows_days')),
    inventory: opts.inventory_days === undefined ? null : cut(days(opts.inventory_days, 1, 'inventory_days')),
  };
}

/** Trade-state filter as a list (one state or several). */
export function stateList<T extends string>(s: T | readonly T[] | undefined): readonly T[] | undefined {
  if (s === undefined) return undefined;
  return typeof s === 'string' ? [s] : (s as readonly T[]);
}

export interface ParsedBatch {
  opportunities: Opportunity[];
  windows: WindowRecord[];
  trades: TradeRecord[];
  trade_updates: { key: string; patch: TradePatch }[];
  inventory: InventorySnapshot[];
  audit: AuditInput[];
}

/**
 * Validate a whole batch before any of it is written: a bad record rejects the batch without a
 * transaction (or a write lock) ever being taken, and the message names the record's position.
 */
export function parseBatch(batch: StoreBatch): ParsedBatch {
  return {
    opportunities: parseRecords(opportunitySchema, batch.opportunities, 'batch.opportunities'),
    windows: parseRecords(windowSchema, batch.windows, 'batch.windows'),
    trades: parseRecords(tradeSchema, batch.trades, 'batch.trades'),
    trade_updates: (batch.trade_updates ?? []).map((u, i) => ({
      key: requireKey(u.trade_key, `batch.trade_updates[${i}].trade_key`),
      patch: parseRecord(tradePatchSchema, u.patch, `batch.trade_updates[${i}].patch`),
    })),
    inventory: parseRecords(inventorySnapshotSchema, batch.inventory, 'batch.inventory'),
    audit: parseRecords(auditInputSchema, batch.audit, 'batch.audit'),
  };
}

export function batchCounts(b: ParsedBatch): BatchCounts {
  return {
    opportunities: b.opportunities.length,
    windows: b.windows.length,
    trades: b.trades.length,
    trade_updates: b.trade_updates.length,
    inventory: b.inventory.length,
    audit: b.audit.length,
  };
}
