import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverTrades } from '../../../src/actors/executor/recovery.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
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

async function intent(key: string, state: TradeRecord['state']): Promise<void> {
  await store.insertTradeIntent({
    trade_key: key, asset: 'SOL', cex_venue: 'coinbase', dex_route: 'whirlpool#0', direction: 'buy_cex_sell_dex', window_id: '1', attempt: 1, state,
    legs: [leg('coinbase', 'buy'), leg('whirlpool#0', 'sell', { signature: 'sig-1' })], predicted_pnl_quote: 4, realised_pnl_quote: null, reason: null,
    tick_recv_us: 1, decided_us: 2, created_ts_ms: 1, updated_ts_ms: 1,
  });
}

const run = (cex: FakeLeg, dex: FakeLeg) =>
  recoverTrades({ store, asset: 'SOL', cexByVenue: new Map([['coinbase', cex]]), dexByRoute: new Map([['whirlpool#0', dex]]), clock: new ManualClock(0, 1_800_000_000_000), log: createLogger({ level: 'silent' }) });

describe('executor recovery after a restart', () => {
  it('settles open trades from the venues records and never re-sends', async () => {
    await intent('k-filled', 'submitted');
    await intent('k-nothing', 'intent');
    const cex = new FakeLeg('coinbase', () => ({ status: 'filled' }), (r) => (r.tradeKey === 'k-filled' ? { status: 'filled' } : { status: 'no_fill' }));
    const dex = new FakeLeg('whirlpool#0', () => ({ status: 'filled' }), (r) => (r.tradeKey === 'k-filled' ? { status: 'filled' } : { status: 'no_fill' }));
    const rec = await run(cex, dex);
    expect(rec.map((r) => [r.key, r.state]).sort()).toEqual([['k-filled', 'filled'], ['k-nothing', 'rejected']]);
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
});
