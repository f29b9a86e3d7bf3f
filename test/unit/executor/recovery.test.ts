import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverTrades } from '../../../src/actors/executor/recovery.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { clientOrderId } from '../../../src/shared/ids.ts';
import { createLogger } from '../../../src/shared/log.ts';
import { openStore, type Store, type TradeRecord } from '../../../src/shared/store/index.ts';
import { FakeLeg } from '../../helpers/fake-leg.ts';

let store: Store;
beforeEach(async () => {
  store = await openStore({ kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'cambist-recover-')) });
});
afterEach(async () => store.close());

const leg = (venue: string, side: 'buy' | 'sell', extra: Partial<TradeRecord['legs'][number]> = {}) => ({
  venue, side, client_order_id: `${venue}-coid`, price_cap: 100.1, size_base: 2, filled_size_base: 0, avg_price: null, fee_quote: null,
  status: 'pending' as const, order_id: null, signature: null, sent_us: null, ack_us: null, filled_us: null, ...extra,
});

async function intent(key: string, state: TradeRecord['state'], createdMs = 1): Promise<void> {
  await store.insertTradeIntent({
    trade_key: key, asset: 'SOL', cex_venue: 'coinbase', dex_route: 'whirlpool#0', direction: 'buy_cex_sell_dex', window_id: '1', attempt: 1, state,
    legs: [leg('coinbase', 'buy'), leg('whirlpool#0', 'sell', { signature: 'sig-1' })], predicted_pnl_quote: 4, realised_pnl_quote: null, reason: null,
    tick_recv_us: 1, decided_us: 2, created_ts_ms: createdMs, updated_ts_ms: createdMs,
  });
}

const run = (cex: FakeLeg, dex: FakeLeg, hedge?: { maxLossPct: number; attempts: number }) =>
  recoverTrades({
    store, asset: 'SOL', cexByVenue: new Map([['coinbase', cex]]), dexByRoute: new Map([['whirlpool#0', dex]]), clock: new ManualClock(0, 1_800_000_000_000), log: createLogger({ level: 'silent' }),
    ...(hedge ? { hedge } : {}),
  });

