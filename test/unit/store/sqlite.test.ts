import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/shared/store/errors.ts';
import { openStore } from '../../../src/shared/store/open.ts';
import { SQLITE_FILE_NAME, SqliteStore } from '../../../src/shared/store/sqlite/adapter.ts';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../../../src/shared/store/sqlite/schema.ts';
import { opportunity, rejection, trade, window } from '../../contract/store-factories.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'cambist-sqlite-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function raw(dir: string): BetterSqlite3.Database {
  return new BetterSqlite3(join(dir, SQLITE_FILE_NAME));
}

describe('SQLite adapter specifics', () => {
  it('opens <dataDir>/cambist.db (creating the directory) in WAL mode with synchronous=FULL at the current schema', async () => {
    const dir = join(await tempDir(), 'nested', 'data');
    const store = new SqliteStore({ dataDir: dir });
    expect(store.path).toBe(join(dir, 'cambist.db'));
    await store.insertOpportunities([opportunity()]);
    const db = raw(dir);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
      expect(tables).toEqual(['audit_log', 'configs', 'incidents', 'inventory_latest', 'inventory_snapshots', 'opportunities', 'trades', 'windows']);
      // synchronous is per connection: only the store's own connection can say what it runs with.
      expect(await store.diagnostics()).toEqual({ journal_mode: 'wal', synchronous: 'full', user_version: SCHEMA_VERSION });
    } finally {
      db.close();
      await store.close();
    }
  });

  it('keeps data and open windows across a close and reopen (a restarted signal actor restores them)', async () => {
    const dir = await tempDir();
    const first = await openStore({ kind: 'sqlite', dataDir: dir });
    await first.upsertWindows([window({ window_id: 'w-open' }), window({ window_id: 'w-closed', state: 'closed', closed_ts_ms: 1 })]);
    await first.insertTradeIntent(trade());
    await first.close();
    const second = await openStore({ kind: 'sqlite', dataDir: dir });
    try {
      expect(await second.openWindowsFor('SOL')).toEqual([window({ window_id: 'w-open' })]);
      expect(await second.getTrade(trade().trade_key)).toEqual(trade());
      // The unique key survives the restart too: the restored window cannot fire attempt 0 again.
      expect((await rejection(second.insertTradeIntent(trade()))).code).toBe('STORE_DUPLICATE_TRADE_KEY');
    } finally {
      await second.close();
    }
  });

  it('enforces trade key uniqueness in the schema itself, not only in adapter code', async () => {
    const dir = await tempDir();
    const store = new SqliteStore({ dataDir: dir });
    await store.insertTradeIntent(trade());
    await store.close();
    const db = raw(dir);
    try {
      const cols = 'trade_key, asset, cex_venue, dex_route, direction, window_id, attempt, state, legs, predicted_pnl_quote, tick_recv_us, decided_us, created_ts_ms, updated_ts_ms';
      const stmt = db.prepare(`INSERT INTO trades (${cols}) VALUES (?, 'SOL', 'cb', 'orca', 'buy_cex_sell_dex', 'w', 0, 'intent', '[]', 0, 0, 0, 0, 0)`);
      expect(() => stmt.run(trade().trade_key)).toThrow(/UNIQUE constraint failed: trades.trade_key/);
    } finally {
      db.close();
    }
  });

  it('rejects a duplicate intent written through a second connection to the same file', async () => {
    const dir = await tempDir();
    const a = new SqliteStore({ dataDir: dir });
    const b = new SqliteStore({ dataDir: dir });
    try {
      await a.insertTradeIntent(trade());
      expect((await rejection(b.insertTradeIntent(trade()))).code).toBe('STORE_DUPLICATE_TRADE_KEY');
      expect(await b.getTrade(trade().trade_key)).toEqual(trade());
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses a database whose schema is newer than this build', async () => {
    const dir = await tempDir();
    await (await openStore({ kind: 'sqlite', dataDir: dir })).close();
    const db = raw(dir);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    let err: unknown;
    try {
      new SqliteStore({ dataDir: dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('STORE_SCHEMA_TOO_NEW');
    expect((err as StoreError).retry).toBe('fatal');
  });

  it('applies only the migrations a database has not seen, once', async () => {
    const db = new BetterSqlite3(':memory:');
    try {
      expect(migrate(db)).toBe(SCHEMA_VERSION);
      const next = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, name: 'test column', sql: 'ALTER TABLE trades ADD COLUMN note TEXT' }];
      expect(migrate(db, next)).toBe(SCHEMA_VERSION + 1);
      // A second run must be a no-op (re-running ALTER TABLE ADD COLUMN would throw).
      expect(migrate(db, next)).toBe(SCHEMA_VERSION + 1);
      const cols = (db.prepare('PRAGMA table_info(trades)').all() as { name: string }[]).map((c) => c.name);
      expect(cols).toContain('note');
    } finally {
      db.close();
    }
  });

  it('rolls a failing migration back entirely', async () => {
    const db = new BetterSqlite3(':memory:');
    try {
      const broken = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, name: 'broken', sql: 'CREATE TABLE x (a INTEGER); SELECT no_such_function();' }];
      expect(() => migrate(db, broken)).toThrow();
      expect(db.pragma('user_version', { simple: true })).toBe(0);
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name IN ('x', 'trades')").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('maps a file that is not a database to STORE_CORRUPT', async () => {
    const dir = await tempDir();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, SQLITE_FILE_NAME), Buffer.alloc(8192, 7));
    let err: unknown;
    try {
      new SqliteStore({ dataDir: dir });
    } catch (e) {
      err = e;
    }
    expect((err as StoreError).code).toBe('STORE_CORRUPT');
  });
});
