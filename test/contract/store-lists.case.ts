import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/shared/clock.ts';
import type { Store } from '../../src/shared/store/port.ts';
import { DIRECTIONS, TRADE_STATES, type Opportunity, type TradeRecord } from '../../src/shared/store/records.ts';
import { T0, allPages, newestFirst, opportunity, rejection, trade, window } from './store-factories.ts';

const byOppOrder = (rows: readonly Opportunity[]) => newestFirst(rows, (o) => o.ts_ms, (o) => o.id);
const byTradeOrder = (rows: readonly TradeRecord[]) => newestFirst(rows, (t) => t.created_ts_ms, (t) => t.trade_key);

/** A spread of opportunities: timestamps drawn from few values so many share a millisecond. */
function opportunities(n: number, seed: number, prefix = 'o'): Opportunity[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  return Array.from({ length: n }, (_, i) =>
    opportunity({
      id: `${prefix}-${String(i).padStart(4, '0')}`,
      ts_ms: T0 + Math.floor(rnd() * 40) * 1_000,
      asset: pick(['SOL', 'ETH']),
      cex_venue: pick(['coinbase', 'gemini', 'bitstamp']),
      dex_route: pick(['orca:64', 'raydium:cpmm']),
      direction: pick(DIRECTIONS),
      traded: rnd() < 0.3,
    }),
  );
}

