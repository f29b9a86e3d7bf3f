import {
  base58,
  bytesEqual,
  checkDiscriminator,
  checkOwner,
  checkSize,
  fromHex,
  hex,
  i128,
  u128,
  u64,
  view,
  type DecodeOptions,
} from '../bytes.ts';
import { DexDecodeError, DexErrorCode, accountName } from '../errors.ts';
import { WHIRLPOOL_PROGRAM_ID } from '../programs.ts';

// Layouts: reference/solana-dex.md §1.1, §1.2, §1.4. Field names and value types follow the official
// Codama client (@orca-so/whirlpools-client) so a decoded object can be compared with, or passed where,
// the client's is expected (including straight into @orca-so/whirlpools-core).

export const WHIRLPOOL_SIZE = 653;
export const FIXED_TICK_ARRAY_SIZE = 9988;
export const DYNAMIC_TICK_ARRAY_MIN_SIZE = 148;
export const DYNAMIC_TICK_ARRAY_MAX_SIZE = 10004;
export const ORACLE_SIZE = 254;
export const TICK_ARRAY_SIZE = 88;

export const WHIRLPOOL_DISCRIMINATOR = fromHex('3f95d10ce1806309');
export const FIXED_TICK_ARRAY_DISCRIMINATOR = fromHex('4561bdbe6e0742bb');
export const DYNAMIC_TICK_ARRAY_DISCRIMINATOR = fromHex('11d8f68ee1c7da38');
export const ORACLE_DISCRIMINATOR = fromHex('8bc283b38cb3e5f4');

export interface WhirlpoolRewardInfo {
  mint: string;
  vault: string;
  extension: Uint8Array;
  emissionsPerSecondX64: bigint;
  growthGlobalX64: bigint;
}

export interface Whirlpool {
  discriminator: Uint8Array;
  whirlpoolsConfig: string;
  whirlpoolBump: Uint8Array;
  tickSpacing: number;
  /** u16 LE fee tier index; differs from tickSpacing exactly for adaptive-fee pools. */
  feeTierIndexSeed: Uint8Array;
  /** Hundredths of a basis point: fraction = feeRate / 1_000_000. */
  feeRate: number;
  /** Basis points of the fee. */
  protocolFeeRate: number;
  liquidity: bigint;
  /** Q64.64 */
  sqrtPrice: bigint;
  tickCurrentIndex: number;
  protocolFeeOwedA: bigint;
  protocolFeeOwedB: bigint;
  tokenMintA: string;
  tokenVaultA: string;
  feeGrowthGlobalA: bigint;
  tokenMintB: string;
  tokenVaultB: string;
  feeGrowthGlobalB: bigint;
  rewardLastUpdatedTimestamp: bigint;
  rewardInfos: WhirlpoolRewardInfo[];
}

export interface Tick {
  initialized: boolean;
  liquidityNet: bigint;
  liquidityGross: bigint;
  feeGrowthOutsideA: bigint;
  feeGrowthOutsideB: bigint;
  rewardGrowthsOutside: bigint[];
}

/** Both on-chain tick array kinds normalised to 88 `Tick`s (the shape of the client's `decodeTickArray(...).data`). */
export type TickArray =
  | { __kind: 'Fixed'; discriminator: Uint8Array; startTickIndex: number; ticks: Tick[]; whirlpool: string }
  | {
      __kind: 'Dynamic';
      discriminator: Uint8Array;
      startTickIndex: number;
      whirlpool: string;
      tickBitmap: bigint;
      ticks: Tick[];
    };

export interface AdaptiveFeeConstants {
  filterPeriod: number;
  decayPeriod: number;
  reductionFactor: number;
  adaptiveFeeControlFactor: number;
  maxVolatilityAccumulator: number;
  tickGroupSize: number;
  majorSwapThresholdTicks: number;
  reserved: Uint8Array;
}

export interface AdaptiveFeeVariables {
  lastReferenceUpdateTimestamp: bigint;
  lastMajorSwapTimestamp: bigint;
  volatilityReference: number;
  tickGroupIndexReference: number;
  volatilityAccumulator: number;
  reserved: Uint8Array;
}

export interface Oracle {
  discriminator: Uint8Array;
  whirlpool: string;
  tradeEnableTimestamp: bigint;
  adaptiveFeeConstants: AdaptiveFeeConstants;
  adaptiveFeeVariables: AdaptiveFeeVariables;
  reserved: Uint8Array;
}

