import { Keypair } from '@solana/web3.js';
import type { VenueFaults } from '../../faults.ts';
import type { Asset } from '../../market/assets.ts';
import type { MarketModel } from '../../market/model.ts';
import { type Rng, streamRng } from '../../market/rng.ts';
import { type Account, AccountStore, mintAccount, programAccount, systemAccount, tokenAccount } from './accounts.ts';
import type { TxErrJson } from './errors.ts';
import { ATA_PROGRAM, COMPUTE_BUDGET_PROGRAM, RAYDIUM_AMM_V4_PROGRAM, SYSTEM_PROGRAM, TOKEN_PROGRAM, USDC_MINT, WHIRLPOOL_PROGRAM, WSOL_MINT, ataAddress, hash32, toBase58 } from './keys.ts';
import { type PoolSet, poolAccountKeys } from './pools.ts';
import { arbAmmV4, initialAmmV4Accounts } from './raydium.ts';
import { type ExecResult, type ParsedTx, executeTx, payerProblem, txFee } from './tx.ts';
import { arbWhirlpool, initialWhirlpoolAccounts } from './whirlpool.ts';

/** Blocks a blockhash stays valid for (lastValidBlockHeight = height + 150). */
export const BLOCKHASH_VALID_BLOCKS = 150;
/** Block height trails the slot by a constant: the simulated cluster skips no slots after genesis. */
const HEIGHT_OFFSET = 20_000_000;
const FINALIZED_DEPTH = 32;

export interface TxRecord {
  signature: string;
  slot: number;
  blockTime: number;
  parsed: ParsedTx;
  result: ExecResult;
}

/** What happened to one transaction the RPC received (for `GET /sim/orders`). */
export interface TxReceipt {
  signature: string;
  /** Fee payer (first account key). */
  payer: string;
  received_ms: number;
  /** pending: accepted, not landed yet; dropped: the drop_tx fault (never lands); expired: its blockhash expired or the payer could not pay when due; rejected: refused at sendTransaction (preflight, bad signature). */
  status: 'pending' | 'landed' | 'failed' | 'dropped' | 'expired' | 'rejected';
  late_slots: number;
  fail_injected: boolean;
  sends?: number;
  slot?: number;
  err?: unknown;
  /** The payer's token balance changes by mint (raw amounts as decimal strings, signed). */
  token_deltas?: Record<string, string>;
  fee_lamports?: string;
}

export interface WalletFunding {
  owner: string;
  lamports?: bigint;
  wsol?: bigint;
  usdc?: bigint;
}

interface Pending {
  p: ParsedTx;
  land_slot: number;
  fail: boolean;
}

interface SlotFees {
  slot: number;
  base: number;
  pool: number;
  /** Writable accounts and CU price of landed user transactions. */
  user: { writable: Set<string>; price: number }[];
}

export interface ChainEvents {
  /** After a slot is complete: every account written in it (undefined = deleted), and what landed. */
  slot(slot: number, changed: [string, Account | undefined][], landed: TxRecord[]): void;
}

/**
 * The simulated cluster: one account store advanced slot by slot from the market model's pool events.
 * Each slot lands the transactions due in it (user swaps see the state the user quoted), then moves
 * every pool to the model's DEX price, then reports what changed, so every change of a pool, vault or
 * tick-array account is visible to subscribers with the slot it happened in.
 */
export class SolanaChain {
  readonly accounts = new AccountStore();
  readonly wallet: Keypair;
  slot = 300_000_000;
  private readonly blockhashes = new Map<string, number>();
  private latest = '';
  private pending: Pending[] = [];
  private readonly txs = new Map<string, TxRecord>();
  private readonly receipts = new Map<string, TxReceipt>();
  private readonly fees: SlotFees[] = [];
  private readonly feeRng: Rng;
  private readonly listeners = new Set<ChainEvents>();
  private readonly poolKeys: Set<string>;
  private readonly off: () => void;

