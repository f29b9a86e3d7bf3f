import { VersionedTransaction } from '@solana/web3.js';
import { type AccountView, Overlay, decodeTokenAccountState, isTokenAccount } from './accounts.ts';
import { type TxErrJson, InstructionFailure, RaydiumErr, WhirlpoolErr } from './errors.ts';
import { ATA_PROGRAM, COMPUTE_BUDGET_PROGRAM, RAYDIUM_AMM_V4_PROGRAM, SYSTEM_PROGRAM, TOKEN_PROGRAM, WHIRLPOOL_PROGRAM, toBase58, verifyEd25519 } from './keys.ts';
import { runAmmV4Program } from './raydium.ts';
import { type Instr, type InstrCtx, readComputeBudget, runAtaProgram, runSystemProgram, runTokenProgram } from './token.ts';
import { runWhirlpoolProgram } from './whirlpool.ts';

export const LAMPORTS_PER_SIGNATURE = 5000n;
const DEFAULT_CU_PER_IX = 200_000;
const MAX_CU = 1_400_000;

/** A transaction as the node sees it after deserialising: keys resolved, signatures not yet checked. */
export interface ParsedTx {
  bytes: Uint8Array;
  tx: VersionedTransaction;
  signature: string;
  version: 'legacy' | 0;
  keys: string[];
  signers: Set<string>;
  writable: Set<string>;
  ixs: Instr[];
  recentBlockhash: string;
}

/** Deserialize a wire transaction (legacy or v0); undefined when the bytes are not a transaction. */
export function parseTx(bytes: Uint8Array): ParsedTx | undefined {
  let tx: VersionedTransaction;
  try {
    tx = VersionedTransaction.deserialize(bytes);
  } catch (e) {
    if (e instanceof Error) return undefined; // malformed bytes: the caller answers with a JSON-RPC error
    throw e;
  }
  const m = tx.message;
  const keys = m.staticAccountKeys.map((k) => k.toBase58());
  const signers = new Set<string>();
  const writable = new Set<string>();
  keys.forEach((k, i) => {
    if (m.isAccountSigner(i)) signers.add(k);
    if (m.isAccountWritable(i)) writable.add(k);
  });
  const ixs = m.compiledInstructions.map((ci) => ({
    programId: keys[ci.programIdIndex] ?? '',
    accounts: ci.accountKeyIndexes.map((i) => keys[i] ?? ''),
    data: Uint8Array.from(ci.data),
  }));
  return {
    bytes,
    tx,
    signature: toBase58(tx.signatures[0] ?? new Uint8Array(64)),
    version: m.version,
    keys,
    signers,
    writable,
    ixs,
    recentBlockhash: m.recentBlockhash,
  };
}

export function usesLookupTables(p: ParsedTx): boolean {
  return p.tx.message.addressTableLookups.length > 0;
}

/** Every required signature present and valid over the serialized message. */
export function signaturesValid(p: ParsedTx): boolean {
  const m = p.tx.message;
  const n = m.header.numRequiredSignatures;
  if (p.tx.signatures.length !== n) return false;
  const msg = m.serialize();
  for (let i = 0; i < n; i++) {
    const sig = p.tx.signatures[i]!;
    if (sig.every((b) => b === 0)) return false;
    if (!verifyEd25519(m.staticAccountKeys[i]!.toBytes(), msg, sig)) return false;
  }
  return true;
}

export interface Fee {
  total: bigint;
  unitLimit: number;
  microLamportsPerCu: bigint;
}

export function txFee(p: ParsedTx): Fee {
  const cb = readComputeBudget(p.ixs);
  const nonCb = p.ixs.filter((ix) => ix.programId !== COMPUTE_BUDGET_PROGRAM).length;
  const unitLimit = Math.min(cb.unitLimit ?? DEFAULT_CU_PER_IX * nonCb, MAX_CU);
  const prio = (BigInt(unitLimit) * cb.microLamportsPerCu + 999_999n) / 1_000_000n;
  return { total: LAMPORTS_PER_SIGNATURE * BigInt(p.tx.message.header.numRequiredSignatures) + prio, unitLimit, microLamportsPerCu: cb.microLamportsPerCu };
}

export interface TokenBalance {
  accountIndex: number;
  mint: string;
  owner: string;
  programId: string;
  uiTokenAmount: { amount: string; decimals: number; uiAmount: number | null; uiAmountString: string };
}

export interface ExecResult {
  /** Undefined when the fee payer cannot pay: the transaction is not included at all. */
  err: TxErrJson | null;
  fee: bigint;
  logs: string[];
  computeUnits: number;
  preBalances: number[];
  postBalances: number[];
  preTokenBalances: TokenBalance[];
  postTokenBalances: TokenBalance[];
}

const CU_COST: Record<string, number> = {
  [WHIRLPOOL_PROGRAM]: 48_000, [RAYDIUM_AMM_V4_PROGRAM]: 31_000, [TOKEN_PROGRAM]: 4_600, [ATA_PROGRAM]: 21_000, [SYSTEM_PROGRAM]: 150, [COMPUTE_BUDGET_PROGRAM]: 150,
};

