import { ComputeBudgetProgram, PublicKey, TransactionInstruction, TransactionMessage, VersionedTransaction } from '@solana/web3.js';
import { type RoundMode, decFromNumber } from '../../../shared/decimal.ts';
import { CambistError } from '../../../shared/errors.ts';
import type { SolanaWallet } from './wallet.ts';

/**
 * Building and signing swap transactions, the priority-fee rule, and the shapes the swap builders
 * (swap-whirlpool/-raydium/-jupiter) share. Apart from `readAccount` everything here is pure or local
 * (PDA derivation, Ed25519 signing), so it is unit-tested without a node.
 */
export const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const ATA_PROGRAM = 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL';
export const SYSTEM_PROGRAM = '11111111111111111111111111111111';

export const TxCode = {
  /** A prebuilt (Jupiter) transaction that we refuse to sign: wrong fee payer, a second signer, … */
  Foreign: 'SOLANA_TX_FOREIGN',
  /** The message does not fit in one 1232-byte packet. */
  TooLarge: 'SOLANA_TX_TOO_LARGE',
  /** An account read for building (pool, vault) has an unexpected shape. */
  BadAccount: 'SOLANA_TX_BAD_ACCOUNT',
} as const;

/** The one JSON-RPC method the leg needs from a transport (`SolanaHttpRpc` in rpc.ts satisfies it). */
export interface RpcCall {
  call(method: string, params: unknown[]): Promise<unknown>;
}

/**
 * One DEX leg in raw units: sell `baseRaw` for at least `quoteLimitRaw` (exact-in), or buy exactly
 * `baseRaw` paying at most `quoteLimitRaw` (exact-out).
 */
export interface SwapIntent {
  side: 'buy' | 'sell';
  baseRaw: bigint;
  quoteLimitRaw: bigint;
}

/** What a builder hands back: our own instructions, or a whole unsigned transaction (Jupiter). */
export type BuiltSwap =
  | { kind: 'instructions'; ixs: TransactionInstruction[]; feeAccounts: string[] }
  | { kind: 'prebuilt'; base64: string; lastValidBlockHeight: number; feeAccounts: string[] };

export interface SwapBuilder {
  readonly label: string;
  build(intent: SwapIntent, ctx: { wallet: SolanaWallet; microLamportsPerCu: bigint; computeUnitLimit: number }): Promise<BuiltSwap>;
}

