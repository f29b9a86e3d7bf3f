import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DexError } from '../../../../src/actors/venues/solana/dex/errors.ts';
import { RAYDIUM_AMM_V4_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID } from '../../../../src/actors/venues/solana/dex/programs.ts';
import { decodeAmmV4 } from '../../../../src/actors/venues/solana/dex/raydium-amm/decode.ts';
import { quoteAmmV4 } from '../../../../src/actors/venues/solana/dex/raydium-amm/quote.ts';
import { decodeCpmmConfig, decodeCpmmPool } from '../../../../src/actors/venues/solana/dex/raydium-cpmm/decode.ts';
import { quoteCpmm, quoteCpmmDetailed, type CpmmQuoteParams } from '../../../../src/actors/venues/solana/dex/raydium-cpmm/quote.ts';
import { base58ToBytes, fromHex } from '../../../../src/actors/venues/solana/dex/bytes.ts';

const V = JSON.parse(readFileSync(new URL('../../../fixtures/solana/raydium_swap_vectors.json', import.meta.url), 'utf8')) as {
  reserves: { coin: string; pc: string };
  ammV4: {
    swapFeeNumerator: string;
    swapFeeDenominator: string;
    baseInCoin: { amountIn: string; fee: string; amountOut: string };
    baseOutPc: { amountOut: string; needBeforeFee: string; amountIn: string };
  };
  cpmm: { tradeFeeRate: string; exactIn: { amountIn: string; fee: string; amountOut: string }; exactOut: { amountOut: string; amountIn: string } };
};
const R_COIN = BigInt(V.reserves.coin);
const R_PC = BigInt(V.reserves.pc);
const SOL = 'So11111111111111111111111111111111111111112';
const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof DexError) return e.code;
    throw e;
  }
  return 'no error';
}

// AMM v4 account bytes written field by field at the reference offsets (§2.1); the program has no
// encoder package we can use, so the layout itself is what is under test here.
function ammV4Bytes(f: { status: bigint; baseNeedTakePnl: bigint; quoteNeedTakePnl: bigint; poolOpenTime?: bigint }): Uint8Array {
  const b = new Uint8Array(752);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, f.status, true);
  dv.setBigUint64(32, 9n, true);
  dv.setBigUint64(40, 6n, true);
  dv.setBigUint64(144, 25n, true);
  dv.setBigUint64(152, 10000n, true);
  dv.setBigUint64(176, BigInt(V.ammV4.swapFeeNumerator), true);
  dv.setBigUint64(184, BigInt(V.ammV4.swapFeeDenominator), true);
  dv.setBigUint64(192, f.baseNeedTakePnl, true);
  dv.setBigUint64(200, f.quoteNeedTakePnl, true);
  dv.setBigUint64(224, f.poolOpenTime ?? 0n, true);
  dv.setBigUint64(272, 7n, true); // u128 swapQuoteOutAmount low half
  dv.setBigUint64(280, 1n, true); // … and high half
  b.set(base58ToBytes(SOL), 400);
  b.set(base58ToBytes(USDC), 432);
  dv.setBigUint64(720, 123456789n, true);
  return b;
}

