import {
  decodeTickArray as clientDecodeTickArray,
  getDynamicTickArrayEncoder,
  getFixedTickArrayEncoder,
  getOracleDecoder,
  getOracleEncoder,
  getWhirlpoolDecoder,
  getWhirlpoolEncoder,
  type DynamicTickArrayArgs,
  type OracleArgs,
  type WhirlpoolArgs,
} from '@orca-so/whirlpools-client';
import { address, getAddressDecoder, lamports, type Address, type EncodedAccount } from '@solana/kit';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../src/shared/clock.ts';
import { base58, base58ToBytes } from '../../../../src/actors/venues/solana/dex/bytes.ts';
import { DexError } from '../../../../src/actors/venues/solana/dex/errors.ts';
import { WHIRLPOOL_PROGRAM_ID } from '../../../../src/actors/venues/solana/dex/programs.ts';
import {
  decodeOracle,
  decodeTickArray,
  decodeWhirlpool,
  isAdaptiveFeePool,
  type Tick,
} from '../../../../src/actors/venues/solana/dex/whirlpool/decode.ts';

const rnd = seededRandom(42);
const randBytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
const addrDecoder = getAddressDecoder();
const randAddress = (): Address => addrDecoder.decode(randBytes(32));
const randU = (bits: number): bigint => {
  let v = 0n;
  for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(Math.floor(rnd() * 65536));
  return v & ((1n << BigInt(bits)) - 1n);
};
const randI128 = (): bigint => randU(127) * (rnd() < 0.5 ? -1n : 1n);
const randTick = (init: boolean): Tick => ({
  initialized: init,
  liquidityNet: init ? randI128() : 0n,
  liquidityGross: init ? randU(128) : 0n,
  feeGrowthOutsideA: init ? randU(128) : 0n,
  feeGrowthOutsideB: init ? randU(128) : 0n,
  rewardGrowthsOutside: init ? [randU(128), randU(128), randU(128)] : [0n, 0n, 0n],
});

function randWhirlpoolArgs(): WhirlpoolArgs {
  return {
    whirlpoolsConfig: randAddress(),
    whirlpoolBump: randBytes(1),
    tickSpacing: Math.floor(rnd() * 65536),
    feeTierIndexSeed: randBytes(2),
    feeRate: Math.floor(rnd() * 65536),
    protocolFeeRate: Math.floor(rnd() * 65536),
    liquidity: randU(128),
    sqrtPrice: randU(128),
    tickCurrentIndex: Math.floor(rnd() * 2 ** 32) - 2 ** 31,
    protocolFeeOwedA: randU(64),
    protocolFeeOwedB: randU(64),
    tokenMintA: randAddress(),
    tokenVaultA: randAddress(),
    feeGrowthGlobalA: randU(128),
    tokenMintB: randAddress(),
    tokenVaultB: randAddress(),
    feeGrowthGlobalB: randU(128),
    rewardLastUpdatedTimestamp: randU(64),
    rewardInfos: [0, 1, 2].map(() => ({
      mint: randAddress(),
      vault: randAddress(),
      extension: randBytes(32),
      emissionsPerSecondX64: randU(128),
      growthGlobalX64: randU(128),
    })),
  };
}