/** getAccountInfo (base64, processed): the account's owner and bytes, or null when it does not exist. */
export async function readAccount(rpc: RpcCall, key: string): Promise<{ owner: string; data: Uint8Array; lamports: number } | null> {
  const r = (await rpc.call('getAccountInfo', [key, { encoding: 'base64', commitment: 'processed' }])) as { value?: { owner?: unknown; data?: unknown; lamports?: unknown } | null } | null;
  const v = r?.value;
  if (v === null || v === undefined) return null;
  if (typeof v.owner !== 'string' || !Array.isArray(v.data) || typeof v.data[0] !== 'string') {
    throw new CambistError(TxCode.BadAccount, `getAccountInfo ${key}: expected {owner, data: [<base64>, "base64"]}`, { retry: 'retryable' });
  }
  return { owner: v.owner, data: Buffer.from(v.data[0], 'base64'), lamports: Number(v.lamports) };
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Base58 of any length (a signature is 64 bytes; the dex helper is sized for 32-byte keys). */
export function encodeBase58(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let s = '';
  for (; n > 0n; n /= 58n) s = B58[Number(n % 58n)]! + s;
  return '1'.repeat(zeros) + s;
}

// PDA derivation hashes until it finds an off-curve point; the same few addresses are asked for on
// every trade, so they are remembered (bounded: a leg touches a handful of mints and arrays).
const pdas = new Map<string, string>();
export function pda(programId: string, seeds: (Uint8Array | string)[]): string {
  const key = `${programId}:${seeds.map((s) => (typeof s === 'string' ? s : Buffer.from(s).toString('hex'))).join(':')}`;
  let v = pdas.get(key);
  if (v === undefined) {
    v = PublicKey.findProgramAddressSync(seeds.map((s) => (typeof s === 'string' ? Buffer.from(s) : Buffer.from(s))), new PublicKey(programId))[0].toBase58();
    if (pdas.size > 10_000) pdas.clear();
    pdas.set(key, v);
  }
  return v;
}

export function ataAddress(owner: string, mint: string, tokenProgram = TOKEN_PROGRAM): string {
  return pda(ATA_PROGRAM, [new PublicKey(owner).toBytes(), new PublicKey(tokenProgram).toBytes(), new PublicKey(mint).toBytes()]);
}

const meta = (k: string, isWritable: boolean, isSigner = false): { pubkey: PublicKey; isSigner: boolean; isWritable: boolean } => ({ pubkey: new PublicKey(k), isSigner, isWritable });

/** ATA program CreateIdempotent (1): a no-op when the account exists, so it is safe to always include. */
export function createAtaIdempotentIx(payer: string, owner: string, mint: string): TransactionInstruction {
  return new TransactionInstruction({
    programId: new PublicKey(ATA_PROGRAM),
    keys: [meta(payer, true, true), meta(ataAddress(owner, mint), true), meta(owner, false), meta(mint, false), meta(SYSTEM_PROGRAM, false), meta(TOKEN_PROGRAM, false)],
    data: Buffer.from([1]),
  });
}

export function computeBudgetIxs(unitLimit: number, microLamportsPerCu: bigint): TransactionInstruction[] {
  return [
    ComputeBudgetProgram.setComputeUnitLimit({ units: unitLimit }),
    ComputeBudgetProgram.setComputeUnitPrice({ microLamports: microLamportsPerCu }),
  ];
}

/** An instruction as @solana/kit / Codama clients (whirlpools-client) produce it. */
export interface KitInstruction {
  programAddress: string;
  accounts?: readonly { address: string; role: number }[];
  data?: Uint8Array | ArrayLike<number>;
}

/** kit → web3.js. AccountRole: bit 0 = writable, bit 1 = signer (READONLY 0 … WRITABLE_SIGNER 3). */
export function fromKitInstruction(ix: KitInstruction): TransactionInstruction {
  return new TransactionInstruction({
    programId: new PublicKey(ix.programAddress),
    keys: (ix.accounts ?? []).map((a) => meta(a.address, (a.role & 1) === 1, (a.role & 2) === 2)),
    data: Buffer.from(Uint8Array.from(ix.data ?? [])),
  });
}

/** A fully signed transaction: the bytes we send (and re-send unchanged) and its first signature. */
export interface SignedTx {
  signature: string;
  bytes: Uint8Array;
  base64: string;
  blockhash: string;
  lastValidBlockHeight: number;
}

const PACKET_DATA_SIZE = 1232;

function finish(wallet: SolanaWallet, tx: VersionedTransaction, lastValidBlockHeight: number): SignedTx {
  wallet.signTransaction(tx);
  const bytes = tx.serialize();
  if (bytes.length > PACKET_DATA_SIZE) throw new CambistError(TxCode.TooLarge, `transaction is ${bytes.length} bytes, above the ${PACKET_DATA_SIZE}-byte packet limit`);
  return { signature: encodeBase58(tx.signatures[0]!), bytes, base64: Buffer.from(bytes).toString('base64'), blockhash: tx.message.recentBlockhash, lastValidBlockHeight };
}

/** v0 message without lookup tables, fee payer = the wallet, signed. */
export function buildSignedTx(wallet: SolanaWallet, ixs: TransactionInstruction[], blockhash: string, lastValidBlockHeight: number): SignedTx {
  const msg = new TransactionMessage({ payerKey: new PublicKey(wallet.publicKey), recentBlockhash: blockhash, instructions: ixs }).compileToV0Message();
  return finish(wallet, new VersionedTransaction(msg), lastValidBlockHeight);
}

/**
 * Sign a transaction someone else built (Jupiter /swap): only if we are its fee payer and its only
 * required signer, so a malformed or hostile answer cannot make us co-sign for another account.
 */
export function signPrebuiltTx(wallet: SolanaWallet, base64: string, lastValidBlockHeight: number): SignedTx {
  let tx: VersionedTransaction;
  try {
    tx = VersionedTransaction.deserialize(Buffer.from(base64, 'base64'));
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    throw new CambistError(TxCode.Foreign, `prebuilt transaction does not deserialize: ${e.message}`, { cause: e });
  }
  const m = tx.message;
  const payer = m.staticAccountKeys[0]?.toBase58();
  if (payer !== wallet.publicKey) throw new CambistError(TxCode.Foreign, `prebuilt transaction's fee payer ${String(payer)} is not our wallet ${wallet.publicKey}`);
  if (m.header.numRequiredSignatures !== 1) throw new CambistError(TxCode.Foreign, `prebuilt transaction wants ${m.header.numRequiredSignatures} signatures; we only sign alone`);
  return finish(wallet, tx, lastValidBlockHeight);
}

/** The instructions of a signed transaction (program id + account list), for checks before sending. */
export function instructionsOf(bytes: Uint8Array): { programId: string; accounts: string[]; data: Uint8Array }[] {
  const m = VersionedTransaction.deserialize(bytes).message;
  const keys = m.staticAccountKeys.map((k) => k.toBase58());
  return m.compiledInstructions.map((ci) => ({ programId: keys[ci.programIdIndex]!, accounts: ci.accountKeyIndexes.map((i) => keys[i]!), data: Uint8Array.from(ci.data) }));
}

/**
 * Priority fee from the expected edge. The rule:
 *
 *   market  = the `percentile`-th (nearest rank) of getRecentPrioritizationFees for our pool account
 *             over the last `slots` slots (micro-lamports per CU; slots where no transaction locked
 *             the pool count as 0, as the node reports them), at least `minMicroLamports`;
 *   wanted  = ceil(market × computeUnitLimit / 1e6) lamports;
 *   cap     = min(maxLamports, floor(edgeFraction × expected PnL in lamports)), where expected PnL in
 *             lamports = expectedPnlQuote / solPriceQuote × 1e9 (0 when the edge is ≤ 0; maxLamports
 *             alone when the caller gave no expected PnL);
 *   paid    = min(wanted, cap), expressed back as a CU price = floor(paid × 1e6 / computeUnitLimit).
 *
 * So a trade never spends more than `edgeFraction` of what it expects to earn on getting included,
 * and a thin edge pays less than the going rate rather than turning a profit into a loss.
 */
export interface PriorityFeePolicy {
  percentile: number;
  slots: number;
  computeUnitLimit: number;
  edgeFraction: number;
  minMicroLamports: number;
  maxLamports: number;
}

export const DEFAULT_PRIORITY_POLICY: PriorityFeePolicy = {
  percentile: 75,
  slots: 50,
  computeUnitLimit: 200_000,
  edgeFraction: 0.2,
  minMicroLamports: 0,
  maxLamports: 2_000_000,
};

export interface PriorityFee {
  microLamportsPerCu: bigint;
  /** Priority part only (the 5 000-lamport signature fee comes on top). */
  lamports: bigint;
  marketMicroLamports: number;
  capLamports: number;
  capped: boolean;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1]!;
}