describe('Raydium AMM v4', () => {
  const pnlCoin = 777_000n;
  const pnlPc = 55_000n;
  const pool = decodeAmmV4(ammV4Bytes({ status: 6n, baseNeedTakePnl: pnlCoin, quoteNeedTakePnl: pnlPc }), { owner: RAYDIUM_AMM_V4_PROGRAM_ID });
  // Vaults hold the tradable reserves plus the pnl owed: the quote must subtract it.
  const vaults = { baseVaultAmount: R_COIN + pnlCoin, quoteVaultAmount: R_PC + pnlPc };

  it('decodes the documented offsets', () => {
    expect(pool.status).toBe(6n);
    expect(pool.baseDecimal).toBe(9n);
    expect(pool.quoteDecimal).toBe(6n);
    expect(pool.swapFeeNumerator).toBe(25n);
    expect(pool.swapFeeDenominator).toBe(10000n);
    expect(pool.baseNeedTakePnl).toBe(pnlCoin);
    expect(pool.quoteNeedTakePnl).toBe(pnlPc);
    expect(pool.baseMint).toBe(SOL);
    expect(pool.quoteMint).toBe(USDC);
    expect(pool.swapQuoteOutAmount).toBe((1n << 64n) + 7n);
    expect(pool.lpReserve).toBe(123456789n);
  });

  it('base-in vector (reference §2.1): fee ceiled on input, output floored, pnl deducted', () => {
    const q = quoteAmmV4({ pool, ...vaults, amount: BigInt(V.ammV4.baseInCoin.amountIn), baseToQuote: true, exactIn: true });
    expect(q).toEqual({ amountIn: 1_000_000_000n, amountOut: BigInt(V.ammV4.baseInCoin.amountOut), feeAmount: BigInt(V.ammV4.baseInCoin.fee) });
    // Ignoring the pnl (quoting on raw vaults) gives a different, wrong answer: the deduction matters.
    const raw = quoteAmmV4({ pool: { ...pool, baseNeedTakePnl: 0n, quoteNeedTakePnl: 0n }, ...vaults, amount: 1_000_000_000n, baseToQuote: true, exactIn: true });
    expect(raw.amountOut).not.toBe(q.amountOut);
  });

  it('base-out vector: need = ceil(R_in·out/(R_out−out)), in = ceil(need·den/(den−num))', () => {
    const q = quoteAmmV4({ pool, ...vaults, amount: BigInt(V.ammV4.baseOutPc.amountOut), baseToQuote: true, exactIn: false });
    expect(q.amountIn).toBe(BigInt(V.ammV4.baseOutPc.amountIn));
    expect(q.amountOut).toBe(150_000_000n);
    expect(q.feeAmount).toBe(BigInt(V.ammV4.baseOutPc.amountIn) - BigInt(V.ammV4.baseOutPc.needBeforeFee));
  });

  it('quote→base direction uses the reserves the other way round', () => {
    const q = quoteAmmV4({ pool, ...vaults, amount: 150_000_000n, baseToQuote: false, exactIn: true });
    const fee = (150_000_000n * 25n + 9999n) / 10000n;
    expect(q.feeAmount).toBe(fee);
    expect(q.amountOut).toBe((R_COIN * (150_000_000n - fee)) / (R_PC + 150_000_000n - fee));
  });

  it('errors: disabled status, not-yet-open pool, draining output, zero output, vault below pnl', () => {
    const disabled = decodeAmmV4(ammV4Bytes({ status: 2n, baseNeedTakePnl: 0n, quoteNeedTakePnl: 0n }));
    expect(codeOf(() => quoteAmmV4({ pool: disabled, ...vaults, amount: 1000n, baseToQuote: true, exactIn: true }))).toBe('DEX_QUOTE_POOL_DISABLED');
    const waiting = decodeAmmV4(ammV4Bytes({ status: 7n, baseNeedTakePnl: 0n, quoteNeedTakePnl: 0n, poolOpenTime: 2_000n }));
    expect(codeOf(() => quoteAmmV4({ pool: waiting, ...vaults, amount: 1000n, baseToQuote: true, exactIn: true, nowSec: 1_999n }))).toBe('DEX_QUOTE_POOL_DISABLED');
    expect(codeOf(() => quoteAmmV4({ pool: waiting, ...vaults, amount: 1000n, baseToQuote: true, exactIn: true, nowSec: 2_000n }))).toBe('no error');
    expect(codeOf(() => quoteAmmV4({ pool, ...vaults, amount: R_PC, baseToQuote: true, exactIn: false }))).toBe('DEX_QUOTE_INSUFFICIENT_LIQUIDITY');
    expect(codeOf(() => quoteAmmV4({ pool, ...vaults, amount: 1n, baseToQuote: true, exactIn: true }))).toBe('DEX_QUOTE_INSUFFICIENT_LIQUIDITY');
    expect(codeOf(() => quoteAmmV4({ pool, baseVaultAmount: pnlCoin - 1n, quoteVaultAmount: R_PC, amount: 1000n, baseToQuote: true, exactIn: true }))).toBe('DEX_QUOTE_INCONSISTENT_STATE');
    expect(codeOf(() => quoteAmmV4({ pool, ...vaults, amount: 0n, baseToQuote: true, exactIn: true }))).toBe('DEX_QUOTE_AMOUNT');
  });

  it('decoder: size and owner errors name the account', () => {
    expect(codeOf(() => decodeAmmV4(new Uint8Array(751), { label: '58oQC' }))).toBe('DEX_DECODE_SIZE');
    expect(() => decodeAmmV4(new Uint8Array(751), { label: '58oQC' })).toThrow(/58oQC/);
    expect(codeOf(() => decodeAmmV4(new Uint8Array(752), { owner: RAYDIUM_CPMM_PROGRAM_ID }))).toBe('DEX_DECODE_OWNER');
  });
});

