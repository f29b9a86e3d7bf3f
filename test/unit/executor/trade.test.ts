import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Reliability } from '../../../src/actors/executor/legs.ts';
import { runTrade, type TradeDeps, type TradePlan } from '../../../src/actors/executor/trade.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { createLogger } from '../../../src/shared/log.ts';
import { openStore, type Store } from '../../../src/shared/store/index.ts';
import { FakeLeg } from '../../helpers/fake-leg.ts';

const plan = (over: Partial<TradePlan> = {}): TradePlan => ({
  key: 'SOL:coinbase:0:bc:1:1', asset: 'SOL', cexVenue: 'coinbase', dexRoute: 'whirlpool#0', direction: 'buy_cex_sell_dex',
  windowId: 1, attempt: 1, sizeBase: 2, cexRefPrice: 100, cexPriceCap: 100.1, dexExpectedQuote: 208, dexLimitQuote: 206.4,
  predictedPnl: 5, usdPerDexQuote: 1, tickRecvUs: 10, decidedUs: 20, ...over,
});

let store: Store;
beforeEach(async () => {
  store = await openStore({ kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'cambist-trade-')) });
});
afterEach(async () => store.close());

function deps(cex: FakeLeg, dex: FakeLeg): TradeDeps {
  return {
    store, cex, dex, clock: new ManualClock(0, 1_800_000_000_000), log: createLogger({ level: 'silent' }), reliability: new Reliability(),
    hedge: { maxLossPct: 1, attempts: 2 }, reconcile: { attempts: 3, everyMs: 1 }, sleep: async () => undefined,
  };
}

