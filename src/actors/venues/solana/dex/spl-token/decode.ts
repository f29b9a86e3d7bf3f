import { base58, checkOwner, u64, view, type DecodeOptions } from '../bytes.ts';
import { DexDecodeError, DexErrorCode, accountName } from '../errors.ts';
import { SPL_TOKEN_2022_PROGRAM_ID, SPL_TOKEN_PROGRAM_ID } from '../programs.ts';

// SPL token account (165 bytes; Token-2022 accounts share the prefix and append extensions),
// reference/solana-dex.md §3. Vault balances come from `amount`, never lamports (those include rent).

export const TOKEN_ACCOUNT_SIZE = 165;
const OWNERS = [SPL_TOKEN_PROGRAM_ID, SPL_TOKEN_2022_PROGRAM_ID];

export interface TokenAccount {
  mint: string;
  owner: string;
  amount: bigint;
  /** 0 uninitialized, 1 initialized, 2 frozen. */
  state: number;
}

function checkLength(data: Uint8Array, opts: DecodeOptions | undefined): void {
  // A dataSlice subscription (offset 64, length 8) is not a token account: use readTokenAmountSlice for it.
  if (data.length < TOKEN_ACCOUNT_SIZE) {
    throw new DexDecodeError(
      DexErrorCode.DecodeSize,
      `${accountName('token account', opts?.label)}: data is ${data.length} bytes, expected at least ${TOKEN_ACCOUNT_SIZE}`,
    );
  }
}

export function decodeTokenAccount(data: Uint8Array, opts?: DecodeOptions): TokenAccount {
  checkOwner('token account', OWNERS, opts);
  checkLength(data, opts);
  return { mint: base58(data, 0), owner: base58(data, 32), amount: u64(view(data), 64), state: data[108]! };
}

/** Just the vault balance (u64 at offset 64): the only field a vault subscription needs per update. */
export function readTokenAmount(data: Uint8Array, opts?: DecodeOptions): bigint {
  checkOwner('token account', OWNERS, opts);
  checkLength(data, opts);
  return u64(view(data), 64);
}

/** Balance from an 8-byte `dataSlice {offset: 64, length: 8}` subscription. */
export function readTokenAmountSlice(data: Uint8Array, opts?: DecodeOptions): bigint {
  if (data.length !== 8) {
    throw new DexDecodeError(DexErrorCode.DecodeSize, `${accountName('token amount slice', opts?.label)}: ${data.length} bytes, expected 8`);
  }
  return u64(view(data), 0);
}