type Runner = (ctx: InstrCtx, ix: Instr) => void;
const RUNNERS: Record<string, Runner> = {
  [WHIRLPOOL_PROGRAM]: runWhirlpoolProgram,
  [RAYDIUM_AMM_V4_PROGRAM]: runAmmV4Program,
  [TOKEN_PROGRAM]: runTokenProgram,
  [ATA_PROGRAM]: runAtaProgram,
  [SYSTEM_PROGRAM]: runSystemProgram,
  [COMPUTE_BUDGET_PROGRAM]: () => undefined,
};

function decimalsOf(view: AccountView, mint: string): number {
  const m = view.get(mint);
  return m !== undefined && m.data.length >= 45 ? m.data[44]! : 0;
}

function formatUi(amount: bigint, decimals: number): string {
  const s = amount.toString().padStart(decimals + 1, '0');
  const whole = decimals === 0 ? s : s.slice(0, s.length - decimals);
  const frac = decimals === 0 ? '' : s.slice(s.length - decimals).replace(/0+$/, '');
  return frac === '' ? whole : `${whole}.${frac}`;
}

function tokenBalances(view: AccountView, keys: string[]): TokenBalance[] {
  const out: TokenBalance[] = [];
  keys.forEach((k, i) => {
    const a = view.get(k);
    if (!isTokenAccount(a)) return;
    const t = decodeTokenAccountState(a.data);
    const decimals = decimalsOf(view, t.mint);
    const ui = formatUi(t.amount, decimals);
    out.push({ accountIndex: i, mint: t.mint, owner: t.owner, programId: TOKEN_PROGRAM, uiTokenAmount: { amount: t.amount.toString(), decimals, uiAmount: Number(ui), uiAmountString: ui } });
  });
  return out;
}

/** Index of the swap instruction a forced failure (fault) is charged to: the first pool swap, else the last. */
function swapIndex(p: ParsedTx): number {
  const i = p.ixs.findIndex((ix) => ix.programId === WHIRLPOOL_PROGRAM || ix.programId === RAYDIUM_AMM_V4_PROGRAM);
  return i >= 0 ? i : p.ixs.length - 1;
}

export type PayerProblem = 'AccountNotFound' | 'InsufficientFundsForFee';

export function payerProblem(view: AccountView, p: ParsedTx, fee: bigint): PayerProblem | undefined {
  const payer = view.get(p.keys[0]!);
  if (payer === undefined || payer.lamports === 0n) return 'AccountNotFound';
  return payer.lamports < fee ? 'InsufficientFundsForFee' : undefined;
}

/**
 * Run a transaction as the bank would: the fee is taken from the payer first and kept even if an
 * instruction fails; the instructions' writes are all-or-nothing. `commit` false = preflight simulation.
 * `forceFail` (a fault) makes the swap instruction fail as on a slippage check.
 */
export function executeTx(base: AccountView, p: ParsedTx, nowSec: bigint, commit: boolean, forceFail = false): ExecResult {
  const fee = txFee(p);
  const feeView = new Overlay(base);
  const preBalances = p.keys.map((k) => Number(base.get(k)?.lamports ?? 0n));
  const preTokenBalances = tokenBalances(base, p.keys);
  const payer = feeView.get(p.keys[0]!)!;
  feeView.set(p.keys[0]!, { ...payer, lamports: payer.lamports - fee.total });
  const inner = new Overlay(feeView);
  const ctx: InstrCtx = { view: inner, signers: p.signers, writable: p.writable, nowSec, logs: [] };
  let err: TxErrJson | null = null;
  let cu = 0;
  for (let i = 0; i < p.ixs.length; i++) {
    const ix = p.ixs[i]!;
    const run = RUNNERS[ix.programId];
    ctx.logs.push(`Program ${ix.programId} invoke [1]`);
    const used = CU_COST[ix.programId] ?? 1_000;
    try {
      if (run === undefined) throw new InstructionFailure('UnsupportedProgramId', [], `program ${ix.programId} is not simulated`);
      if (forceFail && i === swapIndex(p)) {
        const code = ix.programId === RAYDIUM_AMM_V4_PROGRAM ? RaydiumErr.ExceededSlippage : WhirlpoolErr.AmountOutBelowMinimum;
        throw new InstructionFailure({ Custom: code }, [`Program ${ix.programId} failed: custom program error: 0x${code.toString(16)}`], 'injected failure');
      }
      run(ctx, ix);
      cu += used;
      if (ix.programId !== COMPUTE_BUDGET_PROGRAM) ctx.logs.push(`Program ${ix.programId} consumed ${used} of ${fee.unitLimit - cu + used} compute units`);
      ctx.logs.push(`Program ${ix.programId} success`);
    } catch (e) {
      if (!(e instanceof InstructionFailure)) throw e;
      cu += used;
      ctx.logs.push(...e.logs);
      if (e.logs.length === 0) ctx.logs.push(`Program ${ix.programId} failed: ${e.message}`);
      err = { InstructionError: [i, e.detail] };
      break;
    }
  }
  if (err === null) inner.commit();
  const postBalances = p.keys.map((k) => Number(feeView.get(k)?.lamports ?? 0n));
  const postTokenBalances = tokenBalances(feeView, p.keys);
  if (commit) feeView.commit();
  return { err, fee: fee.total, logs: ctx.logs, computeUnits: cu, preBalances, postBalances, preTokenBalances, postTokenBalances };
}