/** Filters, keyset pagination, and cursor validation, checked against an in-memory model. */
export function listCases(get: () => Store): void {
  describe('opportunity filters', () => {
    it('each filter (and a combination) returns exactly the matching rows, newest first', async () => {
      const rows = opportunities(120, 7);
      await get().insertOpportunities(rows);
      const cases: Array<[Parameters<Store['listOpportunities']>[0], (o: Opportunity) => boolean]> = [
        [{ asset: 'ETH' }, (o) => o.asset === 'ETH'],
        [{ cex_venue: 'gemini' }, (o) => o.cex_venue === 'gemini'],
        [{ dex_route: 'raydium:cpmm' }, (o) => o.dex_route === 'raydium:cpmm'],
        [{ direction: 'buy_dex_sell_cex' }, (o) => o.direction === 'buy_dex_sell_cex'],
        [{ traded: true }, (o) => o.traded],
        [{ traded: false }, (o) => !o.traded],
        [{ from_ms: T0 + 10_000, to_ms: T0 + 20_000 }, (o) => o.ts_ms >= T0 + 10_000 && o.ts_ms < T0 + 20_000],
        [{ asset: 'SOL', cex_venue: 'coinbase', from_ms: T0 + 5_000 }, (o) => o.asset === 'SOL' && o.cex_venue === 'coinbase' && o.ts_ms >= T0 + 5_000],
      ];
      for (const [q, pred] of cases) {
        const expected = byOppOrder(rows.filter(pred));
        expect(expected.length, JSON.stringify(q)).toBeGreaterThan(0);
        const got = (await get().listOpportunities({ ...q, limit: 1000 })).items;
        expect(got.map((o) => o.id), JSON.stringify(q)).toEqual(expected.map((o) => o.id));
      }
    });
  });

  describe('trade and window filters', () => {
    it('filters trades by state (one or several), asset, venue, direction, window and time', async () => {
      const rnd = seededRandom(11);
      const rows = Array.from({ length: 60 }, (_, i) =>
        trade({
          trade_key: `k-${String(i).padStart(3, '0')}`,
          state: TRADE_STATES[i % TRADE_STATES.length],
          asset: i % 3 === 0 ? 'ETH' : 'SOL',
          cex_venue: i % 2 === 0 ? 'coinbase' : 'gemini',
          direction: DIRECTIONS[i % 2],
          window_id: `w-${i % 4}`,
          created_ts_ms: T0 + Math.floor(rnd() * 10) * 1_000,
        }),
      );
      for (const t of rows) await get().insertTradeIntent(t);
      const cases: Array<[Parameters<Store['listTrades']>[0], (t: TradeRecord) => boolean]> = [
        [{ state: 'unknown' }, (t) => t.state === 'unknown'],
        [{ state: ['unhedged', 'hedging', 'partial'] }, (t) => ['unhedged', 'hedging', 'partial'].includes(t.state)],
        [{ asset: 'ETH', cex_venue: 'coinbase' }, (t) => t.asset === 'ETH' && t.cex_venue === 'coinbase'],
        [{ direction: 'buy_dex_sell_cex', window_id: 'w-1' }, (t) => t.direction === 'buy_dex_sell_cex' && t.window_id === 'w-1'],
        [{ from_ms: T0 + 3_000, to_ms: T0 + 6_000 }, (t) => t.created_ts_ms >= T0 + 3_000 && t.created_ts_ms < T0 + 6_000],
      ];
      for (const [q, pred] of cases) {
        const expected = byTradeOrder(rows.filter(pred));
        expect(expected.length, JSON.stringify(q)).toBeGreaterThan(0);
        const got = (await get().listTrades({ ...q, limit: 1000 })).items;
        expect(got.map((t) => t.trade_key), JSON.stringify(q)).toEqual(expected.map((t) => t.trade_key));
      }
    });

    it('filters windows by state, asset, venue and time', async () => {
      await get().upsertWindows([
        window({ window_id: 'w-a', opened_ts_ms: T0 + 1 }),
        window({ window_id: 'w-b', opened_ts_ms: T0 + 2, state: 'closed', closed_ts_ms: T0 + 9 }),
        window({ window_id: 'w-c', opened_ts_ms: T0 + 3, asset: 'ETH', cex_venue: 'gemini' }),
      ]);
      const ids = async (q: Parameters<Store['listWindows']>[0]) => (await get().listWindows(q)).items.map((w) => w.window_id);
      expect(await ids({ state: 'open' })).toEqual(['w-c', 'w-a']);
      expect(await ids({ asset: 'SOL' })).toEqual(['w-b', 'w-a']);
      expect(await ids({ cex_venue: 'gemini' })).toEqual(['w-c']);
      expect(await ids({ from_ms: T0 + 2, to_ms: T0 + 3 })).toEqual(['w-b']);
    });
  });

  describe('cursor pagination', () => {
    it('walks every row exactly once, newest first, with no empty last page', async () => {
      const rows = opportunities(137, 3);
      await get().insertOpportunities(rows);
      const pages = await allPages((cursor) => get().listOpportunities({ limit: 10, cursor }));
      expect(pages.map((p) => p.length)).toEqual([...Array(13).fill(10), 7]);
      expect(pages.flat().map((o) => o.id)).toEqual(byOppOrder(rows).map((o) => o.id));
    });

    it('ends with next_cursor null when the total is an exact multiple of the page size', async () => {
      await get().insertOpportunities(opportunities(20, 5));
      const pages = await allPages((cursor) => get().listOpportunities({ limit: 10, cursor }));
      expect(pages.map((p) => p.length)).toEqual([10, 10]);
    });

    it('keeps filters across pages', async () => {
      const rows = opportunities(90, 9);
      await get().insertOpportunities(rows);
      const pages = await allPages((cursor) => get().listOpportunities({ asset: 'SOL', traded: false, limit: 4, cursor }));
      const expected = byOppOrder(rows.filter((o) => o.asset === 'SOL' && !o.traded));
      expect(pages.flat().map((o) => o.id)).toEqual(expected.map((o) => o.id));
    });

    it('is stable under concurrent inserts: no duplicates, no gaps, newer rows never leak into older pages', async () => {
      const rows = opportunities(60, 13);
      await get().insertOpportunities(rows);
      const seen: Opportunity[] = [];
      let cursor: string | undefined;
      let round = 0;
      do {
        const page = await get().listOpportunities({ limit: 7, cursor });
        seen.push(...page.items);
        cursor = page.next_cursor ?? undefined;
        // Between pages: rows newer than everything (the live feed) and rows at the very same
        // timestamps as the page boundary.
        await get().insertOpportunities([
          opportunity({ id: `new-${round}`, ts_ms: T0 + 1_000_000 + round }),
          opportunity({ id: `zzz-late-${round}`, ts_ms: T0 + 1_000_000 + round }),
        ]);
        round++;
      } while (cursor !== undefined);
      const ids = seen.map((o) => o.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.slice(0, 7).some((id) => id.startsWith('new-'))).toBe(false);
      expect(ids).toEqual(byOppOrder(rows).map((o) => o.id));
    });

    it('matches the model for any data and page size (property)', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 0, maxLength: 40 }),
          fc.integer({ min: 1, max: 9 }),
          async (offsets, limit) => {
            const asset = `P${run++}`;
            const rows = offsets.map((off, i) => opportunity({ id: `${asset}-${i}`, asset, ts_ms: T0 + off }));
            if (rows.length > 0) await get().insertOpportunities(rows);
            const pages = await allPages((cursor) => get().listOpportunities({ asset, limit, cursor }));
            expect(pages.flat().map((o) => o.id)).toEqual(byOppOrder(rows).map((o) => o.id));
            for (const p of pages.slice(0, -1)) expect(p).toHaveLength(limit);
          },
        ),
        { numRuns: 25, seed: 42 },
      );
    });

    it('pages trades, windows, audit and incidents the same way', async () => {
      for (let i = 0; i < 9; i++) {
        await get().insertTradeIntent(trade({ trade_key: `k-${i}`, created_ts_ms: T0 + (i % 3) }));
        await get().appendAudit({ ts_ms: T0 + (i % 2), actor: 'a', action: `x${i}`, target: 't', before: null, after: null });
        await get().insertIncident({ id: `i-${i}`, ts_ms: T0 + (i % 4), kind: 'k', reason: 'r', actor: 'a', timeline: [], resolved_ts_ms: null });
      }
      await get().upsertWindows(Array.from({ length: 9 }, (_, i) => window({ window_id: `w-${i}`, opened_ts_ms: T0 + (i % 2) })));
      const walk = async <T>(f: (c: string | undefined) => Promise<{ items: T[]; next_cursor: string | null }>) => (await allPages(f)).flat();
      const full = async <T>(f: () => Promise<{ items: T[] }>) => (await f()).items;
      expect(await walk((cursor) => get().listTrades({ limit: 2, cursor }))).toEqual(await full(() => get().listTrades()));
      expect(await walk((cursor) => get().listWindows({ limit: 2, cursor }))).toEqual(await full(() => get().listWindows()));
      expect(await walk((cursor) => get().listAudit({ limit: 2, cursor }))).toEqual(await full(() => get().listAudit()));
      expect(await walk((cursor) => get().listIncidents({ limit: 2, cursor }))).toEqual(await full(() => get().listIncidents()));
      expect(await full(() => get().listTrades())).toHaveLength(9);
      const trades = await full(() => get().listTrades());
      expect(trades.map((t) => t.trade_key)).toEqual(byTradeOrder(trades).map((t) => t.trade_key));
    });

    it('refuses a garbage cursor, a cursor from another list, and an out-of-range limit', async () => {
      await get().insertOpportunities(opportunities(5, 1));
      for (let i = 0; i < 3; i++) await get().insertTradeIntent(trade({ trade_key: `k-${i}` }));
      const tradeCursor = (await get().listTrades({ limit: 1 })).next_cursor;
      expect(tradeCursor).not.toBeNull();
      expect((await rejection(get().listOpportunities({ cursor: tradeCursor ?? '' }))).code).toBe('STORE_BAD_CURSOR');
      expect((await rejection(get().listOpportunities({ cursor: 'not a cursor!' }))).code).toBe('STORE_BAD_CURSOR');
      expect((await rejection(get().listOpportunities({ cursor: Buffer.from('{"v":1,"l":"opportunities","t":"x","k":""}').toString('base64url') }))).code).toBe('STORE_BAD_CURSOR');
      expect((await rejection(get().listOpportunities({ limit: 0 }))).code).toBe('STORE_INVALID_QUERY');
      expect((await rejection(get().listOpportunities({ limit: 1001 }))).code).toBe('STORE_INVALID_QUERY');
    });
  });
}