  constructor(
    private readonly model: MarketModel,
    private readonly faults: VenueFaults,
    readonly pools: PoolSet,
    readonly seed: number,
    wallets: readonly WalletFunding[] = [],
  ) {
    this.feeRng = streamRng(seed, 'solana:priority-fees');
    const now = BigInt(Math.floor(model.nowMs() / 1000));
    for (const w of pools.whirlpools) for (const [k, a] of initialWhirlpoolAccounts(w.spec, model.dexPrice(w.asset), now)) this.accounts.set(k, a);
    for (const r of pools.ammV4) for (const [k, a] of initialAmmV4Accounts(r.spec, model.dexPrice(r.asset))) this.accounts.set(k, a);
    this.accounts.set(WSOL_MINT, mintAccount(400_000_000_000_000_000n, 9));
    this.accounts.set(USDC_MINT, mintAccount(9_000_000_000_000_000n, 6));
    for (const p of [WHIRLPOOL_PROGRAM, RAYDIUM_AMM_V4_PROGRAM, TOKEN_PROGRAM, ATA_PROGRAM, COMPUTE_BUDGET_PROGRAM]) this.accounts.set(p, programAccount());
    this.accounts.set(SYSTEM_PROGRAM, { ...programAccount(), owner: 'NativeLoader1111111111111111111111111111111' });
    this.wallet = Keypair.fromSeed(hash32(`cambist-sim:wallet:${seed}`));
    this.fund({ owner: this.wallet.publicKey.toBase58() });
    for (const w of wallets) this.fund(w);
    this.poolKeys = poolAccountKeys(this.accounts, pools);
    this.accounts.takeDirty();
    this.newBlockhash();
    this.off = model.onEvent((e) => {
      if (e.kind === 'pool' && e.slot > this.slot) this.advance(e.slot);
    });
  }

  close(): void {
    this.off();
    this.listeners.clear();
  }

  on(l: ChainEvents): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  blockHeight(): number {
    return this.slot - HEIGHT_OFFSET;
  }

  latestBlockhash(): { blockhash: string; lastValidBlockHeight: number } {
    return { blockhash: this.latest, lastValidBlockHeight: this.blockHeight() + BLOCKHASH_VALID_BLOCKS };
  }

  /** Height the blockhash was produced at, if it is still valid now. */
  blockhashValid(hash: string): boolean {
    const h = this.blockhashes.get(hash);
    return h !== undefined && this.blockHeight() <= h + BLOCKHASH_VALID_BLOCKS;
  }

  /** Give `owner` SOL, a funded wSOL ATA and a funded USDC ATA (defaults: 100 SOL, 5 000 wSOL, 1 000 000 USDC). */
  fund(w: WalletFunding): void {
    const cur = this.accounts.get(w.owner)?.lamports ?? 0n;
    this.accounts.set(w.owner, systemAccount(cur + (w.lamports ?? 100_000_000_000n)));
    this.accounts.set(ataAddress(w.owner, WSOL_MINT), tokenAccount({ mint: WSOL_MINT, owner: w.owner, amount: w.wsol ?? 5_000_000_000_000n, isNative: 2_039_280n }));
    this.accounts.set(ataAddress(w.owner, USDC_MINT), tokenAccount({ mint: USDC_MINT, owner: w.owner, amount: w.usdc ?? 1_000_000_000_000n }));
  }

  nowSec(): bigint {
    return BigInt(Math.floor(this.model.nowMs() / 1000));
  }

  /** Preflight: run against the current state without committing. */
  simulate(p: ParsedTx): ExecResult {
    return executeTx(this.accounts, p, this.nowSec(), false);
  }

  payerProblem(p: ParsedTx): string | undefined {
    return payerProblem(this.accounts, p, txFee(p).total);
  }

  /** Queue an accepted transaction for the next slot (or later, or never, under faults). */
  enqueue(p: ParsedTx): void {
    if (this.txs.has(p.signature) || this.pending.some((x) => x.p.signature === p.signature)) return; // AlreadyProcessed: a resend is a no-op
    const sends = (this.receipts.get(p.signature)?.sends ?? 0) + 1;
    const fate = this.faults.takeTxFate();
    const receipt: TxReceipt = { signature: p.signature, payer: p.keys[0], received_ms: this.model.nowMs(), status: fate.drop ? 'dropped' : 'pending', late_slots: fate.late_slots, fail_injected: fate.fail, sends };
    this.receipts.set(p.signature, receipt);
    if (fate.drop) return;
    this.pending.push({ p, land_slot: this.slot + 1 + fate.late_slots, fail: fate.fail });
  }

  /** A transaction refused at sendTransaction (preflight or signature): received, never queued. */
  reject(p: ParsedTx, err: unknown): void {
    if (this.receipts.has(p.signature)) return;
    this.receipts.set(p.signature, { signature: p.signature, payer: p.keys[0], received_ms: this.model.nowMs(), status: 'rejected', late_slots: 0, fail_injected: false, err });
  }

  /** Every transaction received, in arrival order. */
  allReceipts(): TxReceipt[] {
    return [...this.receipts.values()].map((r) => ({ ...r }));
  }

  pendingCount(): number {
    return this.pending.length;
  }

  transaction(sig: string): TxRecord | undefined {
    return this.txs.get(sig);
  }

