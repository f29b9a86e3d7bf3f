import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/shared/store/port.ts';
import { T0, audit, inventory, leg, opportunity, rejection, trade, window } from './store-factories.ts';

const DAY = 86_400_000;

/** Trades (intent, duplicate key, patch), batch atomicity and retention. */
export function tradeCases(get: () => Store): void {
  describe('trades', () => {
    it('round-trips an intent with its legs and latency fields', async () => {
      const t = trade();
      await get().insertTradeIntent(t);
      expect(await get().getTrade(t.trade_key)).toEqual(t);
      expect(await get().getTrade('no-such-key')).toBeNull();
    });

    it('rejects a duplicate trade key with STORE_DUPLICATE_TRADE_KEY and keeps the first intent', async () => {
      const t = trade();
      await get().insertTradeIntent(t);
      const e = await rejection(get().insertTradeIntent(trade({ predicted_pnl_quote: 999 })));
      expect(e.code).toBe('STORE_DUPLICATE_TRADE_KEY');
      expect(e.retry).toBe('non-retryable');
      expect(await get().getTrade(t.trade_key)).toEqual(t);
    });

    it('lets exactly one of several racing intents for one key win', async () => {
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => get().insertTradeIntent(trade({ decided_us: i }))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toBe('STORE_DUPLICATE_TRADE_KEY');
      }
      expect((await get().listTrades()).items).toHaveLength(1);
    });

    it('applies a patch and leaves everything else as it was', async () => {
      const t = trade();
      await get().insertTradeIntent(t);
      const legs = [
        leg({ status: 'filled', filled_size_base: 12.5, avg_price: 150.1, fee_quote: 1.13, order_id: 'cb-123', sent_us: 100, ack_us: 180.5, filled_us: 220 }),
        leg({ venue: 'solana', side: 'sell', client_order_id: 'sol-abc-0', status: 'filled', filled_size_base: 12.5, avg_price: 150.9, fee_quote: 0.002, signature: '5h3k', sent_us: 101, ack_us: 900, filled_us: 1_400 }),
      ];
      const updated = await get().updateTrade(t.trade_key, { state: 'filled', legs, updated_ts_ms: T0 + 2 });
      expect(updated).toEqual({ ...t, state: 'filled', legs, updated_ts_ms: T0 + 2 });
      const verified = await get().updateTrade(t.trade_key, { state: 'verified', realised_pnl_quote: 2.87, updated_ts_ms: T0 + 3 }, { if_state: 'filled' });
      expect(verified).toEqual({ ...updated, state: 'verified', realised_pnl_quote: 2.87, updated_ts_ms: T0 + 3 });
      expect(await get().getTrade(t.trade_key)).toEqual(verified);
    });

    it('refuses an update of an unknown key, a stale if_state, and an invalid patch', async () => {
      const t = trade();
      await get().insertTradeIntent(t);
      expect((await rejection(get().updateTrade('nope', { state: 'submitted', updated_ts_ms: T0 }))).code).toBe('STORE_NOT_FOUND');
      const conflict = await rejection(get().updateTrade(t.trade_key, { state: 'hedging', updated_ts_ms: T0 + 1 }, { if_state: 'partial' }));
      expect(conflict.code).toBe('STORE_CONFLICT');
      const bad = { state: 'teleported', updated_ts_ms: T0 } as unknown as Parameters<Store['updateTrade']>[1];
      expect((await rejection(get().updateTrade(t.trade_key, bad))).code).toBe('STORE_INVALID_RECORD');
      expect(await get().getTrade(t.trade_key)).toEqual(t);
    });
  });

  describe('writeBatch', () => {
    it('writes every kind in one call and reports counts', async () => {
      await get().insertTradeIntent(trade({ trade_key: 'k-old' }));
      const counts = await get().writeBatch({
        opportunities: [opportunity({ id: 'o-1' }), opportunity({ id: 'o-2' })],
        windows: [window()],
        trades: [trade({ trade_key: 'k-new' })],
        trade_updates: [{ trade_key: 'k-old', patch: { state: 'submitted', updated_ts_ms: T0 + 1 } }],
        inventory: [inventory()],
        audit: [audit()],
      });
      expect(counts).toEqual({ opportunities: 2, windows: 1, trades: 1, trade_updates: 1, inventory: 1, audit: 1 });
      expect((await get().listOpportunities()).items).toHaveLength(2);
      expect((await get().listWindows()).items).toEqual([window()]);
      expect(await get().getTrade('k-new')).toEqual(trade({ trade_key: 'k-new' }));
      expect((await get().getTrade('k-old'))?.state).toBe('submitted');
      expect(await get().latestInventory()).toEqual([inventory()]);
      expect((await get().listAudit()).items).toHaveLength(1);
    });

    it('is atomic: a duplicate trade key late in the batch leaves nothing of it behind', async () => {
      await get().insertTradeIntent(trade({ trade_key: 'k-dup' }));
      const e = await rejection(get().writeBatch({
        opportunities: [opportunity({ id: 'o-1' })],
        windows: [window()],
        trades: [trade({ trade_key: 'k-fresh' }), trade({ trade_key: 'k-dup' })],
        inventory: [inventory()],
        audit: [audit()],
      }));
      expect(e.code).toBe('STORE_DUPLICATE_TRADE_KEY');
      expect((await get().listOpportunities()).items).toEqual([]);
      expect((await get().listWindows()).items).toEqual([]);
      expect(await get().getTrade('k-fresh')).toBeNull();
      expect(await get().latestInventory()).toEqual([]);
      expect((await get().listAudit()).items).toEqual([]);
    });

    it('is atomic: a patch of an unknown trade rolls back the patches before it', async () => {
      await get().insertTradeIntent(trade({ trade_key: 'k-1' }));
      const e = await rejection(get().writeBatch({
        opportunities: [opportunity({ id: 'o-1' })],
        trade_updates: [
          { trade_key: 'k-1', patch: { state: 'submitted', updated_ts_ms: T0 + 1 } },
          { trade_key: 'k-missing', patch: { state: 'submitted', updated_ts_ms: T0 + 1 } },
        ],
      }));
      expect(e.code).toBe('STORE_NOT_FOUND');
      expect((await get().getTrade('k-1'))?.state).toBe('intent');
      expect((await get().listOpportunities()).items).toEqual([]);
    });

    it('rejects a batch holding an invalid record before writing any of it', async () => {
      const e = await rejection(get().writeBatch({
        opportunities: [opportunity({ id: 'o-1' })],
        windows: [{ ...window(), signals: -1 }],
      }));
      expect(e.code).toBe('STORE_INVALID_RECORD');
      expect(e.message).toContain('batch.windows[0]');
      expect((await get().listOpportunities()).items).toEqual([]);
    });
  });

  describe('retention', () => {
    it('deletes only rows past their horizon and reports counts', async () => {
      const now = T0 + 400 * DAY;
      await get().insertOpportunities([
        opportunity({ id: 'o-old', ts_ms: now - 31 * DAY }),
        opportunity({ id: 'o-new', ts_ms: now - 29 * DAY }),
      ]);
      for (const t of [
        trade({ trade_key: 't-old-done', state: 'verified', created_ts_ms: now - 100 * DAY, updated_ts_ms: now - 91 * DAY }),
        trade({ trade_key: 't-old-open', state: 'unknown', created_ts_ms: now - 100 * DAY, updated_ts_ms: now - 91 * DAY }),
        trade({ trade_key: 't-recent', state: 'hedged', created_ts_ms: now - 100 * DAY, updated_ts_ms: now - 89 * DAY }),
      ]) await get().insertTradeIntent(t);
      await get().upsertWindows([
        window({ window_id: 'w-old', state: 'closed', opened_ts_ms: now - 367 * DAY, closed_ts_ms: now - 366 * DAY }),
        window({ window_id: 'w-new', state: 'closed', opened_ts_ms: now - 365 * DAY, closed_ts_ms: now - 364 * DAY }),
        window({ window_id: 'w-open', state: 'open', opened_ts_ms: now - 399 * DAY }),
      ]);
      await get().insertInventorySnapshots([inventory({ ts_ms: now - 8 * DAY }), inventory({ ts_ms: now - 6 * DAY })]);

      const counts = await get().retention({ now_ms: now, trades_days: 90, opportunities_days: 30, windows_days: 365, inventory_days: 7 });
      expect(counts).toEqual({ trades: 1, opportunities: 1, windows: 1, inventory_snapshots: 1 });
      expect((await get().listOpportunities()).items.map((o) => o.id)).toEqual(['o-new']);
      expect((await get().listTrades()).items.map((t) => t.trade_key).sort()).toEqual(['t-old-open', 't-recent']);
      expect((await get().listWindows()).items.map((w) => w.window_id).sort()).toEqual(['w-new', 'w-open']);
      expect((await get().latestInventory()).map((s) => s.ts_ms)).toEqual([now - 6 * DAY]);

      // Defaults are DESIGN §7's horizons; a second pass has nothing left to do.
      expect(await get().retention({ now_ms: now })).toEqual({ trades: 0, opportunities: 0, windows: 0, inventory_snapshots: 0 });
      expect((await get().retention({ now_ms: now, opportunities_days: 1 })).opportunities).toBe(1);
    });

    it('refuses a zero or negative horizon', async () => {
      expect((await rejection(get().retention({ now_ms: T0, trades_days: 0 }))).code).toBe('STORE_INVALID_QUERY');
    });
  });
}
