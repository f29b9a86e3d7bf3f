import type {
  AuditEntry,
  AuditInput,
  ConfigInput,
  ConfigVersion,
  Direction,
  Incident,
  IncidentPatch,
  InventorySnapshot,
  Opportunity,
  TradePatch,
  TradeRecord,
  TradeState,
  WindowRecord,
  WindowState,
} from './records.ts';

/**
 * The Store port (DESIGN §7). Every method is async so the SQLite adapter (synchronous work inside)
 * and the MongoDB adapter (network) share one contract, checked by test/contract/store.case.ts.
 * Failures are `StoreError`s (errors.ts); callers branch on `code`.
 */
export interface Store {
  readonly kind: StoreKind;

  /** Idempotent on `id`: a recorder retrying a batch cannot double-count. Resolves to rows newly written. */
  insertOpportunities(batch: readonly Opportunity[]): Promise<number>;
  listOpportunities(query?: OpportunityQuery): Promise<Page<Opportunity>>;

  /** Insert or replace by `window_id`. */
  upsertWindows(batch: readonly WindowRecord[]): Promise<void>;
  listWindows(query?: WindowQuery): Promise<Page<WindowRecord>>;
  /** Every open window of an asset, for a restarted signal actor to resume (oldest first). */
  openWindowsFor(asset: string): Promise<WindowRecord[]>;

  /**
   * Durable intent, written before any order is sent. Rejects with `STORE_DUPLICATE_TRADE_KEY` when
   * the key exists; the store's unique constraint decides, so two writers racing cannot both win.
   */
  insertTradeIntent(trade: TradeRecord): Promise<void>;
  /**
   * Apply a patch and resolve to the updated trade. `STORE_NOT_FOUND` if the key is unknown;
   * with `if_state`, `STORE_CONFLICT` when the trade is no longer in that state (compare-and-set).
   */
  updateTrade(trade_key: string, patch: TradePatch, opts?: { if_state?: TradeState }): Promise<TradeRecord>;
  getTrade(trade_key: string): Promise<TradeRecord | null>;
  listTrades(query?: TradeQuery): Promise<Page<TradeRecord>>;

  /** Everything in one transaction: all of it is committed or none of it. */
  writeBatch(batch: StoreBatch): Promise<BatchCounts>;

  appendAudit(entry: AuditInput): Promise<AuditEntry>;
  listAudit(query?: AuditQuery): Promise<Page<AuditEntry>>;

  insertIncident(incident: Incident): Promise<void>;
  updateIncident(id: string, patch: IncidentPatch): Promise<Incident>;
  getIncident(id: string): Promise<Incident | null>;
  listIncidents(query?: IncidentQuery): Promise<Page<Incident>>;

  /** Store a new config version for an asset; the store assigns `version` = previous + 1. */
  putConfig(input: ConfigInput): Promise<ConfigVersion>;
  /** A given version, or the latest when `version` is omitted; null when there is none. */
  getConfig(asset: string, version?: number): Promise<ConfigVersion | null>;
  /** Newest first. */
  listConfigVersions(asset: string): Promise<ConfigVersion[]>;

  /** Idempotent on (venue, asset, ts_ms): a second snapshot at the same instant replaces the first. */
  insertInventorySnapshots(batch: readonly InventorySnapshot[]): Promise<void>;
  /** The newest snapshot of every (venue, asset), optionally narrowed. Sorted by venue, then asset. */
  latestInventory(filter?: { venue?: string; asset?: string }): Promise<InventorySnapshot[]>;

  retention(opts: RetentionOptions): Promise<RetentionCounts>;
  close(): Promise<void>;
}

export type StoreKind = 'sqlite' | 'mongodb';

/**
 * Lists are newest first and paged by an opaque cursor (a keyset position: sort time + id). A row
 * inserted while a client pages can only appear on a page it has not read yet or not at all, never
 * twice, and never pushes an existing row out of its page (which offset paging would).
 */
export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next (older) page; null when this page is the last. */
  next_cursor: string | null;
}

export interface PageQuery {
  cursor?: string;
  /** 1..1000, default 100. */
  limit?: number;
}

/** Half-open: from_ms ≤ t < to_ms, on each list's sort time (see LIST_SORT in cursor.ts). */
export interface TimeRange {
  from_ms?: number;
  to_ms?: number;
}

export interface PairFilter {
  asset?: string;
  cex_venue?: string;
  dex_route?: string;
  direction?: Direction;
}

export interface OpportunityQuery extends PageQuery, TimeRange, PairFilter {
  traded?: boolean;
  window_id?: string;
}

export interface TradeQuery extends PageQuery, TimeRange, PairFilter {
  state?: TradeState | readonly TradeState[];
  window_id?: string;
}

export interface WindowQuery extends PageQuery, TimeRange, PairFilter {
  state?: WindowState;
}

export interface AuditQuery extends PageQuery, TimeRange {
  actor?: string;
  action?: string;
  target?: string;
}

export interface IncidentQuery extends PageQuery, TimeRange {
  kind?: string;
  /** Only incidents with no `resolved_ts_ms`. */
  open_only?: boolean;
}

export interface StoreBatch {
  /** Inserted, idempotent on id. */
  opportunities?: readonly Opportunity[];
  /** Upserted by window_id. */
  windows?: readonly WindowRecord[];
  /** New trade intents: a duplicate key fails (and rolls back) the whole batch. */
  trades?: readonly TradeRecord[];
  /** Patches to existing trades: an unknown key fails (and rolls back) the whole batch. */
  trade_updates?: readonly { trade_key: string; patch: TradePatch }[];
  inventory?: readonly InventorySnapshot[];
  audit?: readonly AuditInput[];
}

/** Records applied per kind (as submitted; idempotent re-inserts count too). */
export interface BatchCounts {
  opportunities: number;
  windows: number;
  trades: number;
  trade_updates: number;
  inventory: number;
  audit: number;
}

export interface RetentionOptions {
  now_ms: number;
  trades_days?: number;
  opportunities_days?: number;
  windows_days?: number;
  /** Inventory snapshots are kept forever unless set. */
  inventory_days?: number;
}

/** Rows deleted per table. */
export interface RetentionCounts {
  trades: number;
  opportunities: number;
  windows: number;
  inventory_snapshots: number;
}

/** DESIGN §7 defaults. */
export const DEFAULT_RETENTION = {
  trades_days: 90,
  opportunities_days: 30,
  windows_days: 365,
} as const;