function cpmmPoolBytes(f: { status?: number; fees0: [bigint, bigint, bigint]; fees1: [bigint, bigint, bigint]; creatorFeeOn?: number; enableCreatorFee?: boolean; openTime?: bigint }): Uint8Array {
  const b = new Uint8Array(637);
  const dv = new DataView(b.buffer);
  b.set(fromHex('f7ede3f5d7c3de46'), 0);
  b.set(base58ToBytes(SOL), 168);
  b.set(base58ToBytes(USDC), 200);
  b[329] = f.status ?? 0;
  b[331] = 9;
  b[332] = 6;
  dv.setBigUint64(341, f.fees0[0], true);
  dv.setBigUint64(349, f.fees1[0], true);
  dv.setBigUint64(357, f.fees0[1], true);
  dv.setBigUint64(365, f.fees1[1], true);
  dv.setBigUint64(373, f.openTime ?? 0n, true);
  b[389] = f.creatorFeeOn ?? 0;
  b[390] = f.enableCreatorFee ? 1 : 0;
  dv.setBigUint64(397, f.fees0[2], true);
  dv.setBigUint64(405, f.fees1[2], true);
  return b;
}

function cpmmConfigBytes(tradeFeeRate: bigint, creatorFeeRate: bigint): Uint8Array {
  const b = new Uint8Array(236);
  const dv = new DataView(b.buffer);
  b.set(fromHex('daf42168cbcb2b6f'), 0);
  dv.setUint16(10, 3, true);
  dv.setBigUint64(12, tradeFeeRate, true);
  dv.setBigUint64(20, 120_000n, true);
  dv.setBigUint64(28, 40_000n, true);
  dv.setBigUint64(108, creatorFeeRate, true);
  return b;
}