export function choosePriorityFee(
  recent: readonly { slot: number; fee: number }[],
  policy: PriorityFeePolicy,
  edge: { expectedPnlQuote?: number; solPriceQuote?: number },
): PriorityFee {
  const window = [...recent].sort((a, b) => a.slot - b.slot).slice(-policy.slots).map((e) => (Number.isFinite(e.fee) && e.fee > 0 ? e.fee : 0));
  const market = Math.max(policy.minMicroLamports, percentile(window, policy.percentile));
  const cu = policy.computeUnitLimit;
  const wanted = Math.ceil((market * cu) / 1e6);
  let cap = policy.maxLamports;
  const pnl = edge.expectedPnlQuote;
  const px = edge.solPriceQuote;
  if (pnl !== undefined && Number.isFinite(pnl)) {
    const edgeLamports = pnl <= 0 ? 0 : px !== undefined && px > 0 ? Math.floor(((policy.edgeFraction * pnl) / px) * 1e9) : cap;
    cap = Math.min(cap, edgeLamports);
  }
  const paid = Math.max(0, Math.min(wanted, cap));
  const micro = paid === wanted ? BigInt(Math.floor(market)) : BigInt(Math.floor((paid * 1e6) / cu));
  return { microLamportsPerCu: micro, lamports: (micro * BigInt(cu) + 999_999n) / 1_000_000n, marketMicroLamports: market, capLamports: cap, capped: wanted > cap };
}

