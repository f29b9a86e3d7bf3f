import {
  type AccountView,
  TOKEN_ACCOUNT_LEN,
  decodeTokenAccountState,
  isTokenAccount,
  rentExempt,
  systemAccount,
  tokenAccount,
} from './accounts.ts';
import { TokenErr, custom, fail } from './errors.ts';
import { ATA_PROGRAM, COMPUTE_BUDGET_PROGRAM, SYSTEM_PROGRAM, TOKEN_PROGRAM, WSOL_MINT, ataAddress } from './keys.ts';

/** One instruction with its accounts resolved to addresses. */
export interface Instr {
  programId: string;
  accounts: string[];
  data: Uint8Array;
}

export interface InstrCtx {
  view: AccountView;
  signers: ReadonlySet<string>;
  writable: ReadonlySet<string>;
  nowSec: bigint;
  logs: string[];
}

function u64le(d: Uint8Array, off: number): bigint {
  return new DataView(d.buffer, d.byteOffset, d.byteLength).getBigUint64(off, true);
}

function needWritable(ctx: InstrCtx, key: string): void {
  if (!ctx.writable.has(key)) fail('ReadonlyDataModified', `account ${key} is written but not marked writable`);
}

/**
 * Move `amount` raw units between two token accounts as the SPL Token program does: `authority` must
 * own the source and have signed (a program's PDA vault is authorised by the program itself, which the
 * caller states with `programSigned`), mints must match, the balance must cover it. Native (wSOL)
 * accounts move their lamports too, since their amount is backed by lamports.
 */
export function transferTokens(ctx: InstrCtx, source: string, dest: string, amount: bigint, authority: string, programSigned = false): void {
  const s = ctx.view.get(source);
  const d = ctx.view.get(dest);
  if (!isTokenAccount(s)) fail('InvalidAccountData', `source ${source} is not a token account`);
  if (!isTokenAccount(d)) fail('InvalidAccountData', `destination ${dest} is not a token account`);
  needWritable(ctx, source);
  needWritable(ctx, dest);
  const st = decodeTokenAccountState(s.data);
  const dt = decodeTokenAccountState(d.data);
  if (st.mint !== dt.mint) custom(TokenErr.MintMismatch, TOKEN_PROGRAM, 'MintMismatch');
  if (st.owner !== authority) custom(TokenErr.OwnerMismatch, TOKEN_PROGRAM, 'owner does not match');
  if (!programSigned && !ctx.signers.has(authority)) fail('MissingRequiredSignature', `token authority ${authority} did not sign`);
  if (st.amount < amount) custom(TokenErr.InsufficientFunds, TOKEN_PROGRAM, 'insufficient funds');
  if (source === dest) return;
  const native = st.isNative !== undefined;
  ctx.view.set(source, tokenAccount({ ...st, amount: st.amount - amount }, native ? s.lamports - amount : s.lamports));
  ctx.view.set(dest, tokenAccount({ ...dt, amount: dt.amount + amount }, native ? d.lamports + amount : d.lamports));
  ctx.logs.push(`Program ${TOKEN_PROGRAM} invoke [2]`, 'Program log: Instruction: Transfer', `Program ${TOKEN_PROGRAM} success`);
}

/** Credit a pool vault from outside the simulated chain (the market's own flow, not a user). */
export function adjustVault(view: AccountView, vault: string, delta: bigint): void {
  const a = view.get(vault);
  if (!isTokenAccount(a)) throw new RangeError(`vault ${vault} is not a token account`);
  const t = decodeTokenAccountState(a.data);
  if (t.amount + delta < 0n) throw new RangeError(`vault ${vault} would go negative`);
  const native = t.isNative !== undefined;
  view.set(vault, tokenAccount({ ...t, amount: t.amount + delta }, native ? a.lamports + delta : a.lamports));
}

