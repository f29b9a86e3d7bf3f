import { createHash, createPublicKey, verify } from 'node:crypto';
import { PublicKey } from '@solana/web3.js';

// Program ids and mints (reference/solana-dex.md §5) plus the system programs a swap transaction touches.
export const WHIRLPOOL_PROGRAM = 'whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc';
export const RAYDIUM_AMM_V4_PROGRAM = '675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8';
export const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const ATA_PROGRAM = 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL';
export const SYSTEM_PROGRAM = '11111111111111111111111111111111';
export const COMPUTE_BUDGET_PROGRAM = 'ComputeBudget111111111111111111111111111111';
export const MEMO_PROGRAM = 'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr';
export const WHIRLPOOLS_CONFIG = '2LecshUwdy9xi7meFgHtFJQNSKk4KdTrcpvaB56dP2NQ';
export const RAYDIUM_AMM_AUTHORITY = '5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1';
export const OPENBOOK_PROGRAM = 'srmqPvymJeFKQ4zGQed1GFppgkRHL9kaELCbyksJtPX';
export const WSOL_MINT = 'So11111111111111111111111111111111111111112';
export const USDC_MINT = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';

/**
 * Addresses of accounts the simulator invents (Raydium vaults, market accounts, wallets): sha256 of a
 * name, so they are stable across runs and never collide with the real addresses above.
 */
export function simAddress(name: string): string {
  return new PublicKey(createHash('sha256').update(`cambist-sim:${name}`).digest()).toBase58();
}

// PDA derivation hashes until it finds an off-curve point (~1 ms); the slot loop asks for the same
// tick-array and ATA addresses every slot, so they are remembered.
const pdaCache = new Map<string, string>();
function memo(key: string, derive: () => string): string {
  let v = pdaCache.get(key);
  if (v === undefined) {
    v = derive();
    if (pdaCache.size > 100_000) pdaCache.clear();
    pdaCache.set(key, v);
  }
  return v;
}

export function ataAddress(owner: string, mint: string): string {
  return memo(`ata:${owner}:${mint}`, () => PublicKey.findProgramAddressSync(
    [new PublicKey(owner).toBuffer(), new PublicKey(TOKEN_PROGRAM).toBuffer(), new PublicKey(mint).toBuffer()],
    new PublicKey(ATA_PROGRAM),
  )[0].toBase58());
}

export function tickArrayAddress(whirlpool: string, start: number): string {
  return memo(`ta:${whirlpool}:${start}`, () => PublicKey.findProgramAddressSync(
    [Buffer.from('tick_array'), new PublicKey(whirlpool).toBuffer(), Buffer.from(String(start))],
    new PublicKey(WHIRLPOOL_PROGRAM),
  )[0].toBase58());
}

export function oracleAddress(whirlpool: string): string {
  return PublicKey.findProgramAddressSync([Buffer.from('oracle'), new PublicKey(whirlpool).toBuffer()], new PublicKey(WHIRLPOOL_PROGRAM))[0].toBase58();
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Base58 of any length (signatures are 64 bytes; the in-repo pubkey helper is sized for 32). */
export function toBase58(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let s = '';
  while (n > 0n) {
    s = B58[Number(n % 58n)] + s;
    n /= 58n;
  }
  return '1'.repeat(zeros) + s;
}

/** Decode base58; undefined for a character outside the alphabet. */
export function fromBase58(text: string): Uint8Array | undefined {
  let n = 0n;
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  for (const c of text) {
    const d = B58.indexOf(c);
    if (d < 0) return undefined;
    n = n * 58n + BigInt(d);
  }
  const body: number[] = [];
  while (n > 0n) {
    body.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...body]);
}

export function isPubkey(text: unknown): text is string {
  if (typeof text !== 'string' || text.length < 32 || text.length > 44) return false;
  return fromBase58(text)?.length === 32;
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Ed25519 signature check as the runtime does it (node:crypto; no extra dependency). */
export function verifyEd25519(pubkey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, pubkey]), format: 'der', type: 'spki' });
  return verify(null, message, key, signature);
}

/** A deterministic 32-byte hash (blockhashes per slot). */
export function hash32(text: string): Uint8Array {
  return createHash('sha256').update(text).digest();
}
