// The SQLite adapter of the Store port. One class over ~400 lines on purpose: writeBatch spans every
// table in one transaction, and keeping all writers in one file keeps that boundary visible.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { decodeCursor, toPage, type ListName } from '../cursor.ts';
import { StoreError } from '../errors.ts';
import type {
  AuditQuery, BatchCounts, IncidentQuery, OpportunityQuery, Page, RetentionCounts, RetentionOptions, Store,
  StoreBatch, TradeQuery, WindowQuery,
} from '../port.ts';
import {
  TERMINAL_TRADE_STATES, auditInputSchema, configInputSchema, incidentPatchSchema, incidentSchema,
  inventorySnapshotSchema, opportunitySchema, tradePatchSchema, tradeSchema, windowSchema,
  type AuditEntry, type AuditInput, type ConfigInput, type ConfigVersion, type Incident, type IncidentPatch,
  type InventorySnapshot, type Opportunity, type TradePatch, type TradeRecord, type TradeState, type WindowRecord,
} from '../records.ts';
import { sortableId } from '../sortable-id.ts';
import {
  batchCounts, checkTimeRange, pageLimit, parseBatch, parseRecord, parseRecords, requireKey, retentionCutoffs, stateList,
} from '../validate.ts';
import { isUniqueViolation, mapSqliteError } from './errors.ts';
import { Where, pageSql } from './list.ts';
import {
  AUDIT_COLUMNS, INCIDENT_COLUMNS, OPPORTUNITY_COLUMNS, TRADE_COLUMNS, WINDOW_COLUMNS, auditFromRow, auditParams,
  configFromRow, incidentFromRow, incidentParams, insertSql, inventoryFromRow, opportunityFromRow,
  opportunityParams, tradeFromRow, tradeParams, windowFromRow,
} from './rows.ts';
import { migrate } from './schema.ts';

export const SQLITE_FILE_NAME = 'cambist.db';

export interface SqliteStoreOptions {
  dataDir: string;
  /** How long a writer waits for another connection's write lock before STORE_BUSY. */
  busyTimeoutMs?: number;
}

type Row = Record<string, unknown>;