describe('trade state machine', () => {
  it('fills both legs, verifies them from venue records, and books realised PnL', async () => {
    const cex = new FakeLeg('coinbase', () => ({ status: 'filled', avgPrice: 100 }), undefined, 100);
    const dex = new FakeLeg('whirlpool#0', () => ({ status: 'filled', avgPrice: 104, feeQuote: 0.01 }), undefined, 104);
    const out = await runTrade(plan(), deps(cex, dex));
    expect(out.state).toBe('verified');
    expect([cex.verifies, dex.verifies]).toEqual([1, 1]);
    expect(cex.submits[0]).toMatchObject({ side: 'buy', sizeBase: 2, priceCap: 100.1 });
    expect(dex.submits[0]).toMatchObject({ side: 'sell', sizeBase: 2, limitQuote: 206.4 });
    // sold 2 @ 104 − 0.01 fee; bought 2 @ 100 + 0.2 fee
    expect(out.realisedPnl).toBeCloseTo(208 - 0.01 - 200 - 0.2, 9);
    const row = await store.getTrade(plan().key);
    expect(row).toMatchObject({ state: 'verified', realised_pnl_quote: out.realisedPnl });
    expect(row!.legs[1]!.signature).toMatch(/^whirlpool#0:/);
  });

  it('states realised PnL in USD: pool flows in USDC are converted at the basis the decision used', async () => {
    // USDC at 0.997 USD (a 30 bps discount): the pool sale's 208 − 0.01 USDC is worth 207.36 USD.
    const cex = new FakeLeg('coinbase', () => ({ status: 'filled', avgPrice: 100 }), undefined, 100);
    const dex = new FakeLeg('whirlpool#0', () => ({ status: 'filled', avgPrice: 104, feeQuote: 0.01 }), undefined, 104);
    const out = await runTrade(plan({ usdPerDexQuote: 0.997 }), deps(cex, dex));
    expect(out.realisedPnl).toBeCloseTo((208 - 0.01) * 0.997 - 200 - 0.2, 9);
    const legs = (await store.getTrade(plan().key))!.legs;
    expect(legs[1]!.usd_per_quote).toBe(0.997); // the pool leg keeps its own currency and the rate
    expect(legs[1]!.avg_price).toBe(104);
    expect(legs[0]!.usd_per_quote).toBeUndefined();
  });

  it('converts a pool unwind at the same basis', async () => {
    const cex = new FakeLeg('coinbase', () => ({ status: 'no_fill' }));
    let n = 0;
    const dex = new FakeLeg('whirlpool#0', () => (++n === 1 ? { status: 'filled', avgPrice: 104, feeQuote: 0 } : { status: 'filled', avgPrice: 104.1, feeQuote: 0 }), undefined, 104);
    const out = await runTrade(plan({ usdPerDexQuote: 1.002 }), deps(cex, dex));
    expect(out.state).toBe('hedged');
    expect(out.realisedPnl).toBeCloseTo((208 - 208.2) * 1.002, 9);
    expect((await store.getTrade(plan().key))!.legs[2]).toMatchObject({ venue: 'whirlpool#0', usd_per_quote: 1.002 });
  });

  it('a verification read that keeps failing leaves the trade filled with the reason, and does not throw', async () => {
    class FlakyVerify extends FakeLeg {
      failures = 0;
      constructor(private readonly failFirst: number) {
        super('coinbase', () => ({ status: 'filled' }));
      }
      override async verify(r: Parameters<FakeLeg['verify']>[0], res: Parameters<FakeLeg['verify']>[1]) {
        if (this.failures++ < this.failFirst) throw new Error('HTTP 503 on historical fills');
        return super.verify(r, res);
      }
    }
    const dex = () => new FakeLeg('whirlpool#0', () => ({ status: 'filled', avgPrice: 104 }), undefined, 104);
    // Fails twice, then reads: retried on the reconcile budget (3), verified.
    const once = await runTrade(plan(), deps(new FlakyVerify(2), dex()));
    expect(once.state).toBe('verified');
    // Never reads: filled (both legs did fill), with what failed; the caller gets an outcome.
    const never = await runTrade(plan({ key: 'SOL:coinbase:0:bc:1:2', attempt: 2 }), deps(new FlakyVerify(99), dex()));
    expect(never.state).toBe('filled');
    expect(never.reason).toMatch(/verification could not read the venue records \(coinbase: HTTP 503 on historical fills\)/);
    expect((await store.getTrade('SOL:coinbase:0:bc:1:2'))!.state).toBe('filled');
  });

  it('hedges a failed DEX leg on the same CEX venue with an opposite IOC', async () => {
    let n = 0;
    const cex = new FakeLeg('coinbase', () => (++n === 1 ? { status: 'filled' } : { status: 'filled' }));
    const dex = new FakeLeg('whirlpool#0', () => ({ status: 'rejected', reason: 'slippage exceeded' }));
    const out = await runTrade(plan(), deps(cex, dex));
    expect(out.state).toBe('hedged');
    expect(cex.submits).toHaveLength(2);
    expect(cex.submits[1]).toMatchObject({ side: 'sell', sizeBase: 2 });
    expect(cex.submits[1]!.priceCap).toBeCloseTo(99, 9); // bounded loss: ref × (1 − 1 %)
    expect(cex.submits[1]!.clientOrderId).toMatch(/-hedge0$/);
    expect(out.reason).toMatch(/dex leg rejected \(slippage exceeded\); hedged on coinbase/);
    expect((await store.getTrade(plan().key))!.legs).toHaveLength(3);
  });

  it('unwinds an over-filled pool leg on the pool first (the CEX that failed has usually run away)', async () => {
    // The CEX buy found nothing at its cap; the pool sold 2 SOL at 104. The position (short 2) is
    // bought back on the pool with at most 1 % over the sale price, not on the CEX.
    const cex = new FakeLeg('coinbase', () => ({ status: 'no_fill' }));
    let n = 0;
    const dex = new FakeLeg('whirlpool#0', () => (++n === 1 ? { status: 'filled', avgPrice: 104 } : { status: 'filled', avgPrice: 104.1 }), undefined, 104);
    const out = await runTrade(plan(), deps(cex, dex));
    expect(out.state).toBe('hedged');
    expect(cex.submits).toHaveLength(1); // only the main leg
    expect(dex.submits).toHaveLength(2);
    expect(dex.submits[1]).toMatchObject({ side: 'buy', sizeBase: 2, tradeKey: `${plan().key}|unwind` });
    expect(dex.submits[1]!.limitQuote).toBeCloseTo(2 * 104 * 1.01, 9); // max quote in
    expect(out.reason).toMatch(/cex leg no_fill; hedged on whirlpool#0/);
    const legs = (await store.getTrade(plan().key))!.legs;
    expect(legs).toHaveLength(3);
    expect(legs[2]).toMatchObject({ venue: 'whirlpool#0', side: 'buy', status: 'filled', signature: expect.stringMatching(/^whirlpool#0:/) });
    // Sold 2 at 104, bought back 2 at 104.1: the loss is the round trip, fees included.
    expect(out.realisedPnl).toBeLessThan(0);
    expect(out.realisedPnl).toBeGreaterThan(-1);
  });

  it('stops hedging when a hedge outcome is unknown, rather than stack a second hedge on it', async () => {
    const cex = new FakeLeg('coinbase', () => ({ status: 'no_fill' }));
    let n = 0;
    const dex = new FakeLeg('whirlpool#0', () => (++n === 1 ? { status: 'filled', avgPrice: 104 } : { status: 'unknown' }), undefined, 104);
    const out = await runTrade(plan(), deps(cex, dex));
    expect(out.state).toBe('unknown');
    expect(cex.submits).toHaveLength(1);
    expect(dex.submits).toHaveLength(2);
  });

  it('leaves a position it could not flatten as unhedged, with its notional', async () => {
    let n = 0;
    const cex = new FakeLeg('coinbase', () => (++n === 1 ? { status: 'filled' } : { status: 'no_fill' }));
    const dex = new FakeLeg('whirlpool#0', () => ({ status: 'partial', filledBase: 0.5 }));
    const out = await runTrade(plan(), deps(cex, dex));
    expect(out.state).toBe('unhedged');
    expect(out.residualBase).toBeCloseTo(1.5, 9);
    expect(out.unhedgedQuote).toBeCloseTo(150, 9);
  });

  it('reconciles an unknown CEX outcome instead of calling it a rejection', async () => {
    const cex = new FakeLeg('coinbase', () => ({ status: 'unknown', reason: 'timeout' }), () => ({ status: 'filled' }));
    const dex = new FakeLeg('whirlpool#0', () => ({ status: 'filled', avgPrice: 104 }));
    const out = await runTrade(plan(), deps(cex, dex));
    expect(cex.reconciles).toBe(1);
    expect(out.state).toBe('verified');
  });

  it('keeps a trade unknown when reconciliation cannot settle it', async () => {
    const cex = new FakeLeg('coinbase', () => ({ status: 'unknown', reason: 'timeout' }));
    const dex = new FakeLeg('whirlpool#0', () => ({ status: 'filled' }));
    const out = await runTrade(plan(), deps(cex, dex));
    expect(out.state).toBe('unknown');
    expect(cex.reconciles).toBe(3);
    expect((await store.getTrade(plan().key))!.state).toBe('unknown');
  });

  it('never sends twice for a duplicate trade key', async () => {
    const cex = new FakeLeg('coinbase', () => ({ status: 'filled' }));
    const dex = new FakeLeg('whirlpool#0', () => ({ status: 'filled' }));
    await runTrade(plan(), deps(cex, dex));
    const again = await runTrade(plan(), deps(cex, dex));
    expect(again.duplicate).toBe(true);
    expect(cex.submits).toHaveLength(1);
    expect(dex.submits).toHaveLength(1);
  });

  it('calls a trade where neither leg filled rejected, with both reasons', async () => {
    const cex = new FakeLeg('coinbase', () => ({ status: 'no_fill' }));
    const dex = new FakeLeg('whirlpool#0', () => ({ status: 'rejected', reason: 'blockhash expired' }));
    const out = await runTrade(plan({ direction: 'buy_dex_sell_cex' }), deps(cex, dex));
    expect(out.state).toBe('rejected');
    expect(out.reason).toMatch(/cex no_fill, dex rejected: blockhash expired/);
    expect(cex.submits[0]!.side).toBe('sell');
    expect(dex.submits[0]!.side).toBe('buy');
  });
});

describe('size alignment between venues', () => {
  it('rounds the size down to the CEX step so both legs trade the same amount', async () => {
    const { alignSize } = await import('../../../src/actors/executor/trade.ts');
    expect(alignSize(3.234972494, 1e-8)).toBe(3.23497249);
    expect(alignSize(2.5, 0.1)).toBe(2.5);
    expect(alignSize(0.3, 0.1)).toBe(0.3); // 0.3 / 0.1 = 2.9999999999999996 must not round to 0.2
    expect(alignSize(1.23456, 0)).toBe(1.23456);
  });

  it('treats a sub-step difference between the legs as rounding, not an unhedged position', async () => {
    const cex = Object.assign(new FakeLeg('coinbase', (r) => ({ status: 'filled', filledBase: r.sizeBase })), { sizeStep: 1e-8 });
    // The pool fills one raw unit (1e-9) less than asked.
    const dex = new FakeLeg('whirlpool#0', (r) => ({ status: 'filled', filledBase: r.sizeBase - 1e-9 }));
    const out = await runTrade(plan({ sizeBase: 3.234972494 }), deps(cex, dex));
    expect(cex.submits[0]!.sizeBase).toBe(3.23497249);
    expect(dex.submits[0]!.sizeBase).toBe(3.23497249);
    expect(out.state).toBe('verified');
    expect(cex.submits).toHaveLength(1);
  });
});
