import { getFixedTickArrayDecoder, getWhirlpoolDecoder } from '@orca-so/whirlpools-client';
import { type TickArrayFacade, sqrtPriceToPrice, swapQuoteByInputToken, swapQuoteByOutputToken } from '@orca-so/whirlpools-core';
import { describe, expect, it } from 'vitest';
import { decodeAmmV4 } from '../../../src/actors/venues/solana/dex/raydium-amm/decode.ts';
import { decodeTickArray, decodeWhirlpool } from '../../../src/actors/venues/solana/dex/whirlpool/decode.ts';
import { tickArrayStartIndexes } from '../../../src/actors/venues/solana/dex/whirlpool/tick-math.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { VenueFaults } from '../../../src/sim/faults.ts';
import { MarketModel } from '../../../src/sim/market/model.ts';
import { makeRng } from '../../../src/sim/market/rng.ts';
import { ManualScheduler } from '../../../src/sim/market/scheduler.ts';
import { AccountStore } from '../../../src/sim/venues/solana/accounts.ts';
import { SolanaChain } from '../../../src/sim/venues/solana/chain.ts';
import { InstructionFailure } from '../../../src/sim/venues/solana/errors.ts';
import { tickArrayAddress } from '../../../src/sim/venues/solana/keys.ts';
import { SOL_AMM_V4, SOL_WHIRLPOOL, defaultPools } from '../../../src/sim/venues/solana/pools.ts';
import { encodeAmmV4, initialAmmV4Accounts } from '../../../src/sim/venues/solana/raydium.ts';
import { arbWhirlpool, initialWhirlpoolAccounts, readWhirlpool } from '../../../src/sim/venues/solana/whirlpool.ts';
import { executeWhirlpoolSwap } from '../../../src/sim/venues/solana/whirlpool-swap.ts';

function store(price = 150): AccountStore {
  const s = new AccountStore();
  for (const [k, a] of initialWhirlpoolAccounts(SOL_WHIRLPOOL, price, 1_700_000_000n)) s.set(k, a);
  return s;
}

function arraysOf(s: AccountStore, tick: number): TickArrayFacade[] {
  return tickArrayStartIndexes(tick, 4, 5).map((st) => {
    const d = getFixedTickArrayDecoder().decode(s.get(tickArrayAddress(SOL_WHIRLPOOL.address, st))!.data);
    return { startTickIndex: d.startTickIndex, ticks: d.ticks };
  });
}

function loaded(s: AccountStore, tick: number): { ticks: number[]; net: Map<number, bigint>; lo: number; hi: number } {
  const arrs = arraysOf(s, tick);
  const net = new Map<number, bigint>();
  for (const a of arrs) a.ticks.forEach((t, i) => t.initialized && net.set(a.startTickIndex + 4 * i, t.liquidityNet));
  return { ticks: [...net.keys()].sort((x, y) => x - y), net, lo: arrs[0]!.startTickIndex, hi: arrs[4]!.startTickIndex + 352 - 1 };
}