describe('executor recovery after a restart', () => {
  it('settles open trades from the venues records and never re-sends', async () => {
    await intent('k-filled', 'submitted');
    await intent('k-nothing', 'intent');
    const cex = new FakeLeg('coinbase', () => ({ status: 'filled' }), (r) => (r.tradeKey === 'k-filled' ? { status: 'filled' } : { status: 'no_fill' }));
    const dex = new FakeLeg('whirlpool#0', () => ({ status: 'filled' }), (r) => (r.tradeKey === 'k-filled' ? { status: 'filled' } : { status: 'no_fill' }));
    const rec = await run(cex, dex);
    expect(rec.map((r) => [r.key, r.state]).sort()).toEqual([['k-filled', 'verified'], ['k-nothing', 'rejected']]);
    expect([cex.verifies, dex.verifies]).toEqual([1, 1]);
    expect(cex.submits).toHaveLength(0);
    expect(dex.submits).toHaveLength(0);
    expect((await store.getTrade('k-filled'))!.legs[0]!.filled_size_base).toBe(2);
  });

  it('reports a one-legged trade unhedged with its exposure, and an unsettled one unknown', async () => {
    await intent('k-one-leg', 'submitted');
    await intent('k-unknown', 'reconciling');
    const cex = new FakeLeg('coinbase', () => ({ status: 'filled' }), (r) => (r.tradeKey === 'k-one-leg' ? { status: 'filled' } : { status: 'unknown' }));
    const dex = new FakeLeg('whirlpool#0', () => ({ status: 'filled' }), () => ({ status: 'no_fill' }));
    const rec = await run(cex, dex);
    const byKey = Object.fromEntries(rec.map((r) => [r.key, r]));
    expect(byKey['k-one-leg']).toMatchObject({ state: 'unhedged', unhedgedQuote: 200 });
    expect(byKey['k-unknown']!.state).toBe('unknown');
    expect((await store.getTrade('k-unknown'))!.reason).toMatch(/still unknown/);
  });

  it('hedges a one-legged trade on its CEX, with the hedge written before it is sent', async () => {
    await intent('k-one-leg', 'submitted');
    // The CEX bought 2 SOL; the pool sale never landed: recovery must sell 2 back on coinbase.
    const cex = new FakeLeg('coinbase', () => ({ status: 'filled' }), () => ({ status: 'filled' }));
    const dex = new FakeLeg('whirlpool#0', () => ({ status: 'filled' }), () => ({ status: 'no_fill' }));
    const rec = await run(cex, dex, { maxLossPct: 1, attempts: 2 });
    expect(rec[0]).toMatchObject({ key: 'k-one-leg', state: 'hedged', unhedgedQuote: 0 });
    expect(cex.submits).toHaveLength(1);
    expect(cex.submits[0]).toMatchObject({ side: 'sell', sizeBase: 2, clientOrderId: clientOrderId('k-one-leg', 'hedge', 0) });
    expect(cex.submits[0]!.priceCap).toBeCloseTo(99, 9); // the CEX fill price (100) less 1 %
    expect(dex.submits).toHaveLength(0);
    const t = (await store.getTrade('k-one-leg'))!;
    expect(t.state).toBe('hedged');
    expect(t.legs[2]).toMatchObject({ side: 'sell', status: 'filled', filled_size_base: 2, client_order_id: clientOrderId('k-one-leg', 'hedge', 0) });
  });

  it('looks up a hedge a crash left unanswered by its client order id instead of sending another', async () => {
    const coid = clientOrderId('k-hedging', 'hedge', 0);
    await store.insertTradeIntent({
      trade_key: 'k-hedging', asset: 'SOL', cex_venue: 'coinbase', dex_route: 'whirlpool#0', direction: 'buy_cex_sell_dex', window_id: '1', attempt: 1, state: 'hedging',
      legs: [leg('coinbase', 'buy'), leg('whirlpool#0', 'sell', { signature: 'sig-1' }), leg('coinbase', 'sell', { client_order_id: coid, price_cap: 99 })],
      predicted_pnl_quote: 4, realised_pnl_quote: null, reason: null, tick_recv_us: 1, decided_us: 2, created_ts_ms: 1, updated_ts_ms: 1,
    });
    const seen: string[] = [];
    const cex = new FakeLeg('coinbase', () => ({ status: 'filled' }), (r) => (seen.push(r.clientOrderId), { status: 'filled' }));
    const dex = new FakeLeg('whirlpool#0', () => ({ status: 'filled' }), () => ({ status: 'no_fill' }));
    const rec = await run(cex, dex, { maxLossPct: 1, attempts: 2 });
    expect(rec[0]!.state).toBe('hedged');
    expect(seen).toContain(coid);
    expect(cex.submits).toHaveLength(0);
  });

  it('unwinds on the pool a trade whose pool leg filled and CEX leg did not', async () => {
    await intent('k-pool-only', 'submitted');
    const cex = new FakeLeg('coinbase', () => ({ status: 'filled' }), () => ({ status: 'no_fill' }));
    const dex = new FakeLeg('whirlpool#0', () => ({ status: 'filled' }), () => ({ status: 'filled' }), 104);
    const rec = await run(cex, dex, { maxLossPct: 1, attempts: 2 });
    expect(rec[0]!.state).toBe('hedged');
    expect(cex.submits).toHaveLength(0);
    expect(dex.submits).toEqual([expect.objectContaining({ side: 'buy', sizeBase: 2, tradeKey: 'k-pool-only|unwind' })]);
    const legs = (await store.getTrade('k-pool-only'))!.legs;
    expect(legs[2]).toMatchObject({ venue: 'whirlpool#0', side: 'buy', status: 'filled' });
    expect(legs[2]!.signature).toBeTruthy();
  });
  it('a trade whose verification could not read the venue stays filled, and a later pass verifies it from its stored legs', async () => {
    await intent('k-unread', 'submitted', 1_800_000_000_000 - 60_000);
    await intent('k-old', 'filled', 1_800_000_000_000 - 2 * 86_400_000);
    await store.updateTrade('k-old', { reason: 'verification could not read the venue records (coinbase: 503)', updated_ts_ms: 2 });
    class Unreadable extends FakeLeg {
      down = true;
      override async verify(r: Parameters<FakeLeg['verify']>[0], res: Parameters<FakeLeg['verify']>[1]) {
        if (this.down) throw new Error('HTTP 503 on historical fills');
        return super.verify(r, res);
      }
    }
    const cex = new Unreadable('coinbase', () => ({ status: 'filled' }), () => ({ status: 'filled' }));
    const dex = new FakeLeg('whirlpool#0', () => ({ status: 'filled' }), () => ({ status: 'filled' }));
    // Restart with the fills endpoint down: settled from the order lookups, not verified, no throw.
    expect((await run(cex, dex)).map((r) => r.state)).toEqual(['filled']);
    const t = (await store.getTrade('k-unread'))!;
    expect(t.reason).toMatch(/^after restart: verification could not read the venue records \(coinbase: HTTP 503/);
    expect(t.legs[0]).toMatchObject({ status: 'filled', filled_size_base: 2 });
    // Still down: left as it is, nothing looked up again (reconcile counts stay).
    const before = [cex.reconciles, dex.reconciles];
    expect((await run(cex, dex)).map((r) => [r.state, r.reverified])).toEqual([['filled', true]]);
    expect([cex.reconciles, dex.reconciles]).toEqual(before);
    // Back: verified from the stored legs; nothing reconciled, nothing sent.
    cex.down = false;
    expect((await run(cex, dex)).map((r) => r.state)).toEqual(['verified']);
    expect((await store.getTrade('k-unread'))!).toMatchObject({ state: 'verified', reason: expect.stringMatching(/verified on a later pass/) });
    expect([cex.reconciles, dex.reconciles]).toEqual(before);
    expect([cex.submits.length, dex.submits.length]).toEqual([0, 0]);
    // A verified trade is never picked up again, nor an unreadable one more than a day old.
    expect(await run(cex, dex)).toEqual([]);
    expect((await store.getTrade('k-old'))!.state).toBe('filled');
  });
});
