import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tickArrayAddress } from '../../../../src/actors/venues/solana/accounts.ts';
import { quoteWhirlpool } from '../../../../src/actors/venues/solana/dex/whirlpool/quote.ts';
import { decodeWhirlpool } from '../../../../src/actors/venues/solana/dex/whirlpool/decode.ts';
import { sqrtPriceAtTick, tickArrayStartIndexes } from '../../../../src/actors/venues/solana/dex/whirlpool/tick-math.ts';
import { TICKS_PER_ARRAY } from '../../../../src/actors/venues/solana/dex/whirlpool/tick-math.ts';
import { emptyTick } from './whirlpool-gen.ts';
import { Flag, QuoteSource } from '../../../../src/shared/messages/index.ts';
import { AMM_COIN_VAULT, AMM_PC_VAULT, LoopbackSolana, REF, USDC, WHIRLPOOL, WSOL, tokenAccount, whirlpoolAccount } from './feed-fixture.ts';
import { feedSlice, harness, sleep, until, type Quote } from './feed-harness.ts';

const emptyArrays = (tick: number) => tickArrayStartIndexes(tick, 4, 5).map((s) => ({ startTickIndex: s, ticks: Array.from({ length: TICKS_PER_ARRAY }, emptyTick) }));

describe('Solana feed against a loopback RPC', () => {
  let srv: LoopbackSolana;
  let h: ReturnType<typeof harness>;
  const last = (route: number, pred: (q: Quote) => boolean = () => true) => h.drain().filter((q) => q.route === route && pred(q)).at(-1);

  beforeEach(async () => {
    srv = new LoopbackSolana();
    await srv.start();
    h = harness(srv, feedSlice(srv));
    await h.feed.start();
  });
  afterEach(async () => {
    await h.close();
    await srv.close();
  });

  it('publishes exact ladders for both pools after bootstrap, with mid, fee and fixed cost', async () => {
    const w = last(0)!;
    expect(w.source).toBe(QuoteSource.direct);
    expect(w.points).toBe(8);
    expect(w.mid).toBeCloseTo(152.0834297667, 6);
    expect(w.fee).toBe(4);
    // p75 of the fixture's fees (10k, 20k µlamports/CU) × 140k CU + 5000 lamports base fee, at mid.
    expect(w.fixed).toBeCloseTo(((140_000 * 20_000) / 1e6 + 5_000) / 1e9 * w.mid, 9);
    // Sizes: 8 geometric quote sizes up to 500; sell side converted to base at mid.
    expect(w.buy.filter((_, i) => i % 2 === 0)).toEqual([3.90625, 7.8125, 15.625, 31.25, 62.5, 125, 250, 500]);
    const pool = decodeWhirlpool(whirlpoolAccount({ sqrtPrice: REF.sqrtPrice, tick: REF.tick }).data);
    for (let i = 0; i < 8; i++) {
      const baseIn = BigInt(Math.round(w.sell[2 * i]! * 1e9));
      expect(baseIn).toBe(BigInt(Math.floor(((500 / 2 ** (7 - i)) / w.mid) * 1e9)));
      const sell = quoteWhirlpool({ pool, tickArrays: emptyArrays(REF.tick), amount: baseIn, aToB: true, exactIn: true });
      expect(w.sell[2 * i + 1]).toBe(Number(sell.amountOut) / 1e6);
      const buy = quoteWhirlpool({ pool, tickArrays: emptyArrays(REF.tick), amount: BigInt(Math.round(w.buy[2 * i]! * 1e6)), aToB: false, exactIn: true });
      expect(w.buy[2 * i + 1]).toBe(Number(buy.amountOut) / 1e9);
    }
    const a = last(1)!;
    expect(a.fee).toBe(25);
    expect(a.mid).toBeCloseTo(150, 6); // 6e12 pc / 4e13 coin with 6/9 decimals
  });

  it('publishes on a pool notification at its slot, with the receive time', async () => {
    await until(() => srv.subscribedKeys().has(WHIRLPOOL), 'subscribed');
    srv.slot = 2000;
    srv.set([[WHIRLPOOL, whirlpoolAccount({ sqrtPrice: sqrtPriceAtTick(-18800), tick: -18800 })]]);
    const q = await until(() => last(0, (x) => x.slot === 2000), 'quote at slot 2000');
    expect(q.mid).toBeGreaterThan(152.1);
    expect(q.mid).toBeCloseTo(1e3 * Number(sqrtPriceAtTick(-18800)) ** 2 / 2 ** 128, 6);
    expect(q.recvUs).toBeGreaterThan(0);
  });

  it('moves the tick-array subscriptions when the price crosses into another array', async () => {
    await until(() => srv.subscribedKeys().has(tickArrayAddress(WHIRLPOOL, -19712)), 'initial window');
    // -18835 is in the array starting at -19008; -18600 is in -18656: the window shifts up by one.
    srv.slot = 3000;
    srv.set([[WHIRLPOOL, whirlpoolAccount({ sqrtPrice: sqrtPriceAtTick(-18600), tick: -18600 })]]);
    await until(() => srv.subscribedKeys().has(tickArrayAddress(WHIRLPOOL, -17952)) && !srv.subscribedKeys().has(tickArrayAddress(WHIRLPOOL, -19712)), 'window moved');
    expect(h.feed.tickArrayMoves).toBe(1);
    const q = await until(() => last(0, (x) => x.slot === 3000), 'quote after the move');
    expect(q.sell.filter((_, i) => i % 2 === 1).every(Number.isFinite)).toBe(true);
  });

  it('does not quote a constant-product pool from one new vault next to an old one', async () => {
    // Subscribed and the post-subscribe snapshot applied: a snapshot still in flight would read both
    // vaults at slot 4000 (a consistent pool, rightly quoted), which is not what this test is about.
    await until(() => srv.subscribedKeys().has(AMM_PC_VAULT) && h.feed.resnapshotsDone >= 1, 'subscribed and re-snapshotted');
    srv.slot = 4000;
    srv.set([[AMM_COIN_VAULT, tokenAccount(WSOL, 40_100_000_000_000n)]]);
    await sleep(100);
    expect(last(1, (x) => x.slot === 4000)).toBeUndefined();
    srv.set([[AMM_PC_VAULT, tokenAccount(USDC, 5_985_000_000_000n)]]);
    const q = await until(() => last(1, (x) => x.slot === 4000), 'quote once both vaults are at 4000');
    expect(q.mid).toBeCloseTo(5_985_000 / 40_100, 6);
    // One vault alone: published when the slot is closed by a later notification.
    srv.slot = 4001;
    srv.set([[AMM_COIN_VAULT, tokenAccount(WSOL, 40_200_000_000_000n)]]);
    await sleep(100);
    expect(last(1, (x) => x.slot === 4001)).toBeUndefined();
    srv.nextSlot();
    const c = await until(() => last(1, (x) => x.slot === 4001), 'quote after the slot closed');
    expect(c.mid).toBeCloseTo(5_985_000 / 40_200, 6);
  });

  it('survives a dropped socket: reconnects, resubscribes, re-snapshots and quotes again', async () => {
    await until(() => srv.subscribedKeys().size >= 11, 'subscribed');
    srv.dropSockets();
    await until(() => h.feed.pubsub.connects >= 2 && srv.subscribedKeys().size >= 11, 'resubscribed');
    await until(() => h.feed.resnapshots >= 2, 'resnapshot after reconnect');
    srv.slot = 5000;
    srv.set([[WHIRLPOOL, whirlpoolAccount({ sqrtPrice: sqrtPriceAtTick(-18810), tick: -18810 })]]);
    await until(() => last(0, (x) => x.slot === 5000), 'quote after reconnect');
  });

  it('falls back to pinned Jupiter ladders while stale and returns to direct when fresh', async () => {
    await until(() => srv.subscribedKeys().size >= 11, 'subscribed');
    srv.holding = true;
    const fb = await until(() => last(0, (x) => x.source === QuoteSource.jupiter), 'a Jupiter quote', 3_000);
    expect(fb.flags & Flag.Fallback).toBe(Flag.Fallback);
    expect(fb.points).toBe(8);
    expect(fb.sell[1]! / fb.sell[0]!).toBeCloseTo(150, 3);
    expect(fb.buy[0]! / fb.buy[1]!).toBeCloseTo(151, 3);
    expect(fb.mid).toBeCloseTo(Math.sqrt(150 * 151), 2);
    const reqs = srv.jupiterRequests.filter((u) => u.pathname.endsWith('/quote'));
    expect(reqs.every((u) => u.searchParams.get('onlyDirectRoutes') === 'true' && u.searchParams.get('slippageBps') === '75')).toBe(true);
    expect(new Set(reqs.map((u) => u.searchParams.get('dexes')))).toEqual(new Set(['Whirlpool', 'Raydium']));
    srv.slot = 6000;
    srv.release();
    srv.set([[WHIRLPOOL, whirlpoolAccount({ sqrtPrice: sqrtPriceAtTick(-18820), tick: -18820 })]]);
    const d = await until(() => last(0, (x) => x.slot === 6000), 'direct again');
    expect(d.source).toBe(QuoteSource.direct);
    expect(d.flags & Flag.Fallback).toBe(0);
    expect(h.feed.routes[0]!.toDirect).toBeGreaterThanOrEqual(1);
  });

  it('publishes a shorter Jupiter ladder when rate limited, and NaN points that are not pinned', async () => {
    await until(() => srv.subscribedKeys().size >= 11, 'subscribed');
    srv.jupiterAmmKey = (dexes) => (dexes === 'Whirlpool' ? WHIRLPOOL : 'SomeOtherPoo1111111111111111111111111111111');
    srv.jupiterBudget = 1 + 6; // program-id-to-label, then 3 pairs
    srv.holding = true;
    const fb = await until(() => h.drain().find((x) => x.source === QuoteSource.jupiter && x.route === 0), 'a Jupiter quote', 3_000);
    // The budget is shared by both pools asking at once, so the whirlpool gets 1..3 pairs, never 8.
    expect(fb.points).toBeGreaterThanOrEqual(1);
    expect(fb.points).toBeLessThan(8);
    await until(() => h.feed.notPinned > 0, 'the Raydium route refused as not pinned');
    const amm = h.drain().find((x) => x.source === QuoteSource.jupiter && x.route === 1);
    if (amm) expect(amm.sell.filter((_, i) => i % 2 === 1).every(Number.isNaN)).toBe(true);
  });
});