export function decodeWhirlpool(data: Uint8Array, opts?: DecodeOptions): Whirlpool {
  checkOwner('Whirlpool', [WHIRLPOOL_PROGRAM_ID], opts);
  checkSize(data, WHIRLPOOL_SIZE, 'Whirlpool', opts);
  checkDiscriminator(data, WHIRLPOOL_DISCRIMINATOR, 'Whirlpool', opts);
  const dv = view(data);
  const rewardInfos: WhirlpoolRewardInfo[] = [];
  for (let i = 0; i < 3; i++) {
    const o = 269 + 128 * i;
    rewardInfos.push({
      mint: base58(data, o),
      vault: base58(data, o + 32),
      extension: data.slice(o + 64, o + 96),
      emissionsPerSecondX64: u128(dv, o + 96),
      growthGlobalX64: u128(dv, o + 112),
    });
  }
  return {
    discriminator: data.slice(0, 8),
    whirlpoolsConfig: base58(data, 8),
    whirlpoolBump: data.slice(40, 41),
    tickSpacing: dv.getUint16(41, true),
    feeTierIndexSeed: data.slice(43, 45),
    feeRate: dv.getUint16(45, true),
    protocolFeeRate: dv.getUint16(47, true),
    liquidity: u128(dv, 49),
    sqrtPrice: u128(dv, 65),
    tickCurrentIndex: dv.getInt32(81, true),
    protocolFeeOwedA: u64(dv, 85),
    protocolFeeOwedB: u64(dv, 93),
    tokenMintA: base58(data, 101),
    tokenVaultA: base58(data, 133),
    feeGrowthGlobalA: u128(dv, 165),
    tokenMintB: base58(data, 181),
    tokenVaultB: base58(data, 213),
    feeGrowthGlobalB: u128(dv, 245),
    rewardLastUpdatedTimestamp: u64(dv, 261),
    rewardInfos,
  };
}

/** fee_tier_index (u16 LE of the seed) ≠ tick_spacing ⇔ the pool charges an adaptive fee and needs its Oracle. */
export function isAdaptiveFeePool(pool: { feeTierIndexSeed: Uint8Array; tickSpacing: number }): boolean {
  const seed = pool.feeTierIndexSeed;
  return (seed[0]! | (seed[1]! << 8)) !== pool.tickSpacing;
}

// Tick body shared by both kinds (offsets relative to the liquidity_net field).
function readTick(dv: DataView, o: number, initialized: boolean): Tick {
  return {
    initialized,
    liquidityNet: i128(dv, o),
    liquidityGross: u128(dv, o + 16),
    feeGrowthOutsideA: u128(dv, o + 32),
    feeGrowthOutsideB: u128(dv, o + 48),
    rewardGrowthsOutside: [u128(dv, o + 64), u128(dv, o + 80), u128(dv, o + 96)],
  };
}

function emptyTick(): Tick {
  return {
    initialized: false,
    liquidityNet: 0n,
    liquidityGross: 0n,
    feeGrowthOutsideA: 0n,
    feeGrowthOutsideB: 0n,
    rewardGrowthsOutside: [0n, 0n, 0n],
  };
}

/** Decodes a fixed or dynamic tick array, dispatching on the discriminator (both share one PDA). */
export function decodeTickArray(data: Uint8Array, opts?: DecodeOptions): TickArray {
  checkOwner('TickArray', [WHIRLPOOL_PROGRAM_ID], opts);
  if (data.length >= 8 && bytesEqual(data, 0, FIXED_TICK_ARRAY_DISCRIMINATOR)) return decodeFixed(data, opts);
  if (data.length >= 8 && bytesEqual(data, 0, DYNAMIC_TICK_ARRAY_DISCRIMINATOR)) return decodeDynamic(data, opts);
  throw new DexDecodeError(
    DexErrorCode.DecodeDiscriminator,
    `${accountName('TickArray', opts?.label)}: discriminator ${hex(data.subarray(0, 8))} is neither fixed ` +
      `(${hex(FIXED_TICK_ARRAY_DISCRIMINATOR)}) nor dynamic (${hex(DYNAMIC_TICK_ARRAY_DISCRIMINATOR)})`,
  );
}

