import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/shared/store/port.ts';
import { T0, audit, incident, inventory, opportunity, rejection, window } from './store-factories.ts';

/** Round trip of every record kind except trades (store-trades.case.ts). */
export function recordCases(get: () => Store): void {
  describe('opportunities', () => {
    it('round-trips every field and lists newest first', async () => {
      const a = opportunity({ id: 'o-a', ts_ms: T0 });
      const b = opportunity({ id: 'o-b', ts_ms: T0 + 5, window_id: null, traded: true, reason_not_traded: null, direction: 'buy_dex_sell_cex', net_edge_bps: -3.5 });
      expect(await get().insertOpportunities([a, b])).toBe(2);
      const page = await get().listOpportunities();
      expect(page.items).toEqual([b, a]);
      expect(page.next_cursor).toBeNull();
    });

    it('is idempotent on id (a retried batch does not double-count)', async () => {
      await get().insertOpportunities([opportunity({ id: 'o-1' }), opportunity({ id: 'o-2' })]);
      expect(await get().insertOpportunities([opportunity({ id: 'o-1', net_edge_bps: 99 }), opportunity({ id: 'o-3' })])).toBe(1);
      const items = (await get().listOpportunities()).items;
      expect(items.map((o) => o.id).sort()).toEqual(['o-1', 'o-2', 'o-3']);
      expect(items.find((o) => o.id === 'o-1')?.net_edge_bps).toBe(21.3);
    });

    it('rejects an invalid record and writes nothing of its batch', async () => {
      const bad = { ...opportunity({ id: 'o-bad' }), net_edge_bps: Number.NaN };
      const e = await rejection(get().insertOpportunities([opportunity({ id: 'o-good' }), bad]));
      expect(e.code).toBe('STORE_INVALID_RECORD');
      expect(e.message).toContain('opportunity[1]');
      expect((await get().listOpportunities()).items).toEqual([]);
    });
  });

  describe('windows', () => {
    it('round-trips, updates in place by window_id', async () => {
      const w = window();
      await get().upsertWindows([w]);
      expect((await get().listWindows()).items).toEqual([w]);
      const closed = { ...w, state: 'closed' as const, closed_ts_ms: T0 + 9_000, signals: 12, reason_not_traded: 'inventory' };
      await get().upsertWindows([closed]);
      expect((await get().listWindows()).items).toEqual([closed]);
    });

    it('openWindowsFor returns only the open windows of that asset, oldest first', async () => {
      await get().upsertWindows([
        window({ window_id: 'w-sol-2', opened_ts_ms: T0 + 20 }),
        window({ window_id: 'w-sol-1', opened_ts_ms: T0 + 10, direction: 'buy_dex_sell_cex' }),
        window({ window_id: 'w-sol-closed', opened_ts_ms: T0, state: 'closed', closed_ts_ms: T0 + 5 }),
        window({ window_id: 'w-eth', asset: 'ETH', opened_ts_ms: T0 }),
      ]);
      const open = await get().openWindowsFor('SOL');
      expect(open.map((w) => w.window_id)).toEqual(['w-sol-1', 'w-sol-2']);
      expect(open[0]).toEqual(window({ window_id: 'w-sol-1', opened_ts_ms: T0 + 10, direction: 'buy_dex_sell_cex' }));
      expect(await get().openWindowsFor('BTC')).toEqual([]);
    });
  });

  describe('configs', () => {
    it('assigns versions per asset and returns latest, a given version, and the history', async () => {
      const v1 = await get().putConfig({ asset: 'SOL', format: 'yaml', body: 'profit_threshold_pct_hot: 0.2\n', ts_ms: T0, author: 'alice' });
      const v2 = await get().putConfig({ asset: 'SOL', format: 'json', body: '{"profit_threshold_pct_hot":0.25}', ts_ms: T0 + 1, author: 'bob' });
      const e1 = await get().putConfig({ asset: 'ETH', format: 'yaml', body: 'x: 1\n', ts_ms: T0 + 2, author: 'alice' });
      expect([v1.version, v2.version, e1.version]).toEqual([1, 2, 1]);
      expect(await get().getConfig('SOL')).toEqual(v2);
      expect(await get().getConfig('SOL', 1)).toEqual(v1);
      expect(await get().getConfig('SOL', 3)).toBeNull();
      expect(await get().getConfig('BTC')).toBeNull();
      expect(await get().listConfigVersions('SOL')).toEqual([v2, v1]);
    });
  });

  describe('inventory snapshots', () => {
    it('latestInventory keeps the newest snapshot per (venue, asset), even against a late older one', async () => {
      await get().insertInventorySnapshots([
        inventory({ ts_ms: T0, venue: 'coinbase', asset: 'SOL', free: 10 }),
        inventory({ ts_ms: T0 + 10, venue: 'coinbase', asset: 'SOL', free: 11 }),
        inventory({ ts_ms: T0 + 5, venue: 'coinbase', asset: 'USDC', free: 5_000 }),
        inventory({ ts_ms: T0, venue: 'gemini', asset: 'SOL', free: 3 }),
      ]);
      await get().insertInventorySnapshots([inventory({ ts_ms: T0 - 100, venue: 'coinbase', asset: 'SOL', free: 1 })]);
      expect(await get().latestInventory()).toEqual([
        inventory({ ts_ms: T0 + 10, venue: 'coinbase', asset: 'SOL', free: 11 }),
        inventory({ ts_ms: T0 + 5, venue: 'coinbase', asset: 'USDC', free: 5_000 }),
        inventory({ ts_ms: T0, venue: 'gemini', asset: 'SOL', free: 3 }),
      ]);
      expect((await get().latestInventory({ asset: 'SOL' })).map((s) => s.venue)).toEqual(['coinbase', 'gemini']);
      expect((await get().latestInventory({ venue: 'gemini' })).map((s) => s.free)).toEqual([3]);
    });
  });

  describe('audit log', () => {
    it('appends with a store-assigned id and lists the entry back with its JSON intact', async () => {
      const a = await get().appendAudit(audit());
      const b = await get().appendAudit(audit({ ts_ms: T0 + 1, actor: 'operator:bob', action: 'control.pause', target: 'asset/SOL', before: null, after: { paused: true } }));
      expect(a.id).not.toBe(b.id);
      expect(a).toEqual({ id: a.id, ...audit() });
      expect((await get().listAudit()).items).toEqual([b, a]);
      expect((await get().listAudit({ actor: 'operator:alice' })).items).toEqual([a]);
    });

    it('lists same-millisecond entries newest first in append order', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await get().appendAudit(audit({ action: `a${i}` }))).id);
      expect((await get().listAudit()).items.map((e) => e.id)).toEqual(ids.reverse());
    });
  });

  describe('incidents', () => {
    it('inserts, appends to the timeline, resolves, and filters open ones', async () => {
      await get().insertIncident(incident());
      await get().insertIncident(incident({ id: 'inc-2', ts_ms: T0 + 1, kind: 'restart_escalation', timeline: [] }));
      const step = { ts_ms: T0 + 60_000, actor: 'operator:alice', event: 'resume_requested', note: null };
      const updated = await get().updateIncident('inc-1', { append_timeline: [step] });
      expect(updated.timeline).toEqual([...incident().timeline, step]);
      const resolved = await get().updateIncident('inc-1', { resolved_ts_ms: T0 + 120_000, reason: 'cleared by alice' });
      expect(resolved).toEqual({ ...incident(), timeline: [...incident().timeline, step], resolved_ts_ms: T0 + 120_000, reason: 'cleared by alice' });
      expect(await get().getIncident('inc-1')).toEqual(resolved);
      expect((await get().listIncidents({ open_only: true })).items.map((i) => i.id)).toEqual(['inc-2']);
      expect((await get().listIncidents()).items.map((i) => i.id)).toEqual(['inc-2', 'inc-1']);
      expect((await get().listIncidents({ kind: 'kill_switch' })).items.map((i) => i.id)).toEqual(['inc-1']);
      expect(await get().getIncident('nope')).toBeNull();
    });

    it('refuses a duplicate incident id and an update of an unknown one', async () => {
      await get().insertIncident(incident());
      expect((await rejection(get().insertIncident(incident({ reason: 'other' })))).code).toBe('STORE_CONFLICT');
      expect((await rejection(get().updateIncident('nope', { reason: 'x' }))).code).toBe('STORE_NOT_FOUND');
      expect((await get().getIncident('inc-1'))?.reason).toBe(incident().reason);
    });
  });

  describe('lifecycle', () => {
    it('fails with STORE_CLOSED after close, and close is idempotent', async () => {
      const s = get();
      await s.close();
      await s.close();
      expect((await rejection(s.getTrade('k'))).code).toBe('STORE_CLOSED');
      expect((await rejection(s.listOpportunities())).code).toBe('STORE_CLOSED');
    });
  });
}
