import { z } from 'zod';

/**
 * Domain records persisted by the store. Each one is a zod schema (the store validates every record
 * it is handed, because a store is a boundary: a NaN or a missing field written today is a wrong
 * number on the console next month) and a TypeScript type inferred from it, so the two never drift.
 * Units are in the names: `_ms` epoch milliseconds (wall clock), `_us` monotonic microseconds from
 * `shared/clock.ts` (comparable across threads of one process, meaningless across processes),
 * `_bps` basis points, `_base` / `_quote` amounts in the asset / quote currency.
 */

const id = z.string().min(1).max(256);
const epochMs = z.int().nonnegative();
const monoUs = z.number().nonnegative();
const count = z.int().nonnegative();
const amount = z.number().nonnegative();

export const DIRECTIONS = ['buy_cex_sell_dex', 'buy_dex_sell_cex'] as const;
export const directionSchema = z.enum(DIRECTIONS);
export type Direction = z.infer<typeof directionSchema>;

export const opportunitySchema = z.strictObject({
  id,
  ts_ms: epochMs,
  asset: id,
  cex_venue: id,
  dex_route: id,
  direction: directionSchema,
  size_base: amount,
  cex_vwap: amount,
  dex_price: amount,
  gross_edge_bps: z.number(),
  net_edge_bps: z.number(),
  predicted_pnl_quote: z.number(),
  window_id: id.nullable(),
  traded: z.boolean(),
  reason_not_traded: z.string().nullable(),
});
export type Opportunity = z.infer<typeof opportunitySchema>;

/** DESIGN §6 leg-risk state machine. */
export const TRADE_STATES = [
  'intent',
  'submitted',
  'filled',
  'verified',
  'partial',
  'failed_leg',
  'hedging',
  'hedged',
  'unhedged',
  'unknown',
  'reconciling',
  'rejected',
  'observe_only',
] as const;
export const tradeStateSchema = z.enum(TRADE_STATES);
export type TradeState = z.infer<typeof tradeStateSchema>;

/**
 * States after which nothing more happens to a trade. Retention only ever deletes these: a trade
 * still `unknown` or `reconciling` after 90 days is an open question about real money, not history.
 */
export const TERMINAL_TRADE_STATES: readonly TradeState[] = [
  'verified',
  'hedged',
  'unhedged',
  'rejected',
  'observe_only',
];

export const LEG_STATUSES = [
  'pending',
  'submitted',
  'filled',
  'partial',
  'cancelled',
  'rejected',
  'unknown',
] as const;

export const legSchema = z.strictObject({
  venue: id,
  side: z.enum(['buy', 'sell']),
  client_order_id: id,
  price_cap: amount,
  size_base: amount,
  filled_size_base: amount,
  avg_price: amount.nullable(),
  fee_quote: z.number().nullable(),
  status: z.enum(LEG_STATUSES),
  /** CEX order id once acknowledged. */
  order_id: z.string().nullable(),
  /** Solana transaction signature for a DEX leg. */
  signature: z.string().nullable(),
  /**
   * DEX leg: the last block height at which its transaction can land (the blockhash's
   * lastValidBlockHeight). Past it, "not found" proves it never landed, even after a restart.
   */
  valid_until_height: z.number().int().nonnegative().nullable().optional(),
  /**
   * USD per unit of this leg's quote currency when it differs from the CEX's (a USDC pool leg: the
   * USD/USDC basis at decision). avg_price and fee_quote stay in the leg's own currency; realised
   * PnL is stated in USD through this. Absent = 1.
   */
  usd_per_quote: z.number().positive().optional(),
  sent_us: monoUs.nullable(),
  ack_us: monoUs.nullable(),
  filled_us: monoUs.nullable(),
});
export type Leg = z.infer<typeof legSchema>;