/** A float amount to raw token units, through its intended decimal (no float artefacts), rounded `mode`. */
export function toRaw(x: number, decimals: number, mode: RoundMode): bigint {
  const d = decFromNumber(x);
  if (d.scale <= decimals) return d.units * 10n ** BigInt(decimals - d.scale);
  const div = 10n ** BigInt(d.scale - decimals);
  const q = d.units / div;
  const exact = q * div === d.units;
  return exact ? q : mode === 'up' ? (d.units > 0n ? q + 1n : q) : d.units < 0n ? q - 1n : q;
}

/** A JSON `TransactionError` ("BlockhashNotFound", {InstructionError: [2, {Custom: 6036}]}, …) in words. */
export function describeTxError(err: unknown, programOf: (ixIndex: number) => string | undefined, names: Readonly<Record<string, Readonly<Record<number, string>>>>): string {
  if (typeof err === 'string') return err;
  const ie = (err as { InstructionError?: unknown } | null)?.InstructionError;
  if (Array.isArray(ie) && typeof ie[0] === 'number') {
    const program = programOf(ie[0]);
    const detail = ie[1] as { Custom?: unknown } | string;
    if (typeof detail === 'object' && detail !== null && typeof detail.Custom === 'number') {
      const name = program !== undefined ? names[program]?.[detail.Custom] : undefined;
      return `instruction ${ie[0]} (${program ?? 'unknown program'}) failed: custom program error ${detail.Custom}${name ? ` ${name}` : ''}`;
    }
    return `instruction ${ie[0]} (${program ?? 'unknown program'}) failed: ${JSON.stringify(detail)}`;
  }
  return JSON.stringify(err);
}

interface TokenBalanceJson {
  accountIndex?: unknown;
  mint?: unknown;
  owner?: unknown;
  uiTokenAmount?: { amount?: unknown };
}

/** What a landed transaction did to the wallet, read from its own meta (pre/postTokenBalances, fee). */
export interface TxEffect {
  err: unknown;
  feeLamports: bigint;
  baseDelta: bigint;
  quoteDelta: bigint;
  slot: number;
  signature: string | undefined;
}

/**
 * Token balance changes of the wallet's accounts for the two mints. An entry counts when its `owner`
 * is the wallet, or (nodes that omit `owner`) when its account is one of the wallet's ATAs.
 */
export function effectOf(tx: unknown, wallet: string, mints: { base: string; quote: string }, ours: ReadonlySet<string>): TxEffect {
  const t = tx as { slot?: unknown; meta?: { err?: unknown; fee?: unknown; preTokenBalances?: unknown; postTokenBalances?: unknown } | null; transaction?: { signatures?: unknown; message?: { accountKeys?: unknown; staticAccountKeys?: unknown } } } | null;
  const meta = t?.meta;
  if (meta === null || meta === undefined || typeof meta.fee !== 'number') throw new CambistError(TxCode.BadAccount, 'getTransaction: expected meta with fee');
  const keys = (t?.transaction?.message?.accountKeys ?? []) as unknown[];
  const keyAt = (i: unknown): string | undefined => {
    const k = typeof i === 'number' ? keys[i] : undefined;
    return typeof k === 'string' ? k : typeof (k as { pubkey?: unknown } | undefined)?.pubkey === 'string' ? (k as { pubkey: string }).pubkey : undefined;
  };
  const sum = (list: unknown, mint: string): bigint => {
    let s = 0n;
    for (const b of (Array.isArray(list) ? list : []) as TokenBalanceJson[]) {
      if (b.mint !== mint) continue;
      const mine = b.owner === wallet || (b.owner === undefined && ours.has(keyAt(b.accountIndex) ?? ''));
      if (mine && typeof b.uiTokenAmount?.amount === 'string') s += BigInt(b.uiTokenAmount.amount);
    }
    return s;
  };
  const sigs = t?.transaction?.signatures;
  return {
    err: meta.err ?? null,
    feeLamports: BigInt(meta.fee),
    baseDelta: sum(meta.postTokenBalances, mints.base) - sum(meta.preTokenBalances, mints.base),
    quoteDelta: sum(meta.postTokenBalances, mints.quote) - sum(meta.preTokenBalances, mints.quote),
    slot: Number(t?.slot ?? 0),
    signature: Array.isArray(sigs) && typeof sigs[0] === 'string' ? sigs[0] : undefined,
  };
}
