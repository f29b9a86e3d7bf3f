import { describe, expect, it } from 'vitest';
import { DexError } from '../../../../src/actors/venues/solana/dex/errors.ts';
import { ammV4Quoter, cpmmQuoter, createLadderBuffers, fillLadder, whirlpoolQuoter } from '../../../../src/actors/venues/solana/dex/ladder.ts';
import { SPL_TOKEN_2022_PROGRAM_ID, WHIRLPOOL_PROGRAM_ID } from '../../../../src/actors/venues/solana/dex/programs.ts';
import { quoteAmmV4 } from '../../../../src/actors/venues/solana/dex/raydium-amm/quote.ts';
import { quoteCpmm } from '../../../../src/actors/venues/solana/dex/raydium-cpmm/quote.ts';
import { decodeTokenAccount, readTokenAmount, readTokenAmountSlice } from '../../../../src/actors/venues/solana/dex/spl-token/decode.ts';
import { prepareWhirlpool, quoteWhirlpool } from '../../../../src/actors/venues/solana/dex/whirlpool/quote.ts';
import { sqrtPriceAtTick, tickArrayStartIndexes } from '../../../../src/actors/venues/solana/dex/whirlpool/tick-math.ts';
import { base58ToBytes } from '../../../../src/actors/venues/solana/dex/bytes.ts';
import { emptyTick, staticPool } from './whirlpool-gen.ts';

const SIZES_A = [1e6, 1e7, 1e8, 1e9, 5e9, 1e10, 5e10, 1e17];
const SIZES_B = [1e5, 1e6, 1e7, 1e8, 5e8, 1e9, 5e9, 1e16];

describe('ladder', () => {
  const ts = 4;
  const cur = -18835;
  const arrays = tickArrayStartIndexes(cur, ts).map((s) => ({ startTickIndex: s, ticks: Array.from({ length: 88 }, emptyTick) }));
  arrays[2]!.ticks[40] = { ...emptyTick(), initialized: true, liquidityNet: -200_000_000_000n, liquidityGross: 200_000_000_000n };
  const pool = staticPool(ts, 400, 740_600_641_175_286n, 7193838297492601595n, cur);

  it('Whirlpool: each point equals the single exact-in quote; sizes past the loaded arrays are NaN and counted', () => {
    const buf = createLadderBuffers(SIZES_A, SIZES_B);
    const unfilled = fillLadder(whirlpoolQuoter(prepareWhirlpool(pool, arrays)), buf);
    expect(unfilled).toBe(2);
    for (let i = 0; i < 7; i++) {
      expect(buf.outForward[i]).toBe(Number(quoteWhirlpool({ pool, tickArrays: arrays, amount: BigInt(SIZES_A[i]!), aToB: true, exactIn: true }).amountOut));
      expect(buf.outReverse[i]).toBe(Number(quoteWhirlpool({ pool, tickArrays: arrays, amount: BigInt(SIZES_B[i]!), aToB: false, exactIn: true }).amountOut));
    }
    expect(buf.outForward[7]).toBeNaN();
    expect(buf.outReverse[7]).toBeNaN();
    // Outputs grow with size and per-unit output falls (price impact).
    expect(buf.outForward[6]! / SIZES_A[6]!).toBeLessThan(buf.outForward[3]! / SIZES_A[3]!);
  });

  it('a point that only partially fills (pool runs to the price bound) is NaN, not a short output', () => {
    const edgeTick = -443_600;
    const edgeArrays = tickArrayStartIndexes(edgeTick, 64).map((s) => ({ startTickIndex: s, ticks: Array.from({ length: 88 }, emptyTick) }));
    const edge = staticPool(64, 3000, 1_000_000n, sqrtPriceAtTick(edgeTick), edgeTick);
    const buf = createLadderBuffers([1, 1e18], []);
    expect(fillLadder(whirlpoolQuoter(prepareWhirlpool(edge, edgeArrays)), buf)).toBe(1);
    expect(buf.outForward[1]).toBeNaN();
  });

  it('AMM v4 and CPMM quoters equal their direct quotes, both directions', () => {
    const ammPool = { status: 6n, poolOpenTime: 0n, swapFeeNumerator: 25n, swapFeeDenominator: 10000n, baseNeedTakePnl: 1000n, quoteNeedTakePnl: 10n };
    const state = { pool: ammPool, baseVaultAmount: 1_000_000_001_000n, quoteVaultAmount: 150_000_000_010n };
    const buf = createLadderBuffers(SIZES_A.slice(0, 7), SIZES_B.slice(0, 7));
    expect(fillLadder(ammV4Quoter(state), buf)).toBe(0);
    expect(buf.outForward[3]).toBe(Number(quoteAmmV4({ ...state, amount: 1_000_000_000n, baseToQuote: true, exactIn: true }).amountOut));
    expect(buf.outReverse[4]).toBe(Number(quoteAmmV4({ ...state, amount: 500_000_000n, baseToQuote: false, exactIn: true }).amountOut));

    const cpPool = { status: 0, openTime: 0n, creatorFeeOn: 0, enableCreatorFee: false, protocolFeesToken0: 0n, protocolFeesToken1: 0n, fundFeesToken0: 0n, fundFeesToken1: 0n, creatorFeesToken0: 0n, creatorFeesToken1: 0n };
    const cfg = { tradeFeeRate: 2500n, protocolFeeRate: 0n, fundFeeRate: 0n, creatorFeeRate: 0n };
    const cpState = { pool: cpPool, config: cfg, vault0Amount: 1_000_000_000_000n, vault1Amount: 150_000_000_000n };
    expect(fillLadder(cpmmQuoter(cpState), buf)).toBe(0);
    expect(buf.outForward[3]).toBe(149_475_897);
    expect(buf.outReverse[2]).toBe(Number(quoteCpmm({ ...cpState, amount: 10_000_000n, zeroForOne: false, exactIn: true }).amountOut));
  });

  it('non-quote errors propagate (a bug must not become a NaN)', () => {
    const buf = createLadderBuffers([1], []);
    expect(() => fillLadder(() => { throw new TypeError('bug'); }, buf)).toThrow(TypeError);
  });
});

describe('SPL token account', () => {
  const b = new Uint8Array(165);
  b.set(base58ToBytes('EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v'), 0);
  b.set(base58ToBytes('5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1'), 32);
  new DataView(b.buffer).setBigUint64(64, 18_446_744_073_709_551_000n, true);
  b[108] = 1;

  it('reads mint, owner and the u64 amount at offset 64 (Token-2022 prefix too)', () => {
    expect(decodeTokenAccount(b)).toEqual({
      mint: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v',
      owner: '5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1',
      amount: 18_446_744_073_709_551_000n,
      state: 1,
    });
    const t22 = new Uint8Array(182);
    t22.set(b);
    expect(readTokenAmount(t22, { owner: SPL_TOKEN_2022_PROGRAM_ID })).toBe(18_446_744_073_709_551_000n);
    expect(readTokenAmountSlice(b.subarray(64, 72))).toBe(18_446_744_073_709_551_000n);
  });

  it('rejects short data and a non-token owner', () => {
    const code = (f: () => unknown): string => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return e instanceof DexError ? e.code : 'other';
      }
    };
    expect(code(() => readTokenAmount(b.subarray(0, 100), { label: 'vault A' }))).toBe('DEX_DECODE_SIZE');
    expect(code(() => readTokenAmount(b, { owner: WHIRLPOOL_PROGRAM_ID }))).toBe('DEX_DECODE_OWNER');
  });
});
