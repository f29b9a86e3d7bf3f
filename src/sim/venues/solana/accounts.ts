import { SYSTEM_PROGRAM, TOKEN_PROGRAM } from './keys.ts';
import { PublicKey } from '@solana/web3.js';

export interface Account {
  lamports: bigint;
  owner: string;
  data: Uint8Array;
  executable: boolean;
}

/** Rent-exempt minimum (lamports) for `size` bytes: (size + 128) × 3480 × 2, as the runtime computes it. */
export function rentExempt(size: number): bigint {
  return BigInt(size + 128) * 6960n;
}

/**
 * Reads and writes of account state. The chain's base store and a transaction's overlay both implement
 * it, so an instruction runs the same code whether it is simulated (preflight) or landing.
 */
export interface AccountView {
  get(key: string): Account | undefined;
  set(key: string, acc: Account): void;
  delete(key: string): void;
}

/** The chain's accounts. Writers mark accounts dirty; the slot loop turns dirty marks into notifications. */
export class AccountStore implements AccountView {
  private readonly map = new Map<string, Account>();
  private readonly dirty = new Set<string>();

  get(key: string): Account | undefined {
    return this.map.get(key);
  }

  set(key: string, acc: Account): void {
    this.map.set(key, acc);
    this.dirty.add(key);
  }

  delete(key: string): void {
    if (this.map.delete(key)) this.dirty.add(key);
  }

  /** Every account whose data or lamports changed since the last call (deleted ones included). */
  takeDirty(): string[] {
    const out = [...this.dirty];
    this.dirty.clear();
    return out;
  }

  entries(): IterableIterator<[string, Account]> {
    return this.map.entries();
  }
}

/** Copy-on-write view for one transaction: committed only when every instruction succeeded. */
export class Overlay implements AccountView {
  private readonly writes = new Map<string, Account | null>();
  constructor(private readonly base: AccountView) {}

  get(key: string): Account | undefined {
    const w = this.writes.get(key);
    if (w === null) return undefined;
    return w ?? this.base.get(key);
  }

  set(key: string, acc: Account): void {
    this.writes.set(key, acc);
  }

  delete(key: string): void {
    this.writes.set(key, null);
  }

  commit(): void {
    for (const [k, v] of this.writes) {
      if (v === null) this.base.delete(k);
      else this.base.set(k, v);
    }
  }
}

// SPL token account, 165 bytes (reference §3): mint 0, owner 32, amount @64, delegate COption @72,
// state @108, is_native COption<u64> @109, delegated_amount @121, close_authority COption @129.
export const TOKEN_ACCOUNT_LEN = 165;
export const MINT_LEN = 82;

export interface TokenAccountState {
  mint: string;
  owner: string;
  amount: bigint;
  /** Rent reserve of a native (wSOL) account; undefined for other mints. */
  isNative?: bigint;
}

export function encodeTokenAccount(t: TokenAccountState): Uint8Array {
  const d = new Uint8Array(TOKEN_ACCOUNT_LEN);
  const dv = new DataView(d.buffer);
  d.set(new PublicKey(t.mint).toBytes(), 0);
  d.set(new PublicKey(t.owner).toBytes(), 32);
  dv.setBigUint64(64, t.amount, true);
  d[108] = 1; // Initialized
  if (t.isNative !== undefined) {
    dv.setUint32(109, 1, true);
    dv.setBigUint64(113, t.isNative, true);
  }
  return d;
}

export function decodeTokenAccountState(d: Uint8Array): TokenAccountState {
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const native = dv.getUint32(109, true) === 1;
  return {
    mint: new PublicKey(d.subarray(0, 32)).toBase58(),
    owner: new PublicKey(d.subarray(32, 64)).toBase58(),
    amount: dv.getBigUint64(64, true),
    isNative: native ? dv.getBigUint64(113, true) : undefined,
  };
}

export function tokenAccount(t: TokenAccountState, lamports?: bigint): Account {
  return { lamports: lamports ?? rentExempt(TOKEN_ACCOUNT_LEN) + (t.isNative !== undefined ? t.amount : 0n), owner: TOKEN_PROGRAM, data: encodeTokenAccount(t), executable: false };
}

/** SPL mint (82 bytes): no mint authority, supply, decimals, initialized, no freeze authority. */
export function mintAccount(supply: bigint, decimals: number): Account {
  const d = new Uint8Array(MINT_LEN);
  const dv = new DataView(d.buffer);
  dv.setBigUint64(36, supply, true);
  d[44] = decimals;
  d[45] = 1;
  return { lamports: rentExempt(MINT_LEN), owner: TOKEN_PROGRAM, data: d, executable: false };
}

export function systemAccount(lamports: bigint): Account {
  return { lamports, owner: SYSTEM_PROGRAM, data: new Uint8Array(0), executable: false };
}

export function programAccount(): Account {
  return { lamports: 1_141_440n, owner: 'BPFLoaderUpgradeab1e11111111111111111111111', data: new Uint8Array(36), executable: true };
}

export function isTokenAccount(a: Account | undefined): a is Account {
  return a !== undefined && a.owner === TOKEN_PROGRAM && a.data.length === TOKEN_ACCOUNT_LEN;
}