describe('simulated Whirlpool', () => {
  it('builds a 653-byte pool and 9988-byte tick arrays that both decoders read identically, priced at the model price', () => {
    const s = store(151.25);
    const raw = s.get(SOL_WHIRLPOOL.address)!;
    expect(raw.data.length).toBe(653);
    const official = getWhirlpoolDecoder().decode(raw.data);
    const ours = decodeWhirlpool(raw.data, { owner: raw.owner });
    expect(ours.liquidity).toBe(official.liquidity);
    expect(ours.tokenVaultA).toBe(official.tokenVaultA);
    expect(sqrtPriceToPrice(official.sqrtPrice, 9, 6)).toBeCloseTo(151.25, 6);
    // The active liquidity is the sum of all positions, which all straddle the start price.
    expect(official.liquidity).toBe(SOL_WHIRLPOOL.positions.reduce((a, p) => a + p.liquidity, 0n));
    for (const a of arraysOf(s, official.tickCurrentIndex)) {
      const data = s.get(tickArrayAddress(SOL_WHIRLPOOL.address, a.startTickIndex))!.data;
      expect(data.length).toBe(9988);
      expect(decodeTickArray(data, { owner: raw.owner }).ticks.map((t) => t.liquidityNet)).toEqual(a.ticks.map((t) => t.liquidityNet));
    }
  });

  it('the swap executor matches @orca-so/whirlpools-core on random swaps, including tick crossings', () => {
    const s = store();
    const pool = readWhirlpool(s, SOL_WHIRLPOOL.address)!;
    const arrays = arraysOf(s, pool.tickCurrentIndex);
    const l = loaded(s, pool.tickCurrentIndex);
    const rng = makeRng(99);
    let crossed = 0;
    for (let i = 0; i < 300; i++) {
      const aToB = rng.chance(0.5);
      const exactIn = rng.chance(0.5);
      // Log-uniform sizes from dust to ~3 % of the active depth, so some swaps cross initialized ticks.
      const amount = BigInt(Math.floor(10 ** (3 + rng.uniform() * (aToB === exactIn ? 10.5 : 9.5))));
      const o = executeWhirlpoolSwap(pool, l, amount, aToB, exactIn, 0n);
      crossed += o.crossings.length;
      if (exactIn) {
        const q = swapQuoteByInputToken(amount, aToB, 0, pool, undefined, arrays, 1_700_000_000n);
        expect([o.amountIn, o.amountOut, o.fee]).toEqual([q.tokenIn, q.tokenEstOut, q.tradeFee]);
      } else {
        const q = swapQuoteByOutputToken(amount, !aToB, 0, pool, undefined, arrays, 1_700_000_000n);
        expect([o.amountIn, o.amountOut, o.fee]).toEqual([q.tokenEstIn, q.tokenOut, q.tradeFee]);
      }
    }
    expect(crossed).toBeGreaterThan(0);
  });

  it('fails like the program: zero amount 6035, wrong limit direction 6034, beyond the loaded arrays 6023', () => {
    const s = store();
    const pool = readWhirlpool(s, SOL_WHIRLPOOL.address)!;
    const l = loaded(s, pool.tickCurrentIndex);
    const code = (f: () => unknown): unknown => {
      try {
        f();
      } catch (e) {
        if (e instanceof InstructionFailure) return e.detail;
        throw e;
      }
      return undefined;
    };
    expect(code(() => executeWhirlpoolSwap(pool, l, 0n, true, true, 0n))).toEqual({ Custom: 6035 });
    expect(code(() => executeWhirlpoolSwap(pool, l, 10n, true, true, pool.sqrtPrice + 1n))).toEqual({ Custom: 6034 });
    expect(code(() => executeWhirlpoolSwap(pool, l, 10n ** 18n, true, true, 0n))).toEqual({ Custom: 6023 });
  });

  it('arbitrage moves the pool to the target price, vaults change by the swap, crossed ticks flip fee growth', () => {
    const s = store();
    const before = readWhirlpool(s, SOL_WHIRLPOOL.address)!;
    s.takeDirty();
    const o = arbWhirlpool(s, SOL_WHIRLPOOL, 150 * 0.985, 1_700_000_100n)!; // -150 bps: crosses the ±40…±100-tick positions
    const after = readWhirlpool(s, SOL_WHIRLPOOL.address)!;
    expect(sqrtPriceToPrice(after.sqrtPrice, 9, 6) / (150 * 0.985)).toBeCloseTo(1, 9);
    expect(o.crossings.length).toBeGreaterThan(0);
    expect(after.liquidity).toBeLessThan(before.liquidity);
    expect(after.protocolFeeOwedA - before.protocolFeeOwedA).toBe(o.protocolFee);
    const dirty = s.takeDirty();
    expect(dirty).toEqual(expect.arrayContaining([SOL_WHIRLPOOL.address, SOL_WHIRLPOOL.vaultA, SOL_WHIRLPOOL.vaultB]));
    expect(dirty.length).toBeGreaterThan(3); // at least one tick array changed
    expect(after.rewardLastUpdatedTimestamp).toBe(1_700_000_100n);
  });
});

describe('simulated Raydium AMM v4 and the chain', () => {
  it('encodes the 752-byte AmmInfo the in-repo decoder reads back', () => {
    const accts = initialAmmV4Accounts(SOL_AMM_V4, 150);
    const raw = accts.get(SOL_AMM_V4.address)!;
    const p = decodeAmmV4(raw.data, { owner: raw.owner });
    expect(raw.data.length).toBe(752);
    expect(encodeAmmV4(p)).toEqual(raw.data);
    expect([p.swapFeeNumerator, p.swapFeeDenominator, p.status, p.baseNeedTakePnl]).toEqual([25n, 10_000n, 6n, SOL_AMM_V4.needTakePnlCoin]);
  });

  it('same seed and steps → byte-identical accounts; pools follow the DEX price slot by slot', () => {
    const run = (): { bytes: string; price: number; dex: number } => {
      const sched = new ManualScheduler(new ManualClock());
      const model = new MarketModel({ seed: 5, scheduler: sched, assets: ['SOL'] });
      const chain = new SolanaChain(model, new VenueFaults('solana', sched), defaultPools(['SOL']), 5);
      model.start();
      sched.advance(20_000);
      const w = getWhirlpoolDecoder().decode(chain.accounts.get(SOL_WHIRLPOOL.address)!.data);
      const bytes = Buffer.from(chain.accounts.get(SOL_WHIRLPOOL.address)!.data).toString('hex') + Buffer.from(chain.accounts.get(SOL_AMM_V4.address)!.data).toString('hex');
      const out = { bytes, price: sqrtPriceToPrice(w.sqrtPrice, 9, 6), dex: model.dexPrice('SOL') };
      model.stop();
      chain.close();
      return out;
    };
    const a = run();
    const b = run();
    expect(a.bytes).toBe(b.bytes);
    expect(a.price / a.dex).toBeCloseTo(1, 8);
  });
});