  status(sig: string): { slot: number; confirmations: number | null; err: TxErrJson | null; confirmationStatus: 'processed' | 'confirmed' | 'finalized' } | null {
    const r = this.txs.get(sig);
    if (r === undefined) return null;
    const depth = this.slot - r.slot;
    const confirmationStatus = depth >= FINALIZED_DEPTH ? 'finalized' : depth >= 1 ? 'confirmed' : 'processed';
    return { slot: r.slot, confirmations: depth >= FINALIZED_DEPTH ? null : depth, err: r.result.err, confirmationStatus };
  }

  /** Recent prioritization fees (micro-lamports/CU) of the last 150 slots for transactions locking `addresses`. */
  prioritizationFees(addresses: readonly string[]): { slot: number; prioritizationFee: number }[] {
    return this.fees.map((f) => {
      if (addresses.length === 0) return { slot: f.slot, prioritizationFee: f.base };
      const user = f.user.filter((u) => addresses.every((a) => u.writable.has(a))).map((u) => u.price);
      const pool = addresses.every((a) => this.poolKeys.has(a)) ? [f.pool] : [];
      const all = [...user, ...pool];
      return { slot: f.slot, prioritizationFee: all.length === 0 ? 0 : Math.min(...all) };
    });
  }

  private newBlockhash(): void {
    this.latest = toBase58(hash32(`cambist-sim:blockhash:${this.seed}:${this.slot}`));
    this.blockhashes.set(this.latest, this.blockHeight());
    for (const [h, height] of this.blockhashes) if (height < this.blockHeight() - 2 * BLOCKHASH_VALID_BLOCKS) this.blockhashes.delete(h);
  }

  private advance(slot: number): void {
    this.slot = slot;
    this.newBlockhash();
    const now = this.nowSec();
    const landed: TxRecord[] = [];
    const due = this.pending.filter((x) => x.land_slot <= slot);
    this.pending = this.pending.filter((x) => x.land_slot > slot);
    for (const d of due) {
      // A leader drops what it cannot include: an expired blockhash or a payer who cannot pay.
      const receipt = this.receipts.get(d.p.signature);
      if (!this.blockhashValid(d.p.recentBlockhash) || this.payerProblem(d.p) !== undefined) {
        if (receipt !== undefined) receipt.status = 'expired';
        continue;
      }
      const result = executeTx(this.accounts, d.p, now, true, d.fail);
      const rec = { signature: d.p.signature, slot, blockTime: Number(now), parsed: d.p, result };
      this.txs.set(rec.signature, rec);
      landed.push(rec);
      if (receipt !== undefined) {
        receipt.status = result.err === null ? 'landed' : 'failed';
        receipt.slot = slot;
        receipt.err = result.err ?? undefined;
        receipt.fee_lamports = result.fee.toString();
        receipt.token_deltas = tokenDeltas(result, receipt.payer);
      }
    }
    for (const w of this.pools.whirlpools) arbWhirlpool(this.accounts, w.spec, this.model.dexPrice(w.asset), now);
    for (const r of this.pools.ammV4) arbAmmV4(this.accounts, r.spec, this.model.dexPrice(r.asset));
    this.recordFees(slot, landed);
    const changed = this.accounts.takeDirty().map((k): [string, Account | undefined] => [k, this.accounts.get(k)]);
    for (const l of [...this.listeners]) l.slot(slot, changed, landed);
  }

  private recordFees(slot: number, landed: TxRecord[]): void {
    const r = this.feeRng;
    const base = r.chance(0.25) ? 0 : Math.round(Math.exp(Math.log(20_000) + r.normal()));
    const user = landed.map((t) => ({ writable: t.parsed.writable, price: Number(txFee(t.parsed).microLamportsPerCu) }));
    this.fees.push({ slot, base, pool: Math.round(base * (1.5 + r.uniform())), user });
    if (this.fees.length > 150) this.fees.shift();
  }
}

/** The owner's token balance change per mint, from the transaction's pre/post token balances. */
function tokenDeltas(r: ExecResult, owner: string): Record<string, string> {
  const out = new Map<string, bigint>();
  for (const b of r.preTokenBalances) if (b.owner === owner) out.set(b.mint, (out.get(b.mint) ?? 0n) - BigInt(b.uiTokenAmount.amount));
  for (const b of r.postTokenBalances) if (b.owner === owner) out.set(b.mint, (out.get(b.mint) ?? 0n) + BigInt(b.uiTokenAmount.amount));
  return Object.fromEntries([...out].filter(([, v]) => v !== 0n).map(([k, v]) => [k, v.toString()]));
}

export type { Asset };
