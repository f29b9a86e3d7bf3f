import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/shared/store/errors.ts';
import { MongoStore } from '../../../src/shared/store/mongodb/adapter.ts';
import { COLLECTIONS, INDEXES } from '../../../src/shared/store/mongodb/indexes.ts';
import { MongoWhere, sortFor } from '../../../src/shared/store/mongodb/query.ts';
import { openStore } from '../../../src/shared/store/open.ts';

/** The parts of the MongoDB adapter that can be checked without a server (there is none here). */
describe('MongoDB adapter without a server', () => {
  it('builds keyset filters that mirror the SQLite row-value comparison', () => {
    const f = new MongoWhere().pair({ asset: 'SOL', direction: 'buy_dex_sell_cex' }).in('state', ['unknown', 'reconciling'])
      .time('created_ts_ms', { from_ms: 10, to_ms: 20 }).after('trades', { t: 15, k: 'k-9' }).filter();
    expect(f).toEqual({
      $and: [
        { asset: 'SOL' },
        { direction: 'buy_dex_sell_cex' },
        { state: { $in: ['unknown', 'reconciling'] } },
        { created_ts_ms: { $gte: 10, $lt: 20 } },
        { $or: [{ created_ts_ms: { $lt: 15 } }, { created_ts_ms: 15, trade_key: { $lt: 'k-9' } }] },
      ],
    });
    expect(new MongoWhere().pair(undefined).time('ts_ms', {}).filter()).toEqual({});
    expect(new MongoWhere().eq('traded', false).filter()).toEqual({ traded: false });
    expect(sortFor('opportunities')).toEqual({ ts_ms: -1, id: -1 });
  });

  it('declares a unique index on trade_key and a keyset index for every paged list', () => {
    expect(INDEXES.trades).toContainEqual({ key: { trade_key: 1 }, name: 'trade_key_unique', unique: true });
    for (const c of COLLECTIONS) expect(INDEXES[c].length).toBeGreaterThan(0);
    for (const list of ['opportunities', 'trades', 'windows', 'audit_log', 'incidents'] as const) {
      expect(INDEXES[list].map((i) => i.key)).toContainEqual(sortFor(list));
    }
  });

  it('fails loudly with STORE_UNAVAILABLE when the server cannot be reached', async () => {
    let err: unknown;
    try {
      await MongoStore.open({ url: 'mongodb://127.0.0.1:9/cambist_test', serverSelectionTimeoutMs: 200 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('STORE_UNAVAILABLE');
    expect((err as StoreError).retry).toBe('retryable');
  });

  it('openStore needs a URL for mongodb and a directory for sqlite', async () => {
    const saved = process.env.MONGODB_URL;
    delete process.env.MONGODB_URL;
    try {
      await expect(openStore({ kind: 'mongodb' })).rejects.toMatchObject({ code: 'STORE_MISCONFIGURED' });
      await expect(openStore({ kind: 'sqlite' })).rejects.toMatchObject({ code: 'STORE_MISCONFIGURED' });
    } finally {
      if (saved !== undefined) process.env.MONGODB_URL = saved;
    }
  });
});