function encodedAccount(data: Uint8Array): EncodedAccount {
  return {
    address: address('Czfq3xZZDmsdGdUyrNLtRhGc47cXcZtLG4crryfu44zE'),
    data,
    executable: false,
    lamports: lamports(0n),
    programAddress: address(WHIRLPOOL_PROGRAM_ID),
    space: BigInt(data.length),
  };
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof DexError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('base58', () => {
  it('matches @solana/kit on random keys and round-trips, including leading zero bytes', () => {
    for (let i = 0; i < 500; i++) {
      const b = randBytes(32);
      if (i % 50 === 0) b.fill(0, 0, 1 + (i % 7));
      expect(base58(b)).toBe(addrDecoder.decode(b));
      expect(base58ToBytes(base58(b))).toEqual(b);
    }
  });
});

describe('decodeWhirlpool', () => {
  it('equals the official client decoder on 300 encoder-built accounts', () => {
    for (let i = 0; i < 300; i++) {
      const bytes = new Uint8Array(getWhirlpoolEncoder().encode(randWhirlpoolArgs()));
      expect(bytes.length).toBe(653);
      expect(decodeWhirlpool(bytes)).toEqual(getWhirlpoolDecoder().decode(bytes));
    }
  });

  it('rejects a wrong size, discriminator and owner with codes and the account label', () => {
    const bytes = new Uint8Array(getWhirlpoolEncoder().encode(randWhirlpoolArgs()));
    expect(codeOf(() => decodeWhirlpool(bytes.subarray(0, 652), { label: 'Czfq3' }))).toBe('DEX_DECODE_SIZE');
    expect(() => decodeWhirlpool(bytes.subarray(0, 652), { label: 'Czfq3' })).toThrow(/Whirlpool Czfq3/);
    const bad = bytes.slice();
    bad[0] ^= 1;
    expect(codeOf(() => decodeWhirlpool(bad))).toBe('DEX_DECODE_DISCRIMINATOR');
    expect(codeOf(() => decodeWhirlpool(bytes, { owner: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA' }))).toBe('DEX_DECODE_OWNER');
    expect(codeOf(() => decodeWhirlpool(bytes, { owner: WHIRLPOOL_PROGRAM_ID }))).toBe('no error');
  });

  it('classifies adaptive-fee pools by fee tier index ≠ tick spacing', () => {
    expect(isAdaptiveFeePool({ feeTierIndexSeed: new Uint8Array([64, 0]), tickSpacing: 64 })).toBe(false);
    expect(isAdaptiveFeePool({ feeTierIndexSeed: new Uint8Array([0x01, 0x04]), tickSpacing: 64 })).toBe(true);
  });
});

describe('decodeTickArray', () => {
  it('fixed arrays: equals the client (decodeTickArray) on encoder-built accounts', () => {
    for (let i = 0; i < 30; i++) {
      const ticks = Array.from({ length: 88 }, () => randTick(rnd() < 0.3));
      const bytes = new Uint8Array(
        getFixedTickArrayEncoder().encode({ startTickIndex: -11264 + 5632 * i, ticks, whirlpool: randAddress() }),
      );
      expect(bytes.length).toBe(9988);
      const ours = decodeTickArray(bytes);
      expect(ours).toEqual(clientDecodeTickArray(encodedAccount(bytes)).data);
      expect(ours.ticks.filter((t) => t.initialized).length).toBe(ticks.filter((t) => t.initialized).length);
    }
  });

  it('dynamic arrays: dispatches on the discriminator and equals the client', () => {
    for (let i = 0; i < 30; i++) {
      let bitmap = 0n;
      const ticks: DynamicTickArrayArgs['ticks'] = Array.from({ length: 88 }, (_, k) => {
        if (rnd() < 0.8) return { __kind: 'Uninitialized' as const };
        bitmap |= 1n << BigInt(k);
        const t = randTick(true);
        return { __kind: 'Initialized' as const, fields: [t] as const };
      });
      const bytes = new Uint8Array(
        getDynamicTickArrayEncoder().encode({ startTickIndex: -704 * (i - 15), whirlpool: randAddress(), tickBitmap: bitmap, ticks }),
      );
      const initialized = ticks.filter((t) => t.__kind === 'Initialized').length;
      expect(bytes.length).toBe(148 + 112 * initialized);
      const ours = decodeTickArray(bytes);
      expect(ours.__kind).toBe('Dynamic');
      expect(ours).toEqual(clientDecodeTickArray(encodedAccount(bytes)).data);
    }
  });

  it('rejects unknown discriminators, wrong fixed size, and a dynamic body that disagrees with its bitmap', () => {
    const fixed = new Uint8Array(
      getFixedTickArrayEncoder().encode({ startTickIndex: 0, ticks: Array.from({ length: 88 }, () => randTick(false)), whirlpool: randAddress() }),
    );
    expect(codeOf(() => decodeTickArray(fixed.subarray(0, 9987)))).toBe('DEX_DECODE_SIZE');
    const wrong = fixed.slice();
    wrong[3] ^= 0xff;
    expect(codeOf(() => decodeTickArray(wrong, { label: '81T5k' }))).toBe('DEX_DECODE_DISCRIMINATOR');
    const dyn = new Uint8Array(
      getDynamicTickArrayEncoder().encode({
        startTickIndex: 0,
        whirlpool: randAddress(),
        tickBitmap: 1n,
        ticks: [{ __kind: 'Initialized', fields: [randTick(true)] }, ...Array.from({ length: 87 }, () => ({ __kind: 'Uninitialized' as const }))],
      }),
    );
    expect(codeOf(() => decodeTickArray(dyn))).toBe('no error');
    const truncated = dyn.subarray(0, dyn.length - 1);
    expect(codeOf(() => decodeTickArray(truncated))).toBe('DEX_DECODE_MALFORMED');
    const badBitmap = dyn.slice();
    badBitmap[44] = 0;
    expect(codeOf(() => decodeTickArray(badBitmap))).toBe('DEX_DECODE_MALFORMED');
  });
});

describe('decodeOracle', () => {
  it('equals the client decoder on encoder-built accounts', () => {
    for (let i = 0; i < 50; i++) {
      const args: OracleArgs = {
        whirlpool: randAddress(),
        tradeEnableTimestamp: randU(64),
        adaptiveFeeConstants: {
          filterPeriod: Math.floor(rnd() * 65536),
          decayPeriod: Math.floor(rnd() * 65536),
          reductionFactor: Math.floor(rnd() * 65536),
          adaptiveFeeControlFactor: Math.floor(rnd() * 2 ** 32),
          maxVolatilityAccumulator: Math.floor(rnd() * 2 ** 32),
          tickGroupSize: Math.floor(rnd() * 65536),
          majorSwapThresholdTicks: Math.floor(rnd() * 65536),
          reserved: randBytes(16),
        },
        adaptiveFeeVariables: {
          lastReferenceUpdateTimestamp: randU(64),
          lastMajorSwapTimestamp: randU(64),
          volatilityReference: Math.floor(rnd() * 2 ** 32),
          tickGroupIndexReference: Math.floor(rnd() * 2 ** 32) - 2 ** 31,
          volatilityAccumulator: Math.floor(rnd() * 2 ** 32),
          reserved: randBytes(16),
        },
        reserved: randBytes(128),
      };
      const bytes = new Uint8Array(getOracleEncoder().encode(args));
      expect(bytes.length).toBe(254);
      expect(decodeOracle(bytes)).toEqual(getOracleDecoder().decode(bytes));
    }
  });
});