/** SPL Token: Transfer (3), CloseAccount (9), TransferChecked (12), SyncNative (17). */
export function runTokenProgram(ctx: InstrCtx, ix: Instr): void {
  const tag = ix.data[0];
  switch (tag) {
    case 3:
      transferTokens(ctx, ix.accounts[0]!, ix.accounts[1]!, u64le(ix.data, 1), ix.accounts[2]!);
      return;
    case 12:
      transferTokens(ctx, ix.accounts[0]!, ix.accounts[2]!, u64le(ix.data, 1), ix.accounts[3]!);
      return;
    case 9: {
      const [acct, dest, owner] = ix.accounts as [string, string, string];
      const a = ctx.view.get(acct);
      if (!isTokenAccount(a)) fail('InvalidAccountData', `${acct} is not a token account`);
      const t = decodeTokenAccountState(a.data);
      if (t.owner !== owner) custom(TokenErr.OwnerMismatch, TOKEN_PROGRAM, 'owner does not match');
      if (!ctx.signers.has(owner)) fail('MissingRequiredSignature', `owner ${owner} did not sign the close`);
      if (t.isNative === undefined && t.amount !== 0n) custom(11, TOKEN_PROGRAM, 'Non-native account can only be closed if its balance is zero');
      needWritable(ctx, acct);
      needWritable(ctx, dest);
      const d = ctx.view.get(dest) ?? systemAccount(0n);
      ctx.view.set(dest, { ...d, lamports: d.lamports + a.lamports });
      ctx.view.delete(acct);
      return;
    }
    case 17: {
      const acct = ix.accounts[0]!;
      const a = ctx.view.get(acct);
      if (!isTokenAccount(a)) fail('InvalidAccountData', `${acct} is not a token account`);
      const t = decodeTokenAccountState(a.data);
      if (t.isNative === undefined) custom(TokenErr.NonNativeNotSupported, TOKEN_PROGRAM, 'NonNativeNotSupported');
      ctx.view.set(acct, tokenAccount({ ...t, amount: a.lamports - t.isNative }, a.lamports));
      return;
    }
    default:
      fail('InvalidInstructionData', `SPL Token instruction ${String(tag)} is not simulated`);
  }
}

/** Associated Token Account program: Create (0 or empty data) and CreateIdempotent (1). */
export function runAtaProgram(ctx: InstrCtx, ix: Instr): void {
  const [payer, ata, owner, mint] = ix.accounts as [string, string, string, string];
  const idempotent = ix.data[0] === 1;
  if (ata !== ataAddress(owner, mint)) fail('InvalidSeeds', `${ata} is not the associated token account of ${owner} for ${mint}`);
  const existing = ctx.view.get(ata);
  if (existing !== undefined) {
    if (idempotent && isTokenAccount(existing)) return;
    fail({ Custom: 0 }, `associated token account ${ata} already exists`);
  }
  const rent = rentExempt(TOKEN_ACCOUNT_LEN);
  debitLamports(ctx, payer, rent);
  const native = mint === WSOL_MINT;
  ctx.view.set(ata, tokenAccount({ mint, owner, amount: 0n, isNative: native ? rent : undefined }, rent));
}

function debitLamports(ctx: InstrCtx, from: string, lamports: bigint): void {
  const p = ctx.view.get(from);
  if (!ctx.signers.has(from)) fail('MissingRequiredSignature', `${from} did not sign`);
  if (p === undefined || p.lamports < lamports) fail({ Custom: 1 }, `${from} has insufficient lamports`);
  ctx.view.set(from, { ...p, lamports: p.lamports - lamports });
}

/** System program: Transfer (2) only. */
export function runSystemProgram(ctx: InstrCtx, ix: Instr): void {
  const tag = new DataView(ix.data.buffer, ix.data.byteOffset, ix.data.byteLength).getUint32(0, true);
  if (tag !== 2) fail('InvalidInstructionData', `system instruction ${tag} is not simulated`);
  const [from, to] = ix.accounts as [string, string];
  const lamports = u64le(ix.data, 4);
  debitLamports(ctx, from, lamports);
  const d = ctx.view.get(to) ?? systemAccount(0n);
  ctx.view.set(to, { ...d, lamports: d.lamports + lamports });
}

export interface ComputeBudget {
  unitLimit: number | undefined;
  microLamportsPerCu: bigint;
}

/** Compute budget instructions are read before execution (they set the fee), never "run". */
export function readComputeBudget(ixs: readonly Instr[]): ComputeBudget {
  const cb: ComputeBudget = { unitLimit: undefined, microLamportsPerCu: 0n };
  for (const ix of ixs) {
    if (ix.programId !== COMPUTE_BUDGET_PROGRAM) continue;
    const dv = new DataView(ix.data.buffer, ix.data.byteOffset, ix.data.byteLength);
    if (ix.data[0] === 2) cb.unitLimit = dv.getUint32(1, true);
    if (ix.data[0] === 3) cb.microLamportsPerCu = dv.getBigUint64(1, true);
  }
  return cb;
}

export const BUILTIN_PROGRAMS = [SYSTEM_PROGRAM, TOKEN_PROGRAM, ATA_PROGRAM, COMPUTE_BUDGET_PROGRAM] as const;
