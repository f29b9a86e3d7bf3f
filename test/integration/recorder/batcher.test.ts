import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Batcher } from '../../../src/actors/recorder/batcher.ts';
import type { ExecUpdate } from '../../../src/actors/recorder/records.ts';
import { systemClock } from '../../../src/shared/clock.ts';
import { CambistError } from '../../../src/shared/errors.ts';
import { Outcome } from '../../../src/shared/messages/index.ts';
import { StoreError, openStore, type Opportunity, type Store } from '../../../src/shared/store/index.ts';
import { waitFor } from '../../helpers/wait.ts';
import { leg, trade } from '../../contract/store-factories.ts';

/** The recorder's batcher in-process, over a real SQLite store wrapped by small failing doubles. */
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function sqlite(): Promise<Store> {
  store = await openStore({ kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'cambist-batcher-')) });
  return store;
}

const opp = (i: number): Opportunity => ({
  id: `o-${i}`, ts_ms: 1_750_000_000_000 + i, asset: 'SOL', cex_venue: 'coinbase', dex_route: 'whirlpool#0', direction: 'buy_cex_sell_dex',
  size_base: 1, cex_vwap: 150, dex_price: 151, gross_edge_bps: 70, net_edge_bps: 10, predicted_pnl_quote: 0.1, window_id: null, traded: false, reason_not_traded: 'below_threshold',
});

const result = (key: string): ExecUpdate => ({
  trade_key: key, asset: 'SOL', cex_venue: 'coinbase', outcome: Outcome.filled, cex_filled_base: 1, cex_avg_price: 150,
  dex_filled_base: 1, dex_avg_price: 151, realised_pnl_quote: 0.1, cex_done_us: 1, dex_done_us: 2,
});

describe('recorder batcher', () => {
  it('raises RECORDER_TRADE_MISSING for a result whose trade row does not exist, after writing the rest of the batch', async () => {
    const s = await sqlite();
    const errors: Error[] = [];
    const b = new Batcher({ store: s, clock: systemClock, onFatal: (e) => errors.push(e) });
    b.addOpportunity(opp(1), 1);
    b.addExec(result('SOL:coinbase:0:bc:1:1'));
    await waitFor(() => errors.length > 0, 'fatal error');
    expect(errors[0]).toBeInstanceOf(CambistError);
    expect((errors[0] as CambistError).code).toBe('RECORDER_TRADE_MISSING');
    expect((errors[0] as CambistError).retry).toBe('fatal');
    expect(errors[0]!.message).toMatch(/SOL:coinbase:0:bc:1:1/);
    expect((await s.listOpportunities()).items.map((o) => o.id)).toEqual(['o-1']);
  });

  it('retries a retryable store error with the same records, and reports a non-retryable one', async () => {
    const s = await sqlite();
    let failures = 2;
    const flaky = new Proxy(s, {
      get(target, prop, receiver) {
        if (prop === 'writeBatch') {
          return async (...a: Parameters<Store['writeBatch']>) => {
            if (failures-- > 0) throw new StoreError('STORE_BUSY', 'database is locked');
            return target.writeBatch(...a);
          };
        }
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(target) : v;
      },
    });
    const errors: Error[] = [];
    const b = new Batcher({ store: flaky, clock: systemClock, onFatal: (e) => errors.push(e) });
    for (let i = 0; i < 5; i++) b.addOpportunity(opp(i), i);
    await waitFor(() => b.counters.written.opportunity === 5, 'written after retries');
    expect(b.counters.retries).toBe(2);
    expect(errors).toEqual([]);

    const broken = { ...flaky, writeBatch: async () => Promise.reject(new StoreError('STORE_CORRUPT', 'file is not a database')) } as unknown as Store;
    const b2 = new Batcher({ store: broken, clock: systemClock, onFatal: (e) => errors.push(e) });
    b2.addOpportunity(opp(9), 9);
    await waitFor(() => errors.length > 0, 'fatal');
    expect((errors[0] as StoreError).code).toBe('STORE_CORRUPT');
  });

  it('writes at most maxRecords per transaction', async () => {
    const s = await sqlite();
    const sizes: number[] = [];
    const counting = { ...s, writeBatch: (batch: Parameters<Store['writeBatch']>[0]) => {
      sizes.push((batch.opportunities?.length ?? 0) + (batch.windows?.length ?? 0));
      return s.writeBatch(batch);
    }, getTrade: (k: string) => s.getTrade(k) } as unknown as Store;
    const b = new Batcher({ store: counting, clock: systemClock, maxRecords: 100, onFatal: (e) => { throw e; } });
    for (let i = 0; i < 450; i++) b.addOpportunity(opp(i), i);
    b.poke();
    await b.drain();
    expect(sizes.reduce((a, x) => a + x, 0)).toBe(450);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
  });

  it('leaves what the executor already wrote alone: same state, terminal states, hedge legs', async () => {
    const s = await sqlite();
    const hedge = leg({ venue: 'coinbase', side: 'sell', client_order_id: 'h-1', filled_size_base: 0.5, avg_price: 149, status: 'filled' });
    const base = { cex_venue: 'coinbase', dex_route: 'whirlpool#0', created_ts_ms: 1, updated_ts_ms: 1 };
    await s.insertTradeIntent(trade({ ...base, trade_key: 'same', state: 'filled', realised_pnl_quote: 0.7 }));
    await s.insertTradeIntent(trade({ ...base, trade_key: 'done', state: 'verified', realised_pnl_quote: 0.9 }));
    await s.insertTradeIntent(trade({ ...base, trade_key: 'open', state: 'hedging', legs: [leg({ status: 'submitted' }), leg({ venue: 'whirlpool#0', side: 'sell', client_order_id: 'd-1', status: 'submitted' }), hedge] }));
    const errors: Error[] = [];
    const b = new Batcher({ store: s, clock: systemClock, onFatal: (e) => errors.push(e) });
    b.addExec({ ...result('same'), realised_pnl_quote: 0.1 });
    b.addExec({ ...result('done'), realised_pnl_quote: 0.1 });
    b.addExec({ ...result('open'), outcome: Outcome.hedged, cex_filled_base: 12.5, dex_filled_base: 0, realised_pnl_quote: -0.3 });
    await b.drain();
    expect(errors).toEqual([]);
    expect(b.counters.alreadyRecorded).toBe(2);
    expect((await s.getTrade('same'))!.realised_pnl_quote).toBe(0.7);
    expect((await s.getTrade('done'))).toMatchObject({ state: 'verified', realised_pnl_quote: 0.9 });
    const open = (await s.getTrade('open'))!;
    expect(open).toMatchObject({ state: 'hedged', realised_pnl_quote: -0.3 });
    expect(open.legs.map((l) => l.status)).toEqual(['filled', 'cancelled', 'filled']);
    expect(open.legs[2]).toEqual(hedge);
  });
});