export const tradeSchema = z.strictObject({
  trade_key: id,
  asset: id,
  cex_venue: id,
  dex_route: id,
  direction: directionSchema,
  window_id: id,
  attempt: count,
  state: tradeStateSchema,
  legs: z.array(legSchema).max(8),
  predicted_pnl_quote: z.number(),
  realised_pnl_quote: z.number().nullable(),
  /** Why the trade failed, was rejected or is unhedged; null while nothing went wrong. */
  reason: z.string().nullable(),
  /** Receive time of the tick that caused the decision (DESIGN §3), carried for detect→fill latency. */
  tick_recv_us: monoUs,
  decided_us: monoUs,
  created_ts_ms: epochMs,
  updated_ts_ms: epochMs,
});
export type TradeRecord = z.infer<typeof tradeSchema>;

/** What may change on a trade after its intent: its identity (key, pair, window, attempt) never does. */
export const tradePatchSchema = z.strictObject({
  state: tradeStateSchema.optional(),
  legs: z.array(legSchema).max(8).optional(),
  realised_pnl_quote: z.number().nullable().optional(),
  reason: z.string().nullable().optional(),
  updated_ts_ms: epochMs,
});
export type TradePatch = z.infer<typeof tradePatchSchema>;

export const WINDOW_STATES = ['open', 'closed'] as const;
export const windowStateSchema = z.enum(WINDOW_STATES);
export type WindowState = z.infer<typeof windowStateSchema>;

export const windowSchema = z.strictObject({
  window_id: id,
  asset: id,
  cex_venue: id,
  dex_route: id,
  direction: directionSchema,
  state: windowStateSchema,
  opened_ts_ms: epochMs,
  /** Last time net edge was above threshold: a restored window needs it to resume its grace timer. */
  last_above_ts_ms: epochMs,
  closed_ts_ms: epochMs.nullable(),
  signals: count,
  /** Trades fired in this window; the next attempt number of the trade key is derived from it. */
  trades: count,
  peak_edge_bps: z.number(),
  mean_edge_bps: z.number(),
  reason_not_traded: z.string().nullable(),
});
export type WindowRecord = z.infer<typeof windowSchema>;

export const configInputSchema = z.strictObject({
  asset: id,
  format: z.enum(['yaml', 'json']),
  body: z.string().max(1_000_000),
  ts_ms: epochMs,
  author: id,
});
export type ConfigInput = z.infer<typeof configInputSchema>;
export const configVersionSchema = configInputSchema.extend({ version: z.int().positive() });
export type ConfigVersion = z.infer<typeof configVersionSchema>;

export const inventorySnapshotSchema = z.strictObject({
  ts_ms: epochMs,
  venue: id,
  asset: id,
  free: amount,
  locked: amount,
});
export type InventorySnapshot = z.infer<typeof inventorySnapshotSchema>;

export const auditInputSchema = z.strictObject({
  ts_ms: epochMs,
  actor: id,
  action: id,
  target: id,
  before: z.json().nullable(),
  after: z.json().nullable(),
});
export type AuditInput = z.infer<typeof auditInputSchema>;
export const auditEntrySchema = auditInputSchema.extend({ id });
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const timelineEntrySchema = z.strictObject({
  ts_ms: epochMs,
  actor: id,
  event: id,
  note: z.string().nullable(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const incidentSchema = z.strictObject({
  id,
  ts_ms: epochMs,
  kind: id,
  reason: z.string(),
  actor: id,
  timeline: z.array(timelineEntrySchema),
  resolved_ts_ms: epochMs.nullable(),
});
export type Incident = z.infer<typeof incidentSchema>;

/** Timeline entries are appended, never replaced: two actors may add to one incident at once. */
export const incidentPatchSchema = z.strictObject({
  reason: z.string().optional(),
  resolved_ts_ms: epochMs.nullable().optional(),
  append_timeline: z.array(timelineEntrySchema).optional(),
});
export type IncidentPatch = z.infer<typeof incidentPatchSchema>;
