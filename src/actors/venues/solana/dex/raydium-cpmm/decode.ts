import { base58, checkDiscriminator, checkOwner, checkSize, fromHex, u64, view, type DecodeOptions } from '../bytes.ts';
import { RAYDIUM_CPMM_PROGRAM_ID } from '../programs.ts';

// Raydium CP-Swap PoolState (637 bytes) and AmmConfig (236 bytes), Anchor zero-copy, packed
// (reference/solana-dex.md §2.2). Raydium CLMM's pool shares PoolState's discriminator, so pass the
// owner whenever the RPC gives it.

export const CPMM_POOL_SIZE = 637;
export const CPMM_CONFIG_SIZE = 236;
export const CPMM_POOL_DISCRIMINATOR = fromHex('f7ede3f5d7c3de46');
export const CPMM_CONFIG_DISCRIMINATOR = fromHex('daf42168cbcb2b6f');

/** status bit 2 (value 4) set ⇒ swaps disabled. */
export const CPMM_STATUS_SWAP_DISABLED = 4;

export interface CpmmPool {
  ammConfig: string;
  poolCreator: string;
  token0Vault: string;
  token1Vault: string;
  lpMint: string;
  token0Mint: string;
  token1Mint: string;
  token0Program: string;
  token1Program: string;
  observationKey: string;
  authBump: number;
  status: number;
  lpMintDecimals: number;
  mint0Decimals: number;
  mint1Decimals: number;
  lpSupply: bigint;
  protocolFeesToken0: bigint;
  protocolFeesToken1: bigint;
  fundFeesToken0: bigint;
  fundFeesToken1: bigint;
  openTime: bigint;
  recentEpoch: bigint;
  /** 0: creator fee on either input token, 1: only when token0 is the input, 2: only token1. */
  creatorFeeOn: number;
  enableCreatorFee: boolean;
  creatorFeesToken0: bigint;
  creatorFeesToken1: bigint;
}

export interface CpmmConfig {
  bump: number;
  disableCreatePool: boolean;
  index: number;
  /** All rates /1_000_000; protocol and fund rates are fractions of the trade fee. */
  tradeFeeRate: bigint;
  protocolFeeRate: bigint;
  fundFeeRate: bigint;
  createPoolFee: bigint;
  protocolOwner: string;
  fundOwner: string;
  creatorFeeRate: bigint;
}

export function decodeCpmmPool(data: Uint8Array, opts?: DecodeOptions): CpmmPool {
  checkOwner('Raydium CPMM pool', [RAYDIUM_CPMM_PROGRAM_ID], opts);
  checkSize(data, CPMM_POOL_SIZE, 'Raydium CPMM pool', opts);
  checkDiscriminator(data, CPMM_POOL_DISCRIMINATOR, 'Raydium CPMM pool', opts);
  const dv = view(data);
  return {
    ammConfig: base58(data, 8),
    poolCreator: base58(data, 40),
    token0Vault: base58(data, 72),
    token1Vault: base58(data, 104),
    lpMint: base58(data, 136),
    token0Mint: base58(data, 168),
    token1Mint: base58(data, 200),
    token0Program: base58(data, 232),
    token1Program: base58(data, 264),
    observationKey: base58(data, 296),
    authBump: data[328]!,
    status: data[329]!,
    lpMintDecimals: data[330]!,
    mint0Decimals: data[331]!,
    mint1Decimals: data[332]!,
    lpSupply: u64(dv, 333),
    protocolFeesToken0: u64(dv, 341),
    protocolFeesToken1: u64(dv, 349),
    fundFeesToken0: u64(dv, 357),
    fundFeesToken1: u64(dv, 365),
    openTime: u64(dv, 373),
    recentEpoch: u64(dv, 381),
    creatorFeeOn: data[389]!,
    enableCreatorFee: data[390] !== 0,
    creatorFeesToken0: u64(dv, 397),
    creatorFeesToken1: u64(dv, 405),
  };
}

export function decodeCpmmConfig(data: Uint8Array, opts?: DecodeOptions): CpmmConfig {
  checkOwner('Raydium CPMM AmmConfig', [RAYDIUM_CPMM_PROGRAM_ID], opts);
  checkSize(data, CPMM_CONFIG_SIZE, 'Raydium CPMM AmmConfig', opts);
  checkDiscriminator(data, CPMM_CONFIG_DISCRIMINATOR, 'Raydium CPMM AmmConfig', opts);
  const dv = view(data);
  return {
    bump: data[8]!,
    disableCreatePool: data[9] !== 0,
    index: dv.getUint16(10, true),
    tradeFeeRate: u64(dv, 12),
    protocolFeeRate: u64(dv, 20),
    fundFeeRate: u64(dv, 28),
    createPoolFee: u64(dv, 36),
    protocolOwner: base58(data, 44),
    fundOwner: base58(data, 76),
    creatorFeeRate: u64(dv, 108),
  };
}
