import type { Database } from 'better-sqlite3';
import { StoreError } from '../errors.ts';

/**
 * Schema migrations, applied in order at open. The schema version lives in `PRAGMA user_version`
 * (stored in the database header, so it commits atomically with the DDL that goes with it).
 * Rules: a migration once released is never edited; a change is a new entry at the end.
 * STRICT tables make SQLite refuse a value of the wrong type instead of storing it as whatever it is.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial tables',
    sql: `
      CREATE TABLE opportunities (
        id TEXT NOT NULL PRIMARY KEY,
        ts_ms INTEGER NOT NULL,
        asset TEXT NOT NULL,
        cex_venue TEXT NOT NULL,
        dex_route TEXT NOT NULL,
        direction TEXT NOT NULL,
        size_base REAL NOT NULL,
        cex_vwap REAL NOT NULL,
        dex_price REAL NOT NULL,
        gross_edge_bps REAL NOT NULL,
        net_edge_bps REAL NOT NULL,
        predicted_pnl_quote REAL NOT NULL,
        window_id TEXT,
        traded INTEGER NOT NULL,
        reason_not_traded TEXT
      ) STRICT;
      CREATE INDEX opportunities_by_time ON opportunities (ts_ms, id);
      CREATE INDEX opportunities_by_asset ON opportunities (asset, ts_ms, id);
      CREATE INDEX opportunities_by_window ON opportunities (window_id);

      CREATE TABLE trades (
        trade_key TEXT NOT NULL,
        asset TEXT NOT NULL,
        cex_venue TEXT NOT NULL,
        dex_route TEXT NOT NULL,
        direction TEXT NOT NULL,
        window_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        state TEXT NOT NULL,
        legs TEXT NOT NULL,
        predicted_pnl_quote REAL NOT NULL,
        realised_pnl_quote REAL,
        reason TEXT,
        tick_recv_us REAL NOT NULL,
        decided_us REAL NOT NULL,
        created_ts_ms INTEGER NOT NULL,
        updated_ts_ms INTEGER NOT NULL,
        CONSTRAINT trades_trade_key_unique UNIQUE (trade_key)
      ) STRICT;
      CREATE INDEX trades_by_time ON trades (created_ts_ms, trade_key);
      CREATE INDEX trades_by_asset ON trades (asset, created_ts_ms, trade_key);
      CREATE INDEX trades_by_state ON trades (state, created_ts_ms);
      CREATE INDEX trades_by_window ON trades (window_id);
      CREATE INDEX trades_by_update ON trades (updated_ts_ms);

      CREATE TABLE windows (
        window_id TEXT NOT NULL PRIMARY KEY,
        asset TEXT NOT NULL,
        cex_venue TEXT NOT NULL,
        dex_route TEXT NOT NULL,
        direction TEXT NOT NULL,
        state TEXT NOT NULL,
        opened_ts_ms INTEGER NOT NULL,
        last_above_ts_ms INTEGER NOT NULL,
        closed_ts_ms INTEGER,
        signals INTEGER NOT NULL,
        trades INTEGER NOT NULL,
        peak_edge_bps REAL NOT NULL,
        mean_edge_bps REAL NOT NULL,
        reason_not_traded TEXT
      ) STRICT;
      CREATE INDEX windows_by_time ON windows (opened_ts_ms, window_id);
      CREATE INDEX windows_by_asset ON windows (asset, opened_ts_ms, window_id);
      CREATE INDEX windows_open ON windows (asset, state);
      CREATE INDEX windows_by_close ON windows (closed_ts_ms);

      CREATE TABLE configs (
        asset TEXT NOT NULL,
        version INTEGER NOT NULL,
        format TEXT NOT NULL,
        body TEXT NOT NULL,
        ts_ms INTEGER NOT NULL,
        author TEXT NOT NULL,
        PRIMARY KEY (asset, version)
      ) STRICT;

      CREATE TABLE inventory_snapshots (
        ts_ms INTEGER NOT NULL,
        venue TEXT NOT NULL,
        asset TEXT NOT NULL,
        free REAL NOT NULL,
        locked REAL NOT NULL,
        PRIMARY KEY (venue, asset, ts_ms)
      ) STRICT;
      CREATE INDEX inventory_snapshots_by_time ON inventory_snapshots (ts_ms);
      -- Newest snapshot per (venue, asset), kept in step on insert: answering "latest" from the
      -- history table means a scan over every snapshot ever taken.
      CREATE TABLE inventory_latest (
        venue TEXT NOT NULL,
        asset TEXT NOT NULL,
        ts_ms INTEGER NOT NULL,
        free REAL NOT NULL,
        locked REAL NOT NULL,
        PRIMARY KEY (venue, asset)
      ) STRICT;

      CREATE TABLE audit_log (
        id TEXT NOT NULL PRIMARY KEY,
        ts_ms INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        before_json TEXT,
        after_json TEXT
      ) STRICT;
      CREATE INDEX audit_log_by_time ON audit_log (ts_ms, id);

      CREATE TABLE incidents (
        id TEXT NOT NULL PRIMARY KEY,
        ts_ms INTEGER NOT NULL,
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        actor TEXT NOT NULL,
        timeline TEXT NOT NULL,
        resolved_ts_ms INTEGER
      ) STRICT;
      CREATE INDEX incidents_by_time ON incidents (ts_ms, id);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Bring the database to SCHEMA_VERSION. Runs under BEGIN IMMEDIATE and re-reads the version inside
 * it: several actors open the same file at startup, and the write lock makes exactly one of them
 * migrate while the others wait (busy_timeout) and then find nothing left to do.
 * A file newer than this code is refused: writing rows an older schema does not know would corrupt
 * the newer process's data.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const target = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  const run = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true });
    if (typeof current !== 'number') throw new StoreError('STORE_CORRUPT', `user_version is ${String(current)}`);
    if (current > target) {
      throw new StoreError(
        'STORE_SCHEMA_TOO_NEW',
        `database schema is v${current}, this build knows up to v${target}: upgrade cambist, do not downgrade a store`,
      );
    }
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      // PRAGMA takes no bound parameters; the value is an integer from the list above, not input.
      db.pragma(`user_version = ${Math.trunc(m.version)}`);
    }
    return target;
  });
  return run.immediate();
}