describe('Raydium CPMM', () => {
  const fees0: [bigint, bigint, bigint] = [1_000n, 2_000n, 3_000n];
  const fees1: [bigint, bigint, bigint] = [10n, 20n, 30n];
  const vaults = { vault0Amount: R_COIN + 6_000n, vault1Amount: R_PC + 60n };
  const config = decodeCpmmConfig(cpmmConfigBytes(BigInt(V.cpmm.tradeFeeRate), 0n), { owner: RAYDIUM_CPMM_PROGRAM_ID });
  const pool = decodeCpmmPool(cpmmPoolBytes({ fees0, fees1 }), { owner: RAYDIUM_CPMM_PROGRAM_ID });

  it('decodes the documented offsets', () => {
    expect(pool.token0Mint).toBe(SOL);
    expect(pool.token1Mint).toBe(USDC);
    expect([pool.mint0Decimals, pool.mint1Decimals]).toEqual([9, 6]);
    expect([pool.protocolFeesToken0, pool.fundFeesToken0, pool.creatorFeesToken0]).toEqual(fees0);
    expect([pool.protocolFeesToken1, pool.fundFeesToken1, pool.creatorFeesToken1]).toEqual(fees1);
    expect(config.tradeFeeRate).toBe(2500n);
    expect(config.index).toBe(3);
  });

  it('vectors (reference §2.2) with protocol+fund+creator fees deducted from the vaults', () => {
    const base = { pool, config, ...vaults };
    expect(quoteCpmm({ ...base, amount: 1_000_000_000n, zeroForOne: true, exactIn: true })).toEqual({
      amountIn: BigInt(V.cpmm.exactIn.amountIn),
      amountOut: BigInt(V.cpmm.exactIn.amountOut),
      feeAmount: BigInt(V.cpmm.exactIn.fee),
    });
    const out = quoteCpmm({ ...base, amount: BigInt(V.cpmm.exactOut.amountOut), zeroForOne: true, exactIn: false });
    expect(out.amountIn).toBe(BigInt(V.cpmm.exactOut.amountIn));
    const d = quoteCpmmDetailed({ ...base, amount: 1_000_000_000n, zeroForOne: true, exactIn: true });
    expect(d.protocolFee).toBe((2_500_000n * 120_000n) / 1_000_000n);
    expect(d.fundFee).toBe((2_500_000n * 40_000n) / 1_000_000n);
  });

  // Expected numbers worked by hand from the on-chain formulas in reference §2.2 (tf 2500, cf 1000).
  const creatorCases: { what: string; creatorFeeOn: number; zeroForOne: boolean; exactIn: boolean; amount: bigint; amountIn: bigint; amountOut: bigint; fee: bigint; creator: bigint }[] = [
    { what: 'exact-in, creator fee on input (both tokens)', creatorFeeOn: 0, zeroForOne: true, exactIn: true, amount: 1_000_000_000n, amountIn: 1_000_000_000n, amountOut: 149_326_196n, fee: 3_500_000n, creator: 1_000_000n },
    { what: 'exact-in, creator fee on output (only token0 on input side)', creatorFeeOn: 2, zeroForOne: true, exactIn: true, amount: 1_000_000_000n, amountIn: 1_000_000_000n, amountOut: 149_326_421n, fee: 2_500_000n, creator: 149_476n },
    { what: 'exact-out, creator fee on input', creatorFeeOn: 1, zeroForOne: true, exactIn: false, amount: 150_000_000n, amountIn: 1_004_516_811n, amountOut: 150_000_000n, fee: 3_515_809n, creator: 1_004_516n },
    { what: 'exact-out, creator fee on output', creatorFeeOn: 2, zeroForOne: true, exactIn: false, amount: 150_000_000n, amountIn: 1_004_515_303n, amountOut: 150_000_000n, fee: 2_511_289n, creator: 150_151n },
  ];
  for (const c of creatorCases) {
    it(`creator fee: ${c.what}`, () => {
      const p = decodeCpmmPool(cpmmPoolBytes({ fees0: [0n, 0n, 0n], fees1: [0n, 0n, 0n], creatorFeeOn: c.creatorFeeOn, enableCreatorFee: true }));
      const cfg = decodeCpmmConfig(cpmmConfigBytes(2500n, 1000n));
      const params: CpmmQuoteParams = { pool: p, config: cfg, vault0Amount: R_COIN, vault1Amount: R_PC, amount: c.amount, zeroForOne: c.zeroForOne, exactIn: c.exactIn };
      const d = quoteCpmmDetailed(params);
      expect([d.amountIn, d.amountOut, d.feeAmount, d.creatorFee]).toEqual([c.amountIn, c.amountOut, c.fee, c.creator]);
      // With enable_creator_fee off the same config charges no creator fee.
      const off = quoteCpmmDetailed({ ...params, pool: { ...p, enableCreatorFee: false } });
      expect(off.creatorFee).toBe(0n);
    });
  }

  it('errors: swap-disabled bit, before open time, wrong discriminator, vault below owed fees', () => {
    const disabled = decodeCpmmPool(cpmmPoolBytes({ status: 4, fees0, fees1 }));
    expect(codeOf(() => quoteCpmm({ pool: disabled, config, ...vaults, amount: 1000n, zeroForOne: true, exactIn: true }))).toBe('DEX_QUOTE_POOL_DISABLED');
    const later = decodeCpmmPool(cpmmPoolBytes({ fees0, fees1, openTime: 5_000n }));
    expect(codeOf(() => quoteCpmm({ pool: later, config, ...vaults, amount: 1000n, zeroForOne: true, exactIn: true, nowSec: 4_999n }))).toBe('DEX_QUOTE_POOL_DISABLED');
    expect(codeOf(() => quoteCpmm({ pool, config, vault0Amount: 5_999n, vault1Amount: R_PC, amount: 1000n, zeroForOne: true, exactIn: true }))).toBe('DEX_QUOTE_INCONSISTENT_STATE');
    expect(codeOf(() => quoteCpmm({ pool, config, ...vaults, amount: R_PC, zeroForOne: true, exactIn: false }))).toBe('DEX_QUOTE_INSUFFICIENT_LIQUIDITY');
    const bad = cpmmPoolBytes({ fees0, fees1 });
    bad[7] ^= 1;
    expect(codeOf(() => decodeCpmmPool(bad))).toBe('DEX_DECODE_DISCRIMINATOR');
    expect(codeOf(() => decodeCpmmPool(cpmmPoolBytes({ fees0, fees1 }), { owner: 'CAMMCzo5YL8w4VFF8KVHrK22GGUsp5VTaW7grrKgrWqK' }))).toBe('DEX_DECODE_OWNER');
    expect(codeOf(() => decodeCpmmConfig(new Uint8Array(235)))).toBe('DEX_DECODE_SIZE');
  });
});