function decodeFixed(data: Uint8Array, opts: DecodeOptions | undefined): TickArray {
  checkSize(data, FIXED_TICK_ARRAY_SIZE, 'TickArray (fixed)', opts);
  const dv = view(data);
  const ticks: Tick[] = new Array<Tick>(TICK_ARRAY_SIZE);
  for (let i = 0; i < TICK_ARRAY_SIZE; i++) {
    const o = 12 + 113 * i;
    const flag = data[o]!;
    // An uninitialized fixed tick is all zeros on chain; skipping its 7 u128 reads is the common case.
    ticks[i] = flag === 0 && isZero(data, o + 1, 112) ? emptyTick() : readTick(dv, o + 1, flag !== 0);
  }
  return {
    __kind: 'Fixed',
    discriminator: data.slice(0, 8),
    startTickIndex: dv.getInt32(8, true),
    ticks,
    whirlpool: base58(data, 9956),
  };
}

function isZero(data: Uint8Array, off: number, len: number): boolean {
  for (let i = off; i < off + len; i++) if (data[i] !== 0) return false;
  return true;
}

function decodeDynamic(data: Uint8Array, opts: DecodeOptions | undefined): TickArray {
  const kind = 'TickArray (dynamic)';
  if (data.length < DYNAMIC_TICK_ARRAY_MIN_SIZE || data.length > DYNAMIC_TICK_ARRAY_MAX_SIZE) {
    throw new DexDecodeError(
      DexErrorCode.DecodeSize,
      `${accountName(kind, opts?.label)}: data is ${data.length} bytes, expected ${DYNAMIC_TICK_ARRAY_MIN_SIZE}..${DYNAMIC_TICK_ARRAY_MAX_SIZE}`,
    );
  }
  const dv = view(data);
  const tickBitmap = u128(dv, 44);
  const ticks: Tick[] = new Array<Tick>(TICK_ARRAY_SIZE);
  let o = 60;
  for (let i = 0; i < TICK_ARRAY_SIZE; i++) {
    const tag = data[o];
    const inBitmap = ((tickBitmap >> BigInt(i)) & 1n) === 1n;
    if (tag === 0 && !inBitmap) {
      ticks[i] = emptyTick();
      o += 1;
    } else if (tag === 1 && inBitmap && o + 113 <= data.length) {
      ticks[i] = readTick(dv, o + 1, true);
      o += 113;
    } else {
      throw new DexDecodeError(
        DexErrorCode.DecodeMalformed,
        `${accountName(kind, opts?.label)}: tick ${i} at byte ${o} has tag ${String(tag)}, bitmap bit ${inBitmap ? 1 : 0}, ` +
          `length ${data.length}; body disagrees with its bitmap or is truncated`,
      );
    }
  }
  return {
    __kind: 'Dynamic',
    discriminator: data.slice(0, 8),
    startTickIndex: dv.getInt32(8, true),
    whirlpool: base58(data, 12),
    tickBitmap,
    ticks,
  };
}

export function decodeOracle(data: Uint8Array, opts?: DecodeOptions): Oracle {
  checkOwner('Oracle', [WHIRLPOOL_PROGRAM_ID], opts);
  checkSize(data, ORACLE_SIZE, 'Oracle', opts);
  checkDiscriminator(data, ORACLE_DISCRIMINATOR, 'Oracle', opts);
  const dv = view(data);
  return {
    discriminator: data.slice(0, 8),
    whirlpool: base58(data, 8),
    tradeEnableTimestamp: u64(dv, 40),
    adaptiveFeeConstants: {
      filterPeriod: dv.getUint16(48, true),
      decayPeriod: dv.getUint16(50, true),
      reductionFactor: dv.getUint16(52, true),
      adaptiveFeeControlFactor: dv.getUint32(54, true),
      maxVolatilityAccumulator: dv.getUint32(58, true),
      tickGroupSize: dv.getUint16(62, true),
      majorSwapThresholdTicks: dv.getUint16(64, true),
      reserved: data.slice(66, 82),
    },
    adaptiveFeeVariables: {
      lastReferenceUpdateTimestamp: u64(dv, 82),
      lastMajorSwapTimestamp: u64(dv, 90),
      volatilityReference: dv.getUint32(98, true),
      tickGroupIndexReference: dv.getInt32(102, true),
      volatilityAccumulator: dv.getUint32(106, true),
      reserved: data.slice(110, 126),
    },
    reserved: data.slice(126, 254),
  };
}