// Retention deletes in chunks, each its own short transaction, so a daily purge of millions of rows
// never holds the write lock long enough to stall an executor writing a trade intent.
const RETENTION_CHUNK = 5_000;

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly path: string;
  #db: Database | null;
  // Prepared statements keyed by SQL text: list queries build their SQL from the filters present,
  // so the cache holds one statement per filter shape, compiled once per connection.
  readonly #stmts = new Map<string, Statement>();

  constructor(opts: SqliteStoreOptions) {
    mkdirSync(opts.dataDir, { recursive: true });
    this.path = join(opts.dataDir, SQLITE_FILE_NAME);
    let db: Database | null = null;
    try {
      db = new BetterSqlite3(this.path, { timeout: opts.busyTimeoutMs ?? 5_000 });
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new StoreError('STORE_UNAVAILABLE', `SQLite refused WAL mode (got ${String(mode)}) for ${this.path}`);
      // FULL, not NORMAL. In WAL mode NORMAL skips the fsync at each commit: a commit survives the
      // process being killed (the WAL is in the OS page cache) but may be rolled back by a power cut
      // or kernel crash. A trade intent is written *before* orders are sent; losing it after the
      // orders went out leaves real positions with no record, which reconciliation cannot find. FULL
      // costs one WAL fsync per commit, and the recorder's batching (≤ 50 ms / 1,000 records per
      // transaction) keeps that to tens of fsyncs a second.
      db.pragma('synchronous = FULL');
      migrate(db);
    } catch (e) {
      db?.close();
      throw mapSqliteError(e);
    }
    this.#db = db;
  }

  #run<T>(fn: (db: Database) => T): Promise<T> {
    try {
      if (this.#db === null) throw new StoreError('STORE_CLOSED', `store ${this.path} is closed`);
      return Promise.resolve(fn(this.#db));
    } catch (e) {
      return Promise.reject(mapSqliteError(e));
    }
  }

  #stmt(db: Database, sql: string): Statement {
    let s = this.#stmts.get(sql);
    if (s === undefined) {
      s = db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  #page<T>(db: Database, list: ListName, table: string, columns: readonly string[], where: Where,
    q: { cursor?: string; limit?: number } | undefined, map: (r: Row) => T, pos: (t: T) => { t: number; k: string }): Page<T> {
    const limit = pageLimit(q);
    const after = q?.cursor === undefined ? null : decodeCursor(list, q.cursor);
    const { sql, params } = pageSql(list, table, columns, where, after, limit);
    const rows = this.#stmt(db, sql).all(...params) as Row[];
    return toPage(list, rows.map(map), limit, pos);
  }

  // --- opportunities -------------------------------------------------------------------------

  #insertOpportunities(db: Database, rows: readonly Opportunity[]): number {
    const s = this.#stmt(db, `${insertSql('opportunities', OPPORTUNITY_COLUMNS)} ON CONFLICT (id) DO NOTHING`);
    let n = 0;
    for (const o of rows) n += s.run(opportunityParams(o)).changes;
    return n;
  }

  insertOpportunities(batch: readonly Opportunity[]): Promise<number> {
    return this.#run((db) => {
      const rows = parseRecords(opportunitySchema, batch, 'opportunity');
      return db.transaction(() => this.#insertOpportunities(db, rows)).immediate();
    });
  }

  listOpportunities(q?: OpportunityQuery): Promise<Page<Opportunity>> {
    return this.#run((db) => {
      checkTimeRange(q);
      const w = new Where().pair(q).eq('window_id', q?.window_id).time('ts_ms', q);
      if (q?.traded !== undefined) w.add('traded = ?', q.traded ? 1 : 0);
      return this.#page(db, 'opportunities', 'opportunities', OPPORTUNITY_COLUMNS, w, q, opportunityFromRow, (o) => ({ t: o.ts_ms, k: o.id }));
    });
  }

  // --- windows -------------------------------------------------------------------------------

  #upsertWindows(db: Database, rows: readonly WindowRecord[]): void {
    const updates = WINDOW_COLUMNS.filter((c) => c !== 'window_id').map((c) => `${c} = excluded.${c}`);
    const s = this.#stmt(db, `${insertSql('windows', WINDOW_COLUMNS)} ON CONFLICT (window_id) DO UPDATE SET ${updates.join(', ')}`);
    for (const w of rows) s.run(w);
  }

  upsertWindows(batch: readonly WindowRecord[]): Promise<void> {
    return this.#run((db) => {
      const rows = parseRecords(windowSchema, batch, 'window');
      db.transaction(() => this.#upsertWindows(db, rows)).immediate();
    });
  }

  listWindows(q?: WindowQuery): Promise<Page<WindowRecord>> {
    return this.#run((db) => {
      checkTimeRange(q);
      const w = new Where().pair(q).eq('state', q?.state).time('opened_ts_ms', q);
      return this.#page(db, 'windows', 'windows', WINDOW_COLUMNS, w, q, windowFromRow, (x) => ({ t: x.opened_ts_ms, k: x.window_id }));
    });
  }

  openWindowsFor(asset: string): Promise<WindowRecord[]> {
    return this.#run((db) => {
      const sql = `SELECT ${WINDOW_COLUMNS.join(', ')} FROM windows WHERE asset = ? AND state = 'open' ORDER BY opened_ts_ms, window_id`;
      return (this.#stmt(db, sql).all(requireKey(asset, 'asset')) as Row[]).map(windowFromRow);
    });
  }

  // --- trades --------------------------------------------------------------------------------

  #insertTrade(db: Database, t: TradeRecord): void {
    try {
      this.#stmt(db, insertSql('trades', TRADE_COLUMNS)).run(tradeParams(t));
    } catch (e) {
      if (isUniqueViolation(e)) {
        throw new StoreError('STORE_DUPLICATE_TRADE_KEY', `trade key ${t.trade_key} already has an intent`, { cause: e });
      }
      throw e;
    }
  }

  #getTrade(db: Database, key: string): TradeRecord | null {
    const row = this.#stmt(db, `SELECT ${TRADE_COLUMNS.join(', ')} FROM trades WHERE trade_key = ?`).get(key) as Row | undefined;
    return row === undefined ? null : tradeFromRow(row);
  }

  #updateTrade(db: Database, key: string, patch: TradePatch, ifState: TradeState | undefined): TradeRecord {
    const cur = this.#getTrade(db, key);
    if (cur === null) throw new StoreError('STORE_NOT_FOUND', `no trade with key ${key}`);
    if (ifState !== undefined && cur.state !== ifState) {
      throw new StoreError('STORE_CONFLICT', `trade ${key} is ${cur.state}, expected ${ifState}`);
    }
    const next: TradeRecord = {
      ...cur,
      state: patch.state ?? cur.state,
      legs: patch.legs ?? cur.legs,
      realised_pnl_quote: patch.realised_pnl_quote === undefined ? cur.realised_pnl_quote : patch.realised_pnl_quote,
      reason: patch.reason === undefined ? cur.reason : patch.reason,
      updated_ts_ms: patch.updated_ts_ms,
    };
    this.#stmt(db, `UPDATE trades SET state = @state, legs = @legs, realised_pnl_quote = @realised_pnl_quote,
      reason = @reason, updated_ts_ms = @updated_ts_ms WHERE trade_key = @trade_key`).run(tradeParams(next));
    return next;
  }

  insertTradeIntent(trade: TradeRecord): Promise<void> {
    return this.#run((db) => {
      this.#insertTrade(db, parseRecord(tradeSchema, trade, 'trade'));
    });
  }

  updateTrade(trade_key: string, patch: TradePatch, opts?: { if_state?: TradeState }): Promise<TradeRecord> {
    return this.#run((db) => {
      const key = requireKey(trade_key, 'trade_key');
      const p = parseRecord(tradePatchSchema, patch, 'trade patch');
      // IMMEDIATE: read-check-write must hold the write lock from the read on, or two connections
      // could both pass an if_state check.
      return db.transaction(() => this.#updateTrade(db, key, p, opts?.if_state)).immediate();
    });
  }

  getTrade(trade_key: string): Promise<TradeRecord | null> {
    return this.#run((db) => this.#getTrade(db, requireKey(trade_key, 'trade_key')));
  }

  listTrades(q?: TradeQuery): Promise<Page<TradeRecord>> {
    return this.#run((db) => {
      checkTimeRange(q);
      const w = new Where().pair(q).eq('window_id', q?.window_id).in('state', stateList(q?.state)).time('created_ts_ms', q);
      return this.#page(db, 'trades', 'trades', TRADE_COLUMNS, w, q, tradeFromRow, (t) => ({ t: t.created_ts_ms, k: t.trade_key }));
    });
  }

  // --- batch ---------------------------------------------------------------------------------

  writeBatch(batch: StoreBatch): Promise<BatchCounts> {
    return this.#run((db) => {
      const b = parseBatch(batch);
      db.transaction(() => {
        this.#insertOpportunities(db, b.opportunities);
        this.#upsertWindows(db, b.windows);
        for (const t of b.trades) this.#insertTrade(db, t);
        for (const u of b.trade_updates) this.#updateTrade(db, u.key, u.patch, undefined);
        this.#insertInventory(db, b.inventory);
        for (const a of b.audit) this.#appendAudit(db, a);
      }).immediate();
      return batchCounts(b);
    });
  }

  // --- audit ---------------------------------------------------------------------------------

  #appendAudit(db: Database, a: AuditInput): AuditEntry {
    const entry: AuditEntry = { id: sortableId(a.ts_ms), ...a };
    this.#stmt(db, insertSql('audit_log', AUDIT_COLUMNS)).run(auditParams(entry));
    return entry;
  }

  appendAudit(entry: AuditInput): Promise<AuditEntry> {
    return this.#run((db) => this.#appendAudit(db, parseRecord(auditInputSchema, entry, 'audit entry')));
  }

  listAudit(q?: AuditQuery): Promise<Page<AuditEntry>> {
    return this.#run((db) => {
      checkTimeRange(q);
      const w = new Where().eq('actor', q?.actor).eq('action', q?.action).eq('target', q?.target).time('ts_ms', q);
      return this.#page(db, 'audit_log', 'audit_log', AUDIT_COLUMNS, w, q, auditFromRow, (a) => ({ t: a.ts_ms, k: a.id }));
    });
  }

  // --- incidents -----------------------------------------------------------------------------

  #getIncident(db: Database, id: string): Incident | null {
    const row = this.#stmt(db, `SELECT ${INCIDENT_COLUMNS.join(', ')} FROM incidents WHERE id = ?`).get(id) as Row | undefined;
    return row === undefined ? null : incidentFromRow(row);
  }

  insertIncident(incident: Incident): Promise<void> {
    return this.#run((db) => {
      const i = parseRecord(incidentSchema, incident, 'incident');
      try {
        this.#stmt(db, insertSql('incidents', INCIDENT_COLUMNS)).run(incidentParams(i));
      } catch (e) {
        if (isUniqueViolation(e)) throw new StoreError('STORE_CONFLICT', `incident ${i.id} already exists`, { cause: e });
        throw e;
      }
    });
  }

  updateIncident(id: string, patch: IncidentPatch): Promise<Incident> {
    return this.#run((db) => {
      const key = requireKey(id, 'incident id');
      const p = parseRecord(incidentPatchSchema, patch, 'incident patch');
      return db.transaction(() => {
        const cur = this.#getIncident(db, key);
        if (cur === null) throw new StoreError('STORE_NOT_FOUND', `no incident with id ${key}`);
        const next: Incident = {
          ...cur,
          reason: p.reason ?? cur.reason,
          resolved_ts_ms: p.resolved_ts_ms === undefined ? cur.resolved_ts_ms : p.resolved_ts_ms,
          timeline: [...cur.timeline, ...(p.append_timeline ?? [])],
        };
        this.#stmt(db, 'UPDATE incidents SET reason = @reason, resolved_ts_ms = @resolved_ts_ms, timeline = @timeline WHERE id = @id')
          .run(incidentParams(next));
        return next;
      }).immediate();
    });
  }

  getIncident(id: string): Promise<Incident | null> {
    return this.#run((db) => this.#getIncident(db, requireKey(id, 'incident id')));
  }

  listIncidents(q?: IncidentQuery): Promise<Page<Incident>> {
    return this.#run((db) => {
      checkTimeRange(q);
      const w = new Where().eq('kind', q?.kind).time('ts_ms', q);
      if (q?.open_only === true) w.add('resolved_ts_ms IS NULL');
      return this.#page(db, 'incidents', 'incidents', INCIDENT_COLUMNS, w, q, incidentFromRow, (i) => ({ t: i.ts_ms, k: i.id }));
    });
  }

  // --- configs -------------------------------------------------------------------------------

  putConfig(input: ConfigInput): Promise<ConfigVersion> {
    return this.#run((db) => {
      const c = parseRecord(configInputSchema, input, 'config');
      return db.transaction(() => {
        const top = this.#stmt(db, 'SELECT MAX(version) AS v FROM configs WHERE asset = ?').get(c.asset) as { v: number | null };
        const row: ConfigVersion = { ...c, version: (top.v ?? 0) + 1 };
        this.#stmt(db, insertSql('configs', ['asset', 'version', 'format', 'body', 'ts_ms', 'author'])).run(row);
        return row;
      }).immediate();
    });
  }

  getConfig(asset: string, version?: number): Promise<ConfigVersion | null> {
    return this.#run((db) => {
      const a = requireKey(asset, 'asset');
      const row = (version === undefined
        ? this.#stmt(db, 'SELECT * FROM configs WHERE asset = ? ORDER BY version DESC LIMIT 1').get(a)
        : this.#stmt(db, 'SELECT * FROM configs WHERE asset = ? AND version = ?').get(a, version)) as Row | undefined;
      return row === undefined ? null : configFromRow(row);
    });
  }

  listConfigVersions(asset: string): Promise<ConfigVersion[]> {
    return this.#run((db) =>
      (this.#stmt(db, 'SELECT * FROM configs WHERE asset = ? ORDER BY version DESC').all(requireKey(asset, 'asset')) as Row[]).map(configFromRow),
    );
  }

  // --- inventory -----------------------------------------------------------------------------

  #insertInventory(db: Database, rows: readonly InventorySnapshot[]): void {
    const hist = this.#stmt(db, `INSERT INTO inventory_snapshots (ts_ms, venue, asset, free, locked) VALUES (@ts_ms, @venue, @asset, @free, @locked)
      ON CONFLICT (venue, asset, ts_ms) DO UPDATE SET free = excluded.free, locked = excluded.locked`);
    // A late-arriving older snapshot must not overwrite a newer "latest" (the WHERE on the upsert).
    const latest = this.#stmt(db, `INSERT INTO inventory_latest (venue, asset, ts_ms, free, locked) VALUES (@venue, @asset, @ts_ms, @free, @locked)
      ON CONFLICT (venue, asset) DO UPDATE SET ts_ms = excluded.ts_ms, free = excluded.free, locked = excluded.locked
      WHERE excluded.ts_ms >= inventory_latest.ts_ms`);
    for (const s of rows) {
      hist.run(s);
      latest.run(s);
    }
  }

  insertInventorySnapshots(batch: readonly InventorySnapshot[]): Promise<void> {
    return this.#run((db) => {
      const rows = parseRecords(inventorySnapshotSchema, batch, 'inventory snapshot');
      db.transaction(() => this.#insertInventory(db, rows)).immediate();
    });
  }

  latestInventory(filter?: { venue?: string; asset?: string }): Promise<InventorySnapshot[]> {
    return this.#run((db) => {
      const w = new Where().eq('venue', filter?.venue).eq('asset', filter?.asset);
      const sql = `SELECT ts_ms, venue, asset, free, locked FROM inventory_latest ${w.sql()} ORDER BY venue, asset`;
      return (this.#stmt(db, sql).all(...w.params) as Row[]).map(inventoryFromRow);
    });
  }

  // --- retention -----------------------------------------------------------------------------

  async retention(opts: RetentionOptions): Promise<RetentionCounts> {
    const cut = retentionCutoffs(opts);
    const terminal = JSON.stringify(TERMINAL_TRADE_STATES);
    const purge = async (table: string, cond: string, ...params: unknown[]): Promise<number> => {
      const sql = `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${cond} LIMIT ${RETENTION_CHUNK})`;
      let total = 0;
      for (;;) {
        const n = await this.#run((db) => this.#stmt(db, sql).run(...params).changes);
        total += n;
        if (n < RETENTION_CHUNK) return total;
        await yieldToLoop();
      }
    };
    return {
      trades: await purge('trades', 'updated_ts_ms < ? AND state IN (SELECT value FROM json_each(?))', cut.trades, terminal),
      opportunities: await purge('opportunities', 'ts_ms < ?', cut.opportunities),
      windows: await purge('windows', "state = 'closed' AND closed_ts_ms < ?", cut.windows),
      inventory_snapshots: cut.inventory === null ? 0 : await this.#purgeInventory(purge, cut.inventory),
    };
  }

  /** What the connection actually runs with (pragmas are per connection), for health checks and tests. */
  diagnostics(): Promise<{ journal_mode: string; synchronous: 'off' | 'normal' | 'full' | 'extra'; user_version: number }> {
    return this.#run((db) => ({
      journal_mode: String(db.pragma('journal_mode', { simple: true })),
      synchronous: (['off', 'normal', 'full', 'extra'] as const)[Number(db.pragma('synchronous', { simple: true }))],
      user_version: Number(db.pragma('user_version', { simple: true })),
    }));
  }

  // inventory_latest follows the history table, so "latest" means the same here as in the MongoDB
  // adapter (which derives it from the history): the newest snapshot still retained.
  async #purgeInventory(purge: (table: string, cond: string, ...params: unknown[]) => Promise<number>, cutoff: number): Promise<number> {
    const n = await purge('inventory_snapshots', 'ts_ms < ?', cutoff);
    await purge('inventory_latest', 'ts_ms < ?', cutoff);
    return n;
  }

  async close(): Promise<void> {
    const db = this.#db;
    if (db === null) return;
    this.#db = null;
    this.#stmts.clear();
    try {
      db.close();
    } catch (e) {
      throw mapSqliteError(e);
    }
  }
}
