import { PublicKey } from '@solana/web3.js';
import { CambistError } from '../../../shared/errors.ts';
import { bytesEqual, u128, view } from './dex/bytes.ts';
import { createLadderBuffers, fillLadder, whirlpoolQuoter, type ExactInQuoter, type LadderBuffers } from './dex/ladder.ts';
import { reservePrice } from './dex/price.ts';
import { SPL_TOKEN_2022_PROGRAM_ID, SPL_TOKEN_PROGRAM_ID, WHIRLPOOL_PROGRAM_ID } from './dex/programs.ts';
import { decodeAmmV4, type AmmV4Pool } from './dex/raydium-amm/decode.ts';
import { quoteAmmV4Into, type AmmV4QuoteParams } from './dex/raydium-amm/quote.ts';
import { decodeCpmmConfig, decodeCpmmPool, type CpmmConfig, type CpmmPool } from './dex/raydium-cpmm/decode.ts';
import { quoteCpmmDetailed, type CpmmQuoteParams } from './dex/raydium-cpmm/quote.ts';
import { decodeTokenAccount } from './dex/spl-token/decode.ts';
import { decodeOracle, decodeTickArray, decodeWhirlpool, isAdaptiveFeePool, WHIRLPOOL_DISCRIMINATOR, WHIRLPOOL_SIZE, type Oracle, type Whirlpool } from './dex/whirlpool/decode.ts';
import { sqrtPriceToPrice } from './dex/whirlpool/price.ts';
import { prepareWhirlpool, type PreparedWhirlpool } from './dex/whirlpool/quote.ts';
import { TICKS_PER_ARRAY, tickArrayStartIndex, tickArrayStartIndexes } from './dex/whirlpool/tick-math.ts';
import { buildTickSequence, type TickArrayLike } from './dex/whirlpool/tick-sequence.ts';
import type { RouteMints, SolanaPoolSlice } from './config.ts';
import type { AccountFrame, RpcAccount } from './rpc.ts';

/**
 * Per-pool account state for the Solana feed: which accounts a pool needs, their validation at
 * bootstrap (owner, size, discriminator, mints), their latest (slot, decoded fields), and the exact
 * ladder over them.
 *
 * Consistency rule (DESIGN §4 "quote only from states of the same slot"). Notifications for one slot
 * arrive one account at a time, so every account keeps the slot of its state and each pool kind names
 * its *leaders*: the accounts every state change of the pool moves. Whirlpool: the pool account (a
 * swap moves sqrt_price/tick/liquidity; a position change in range moves liquidity). Constant-product
 * pools: both vaults (a swap, deposit or withdrawal moves both). A pool is *consistent at slot S* when
 * S is the newest slot among its quote inputs and every leader is at S; it is then quoted at once.
 * Otherwise (a tick array or one vault moved alone, or the first of two vaults arrived) it is *pending*
 * until either the missing leaders arrive or slot S is *closed*: a notification from a later slot
 * (slotNotification included) has arrived on the socket, and the node sends a slot's notifications
 * before later ones, so nothing more of S is coming. A pool is never quoted from a leader at S−1 next
 * to an input at S. Whirlpool vaults are subscribed (inventory, sanity) but are not quote inputs.
 * Accounts only move forward: a snapshot or notification older than the held slot is ignored (a
 * notification at the same slot wins over a snapshot, which may have been read mid-slot).
 */
export class SolanaFeedError extends CambistError {
  constructor(code: 'SOLANA_POOL_MISMATCH' | 'SOLANA_ACCOUNT_MISSING', message: string) {
    super(code, message, { retry: 'fatal' });
    this.name = 'SolanaFeedError';
  }
}

const TOKEN_OWNERS = [SPL_TOKEN_PROGRAM_ID, SPL_TOKEN_2022_PROGRAM_ID];

/** Decimals of an SPL mint account (u8 at 44), after checking owner, size and the initialized flag. */
export function mintDecimals(acct: RpcAccount | null, mint: string): number {
  if (acct === null) throw new SolanaFeedError('SOLANA_ACCOUNT_MISSING', `mint ${mint}: account does not exist`);
  if (!TOKEN_OWNERS.includes(acct.owner) || acct.data.length < 82 || acct.data[45] !== 1) {
    throw new SolanaFeedError('SOLANA_POOL_MISMATCH', `mint ${mint}: not an initialized SPL mint (owner ${acct.owner}, ${acct.data.length} bytes)`);
  }
  return acct.data[44]!;
}

/** One subscribed account: latest slot and a reusable buffer the base64 payload is decoded into. */
class Slot {
  slot = -1;
  private buf: Buffer;
  constructor(readonly key: string, size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  /** Base64 of the frame into this account's buffer; the returned view is valid until the next decode. */
  decode(f: AccountFrame): Uint8Array {
    const need = ((f.dataEnd - f.dataStart) >> 2) * 3;
    if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need);
    const n = this.buf.write(f.text.slice(f.dataStart, f.dataEnd), 0, 'base64');
    return this.buf.subarray(0, n);
  }
}

/** applyFrame result bits. */
export const Changed = { quote: 1, window: 2 } as const;

export abstract class PoolTracker {
  readonly address: string;
  decBase = 0;
  decQuote = 0;
  /** base→quote is the pool's "forward" direction (Whirlpool a→b, AMM coin→pc, CPMM 0→1). */
  sellIsForward = true;
  protected readonly slots = new Map<string, Slot>();
  protected quoter!: ExactInQuoter;
  /** Slot this pool was last published at; the feed's pending/closure bookkeeping. */
  publishedSlot = -1;
  pendingSlot = -1;
  lastPublishUs = 0;
  /** Receive time of the newest state (or of slot progress proving it current). */
  freshUs = 0;

  constructor(readonly p: SolanaPoolSlice, readonly mints: RouteMints) {
    this.address = p.pool_address;
  }

  /** Accounts to subscribe to now. */
  abstract keys(): string[];
  /** Accounts only read at bootstrap (mints, configs). */
  abstract staticKeys(): string[];
  /** Validate (throws SolanaFeedError / DexDecodeError naming the account) and apply a snapshot account. */
  abstract applySnapshot(key: string, slot: number, acct: RpcAccount | null): void;
  /** Hot path: a notification for `key`; returns Changed bits. */
  abstract applyFrame(key: string, f: AccountFrame): number;
  abstract ready(): boolean;
  abstract mid(): number;
  abstract feeBps(): number;
  /** Slots of the quote inputs: newest of all, oldest leader. */
  abstract inputSlots(out: Int32Array | Float64Array): void;

  /** Every account of keys() holds a state (false while a moved window's arrays are being fetched). */
  hasAll(): boolean {
    return this.keys().every((k) => (this.slots.get(k)?.slot ?? -1) >= 0);
  }

  protected slotFor(key: string, size: number): Slot {
    let s = this.slots.get(key);
    if (!s) this.slots.set(key, (s = new Slot(key, size)));
    return s;
  }

  /** Take a state at `slot` unless we hold a newer one; snapshots lose ties to notifications. */
  protected accept(key: string, slot: number, snapshot: boolean, size: number): Slot | undefined {
    const s = this.slotFor(key, size);
    if (snapshot ? slot <= s.slot : slot < s.slot) return undefined;
    s.slot = slot;
    return s;
  }

  protected checkMints(kind: string, a: string, b: string): void {
    const { baseMint, quoteMint } = this.mints;
    if (a === baseMint && b === quoteMint) this.sellIsForward = true;
    else if (a === quoteMint && b === baseMint) this.sellIsForward = false;
    else throw new SolanaFeedError('SOLANA_POOL_MISMATCH', `${kind} ${this.address} (assets[${this.p.asset_index}].dex_route.pools[${this.p.route}]): mints ${a}/${b} are not ${this.p.asset} ${baseMint} / ${this.p.quote} ${quoteMint}`);
  }

  protected checkVault(key: string, acct: RpcAccount | null, mint: string): bigint {
    if (acct === null) throw new SolanaFeedError('SOLANA_ACCOUNT_MISSING', `vault ${key} of pool ${this.address}: account does not exist`);
    const t = decodeTokenAccount(acct.data, { owner: acct.owner, label: key });
    if (t.mint !== mint) throw new SolanaFeedError('SOLANA_POOL_MISMATCH', `vault ${key} of pool ${this.address}: holds mint ${t.mint}, expected ${mint}`);
    return t.amount;
  }

  /**
   * The ladder for `sizesQuote` (ascending, quote currency): sell sizes converted to base at `mid`.
   * Fills `buf` (raw units) and writes human pairs into `sell`/`buy` ([in, out] × K); NaN = unfillable.
   */
  ladder(sizesQuote: Float64Array, mid: number, buf: LadderBuffers, sell: Float64Array, buy: Float64Array): number {
    const k = sizesQuote.length;
    const sb = 10 ** this.decBase;
    const sq = 10 ** this.decQuote;
    const sellRaw = this.sellIsForward ? buf.sizesForward : buf.sizesReverse;
    const buyRaw = this.sellIsForward ? buf.sizesReverse : buf.sizesForward;
    for (let i = 0; i < k; i++) {
      sellRaw[i] = Math.max(1, Math.floor((sizesQuote[i]! / mid) * sb));
      buyRaw[i] = Math.max(1, Math.floor(sizesQuote[i]! * sq));
    }
    const unfilled = fillLadder(this.quoter, buf);
    const sellOut = this.sellIsForward ? buf.outForward : buf.outReverse;
    const buyOut = this.sellIsForward ? buf.outReverse : buf.outForward;
    for (let i = 0; i < k; i++) {
      sell[2 * i] = sellRaw[i]! / sb;
      sell[2 * i + 1] = sellOut[i]! / sq;
      buy[2 * i] = buyRaw[i]! / sq;
      buy[2 * i + 1] = buyOut[i]! / sb;
    }
    return unfilled;
  }
}

export function ladderBuffersFor(k: number): LadderBuffers {
  return createLadderBuffers(new Array<number>(k).fill(1), new Array<number>(k).fill(1));
}

const tickArrayKeyCache = new Map<string, string>();
export function tickArrayAddress(whirlpool: string, start: number): string {
  const id = `${whirlpool}:${start}`;
  let k = tickArrayKeyCache.get(id);
  if (k === undefined) {
    k = PublicKey.findProgramAddressSync([Buffer.from('tick_array'), new PublicKey(whirlpool).toBuffer(), Buffer.from(String(start))], new PublicKey(WHIRLPOOL_PROGRAM_ID))[0].toBase58();
    tickArrayKeyCache.set(id, k);
  }
  return k;
}

export function oracleAddress(whirlpool: string): string {
  return PublicKey.findProgramAddressSync([Buffer.from('oracle'), new PublicKey(whirlpool).toBuffer()], new PublicKey(WHIRLPOOL_PROGRAM_ID))[0].toBase58();
}

const EMPTY_TICKS = Array.from({ length: TICKS_PER_ARRAY }, () => ({ initialized: false, liquidityNet: 0n }));
/** Tick arrays around the current one: current ± 2, as the official SDK quotes (reference §1.2). */
export const TICK_ARRAY_WINDOW = 5;

export class WhirlpoolTracker extends PoolTracker {
  pool: Whirlpool | undefined;
  adaptive = false;
  private oracle: Oracle | null = null;
  private oracleKey = '';
  private window: number[] = [];
  /** start → decoded ticks (EMPTY_TICKS when the account does not exist). */
  private readonly arrays = new Map<number, { key: string; ticks: TickArrayLike }>();
  private readonly prep: PreparedWhirlpool;
  private seqDirty = true;
  private windowStart = Number.NaN;
  /** Seconds clock for adaptive-fee quotes (core needs a unix timestamp). */
  nowSec: () => bigint = () => BigInt(Math.floor(Date.now() / 1000));

  constructor(p: SolanaPoolSlice, mints: RouteMints) {
    super(p, mints);
    this.prep = { adaptive: false, feeRate: 0, liquidity: 0n, sqrtPrice: 0n, tickCurrentIndex: 0, seq: { tickSpacing: 1, startIndex: 0, endIndex: 0, ticks: new Int32Array(0), liquidityNet: [] }, pool: undefined as never, tickArrays: [], oracle: null, timestampSec: 0n };
    this.quoter = whirlpoolQuoter(this.prep);
  }

  keys(): string[] {
    if (!this.pool) return [this.address];
    const k = [this.address, this.pool.tokenVaultA, this.pool.tokenVaultB, ...this.window.map((s) => tickArrayAddress(this.address, s))];
    if (this.adaptive) k.push(this.oracleKey);
    return k;
  }

  staticKeys(): string[] {
    return this.pool ? [this.pool.tokenMintA, this.pool.tokenMintB] : [];
  }

  /** Tick-array keys for the current window (after a move, the feed subscribes these and drops the rest). */
  windowKeys(): string[] {
    return this.window.map((s) => tickArrayAddress(this.address, s));
  }

  applySnapshot(key: string, slot: number, acct: RpcAccount | null): void {
    if (key === this.address) {
      if (acct === null) throw new SolanaFeedError('SOLANA_ACCOUNT_MISSING', `Whirlpool ${key} (assets[${this.p.asset_index}].dex_route.pools[${this.p.route}]): account does not exist`);
      const w = decodeWhirlpool(acct.data, { owner: acct.owner, label: key });
      this.checkMints('Whirlpool', w.tokenMintA, w.tokenMintB);
      if (!this.accept(key, slot, true, WHIRLPOOL_SIZE)) return;
      this.setPool(w);
      return;
    }
    const pool = this.pool;
    if (!pool) throw new SolanaFeedError('SOLANA_ACCOUNT_MISSING', `Whirlpool ${this.address}: ${key} read before the pool`);
    if (key === pool.tokenVaultA || key === pool.tokenVaultB) {
      this.checkVault(key, acct, key === pool.tokenVaultA ? pool.tokenMintA : pool.tokenMintB);
      this.accept(key, slot, true, 165);
      return;
    }
    if (key === this.oracleKey) {
      if (acct === null) throw new SolanaFeedError('SOLANA_ACCOUNT_MISSING', `Oracle ${key} of adaptive-fee Whirlpool ${this.address}: account does not exist`);
      const o = decodeOracle(acct.data, { owner: acct.owner, label: key });
      if (o.whirlpool !== this.address) throw new SolanaFeedError('SOLANA_POOL_MISMATCH', `Oracle ${key}: belongs to ${o.whirlpool}, not ${this.address}`);
      if (this.accept(key, slot, true, 254)) this.oracle = o;
      return;
    }
    const start = this.startOf(key);
    if (start === undefined) return; // an array we no longer hold (the window moved during the fetch)
    if (acct !== null) {
      const ta = decodeTickArray(acct.data, { owner: acct.owner, label: key });
      if (ta.whirlpool !== this.address || ta.startTickIndex !== start) {
        throw new SolanaFeedError('SOLANA_POOL_MISMATCH', `TickArray ${key}: is (${ta.whirlpool}, start ${ta.startTickIndex}), expected (${this.address}, ${start})`);
      }
      if (this.accept(key, slot, true, 10_004)) this.setArray(start, key, ta);
    } else if (this.accept(key, slot, true, 10_004)) this.setArray(start, key, { startTickIndex: start, ticks: EMPTY_TICKS });
  }

  applyFrame(key: string, f: AccountFrame): number {
    if (key === this.address) {
      const s = this.accept(key, f.slot, false, WHIRLPOOL_SIZE);
      if (!s) return 0;
      const d = s.decode(f);
      if (this.adaptive || d.length !== WHIRLPOOL_SIZE || !bytesEqual(d, 0, WHIRLPOOL_DISCRIMINATOR)) {
        this.setPool(decodeWhirlpool(d, { label: key })); // full decode: validates, or throws naming the account
        return Changed.quote | (this.moveWindow() ? Changed.window : 0);
      }
      // Static-fee hot path: only the four fields the quote reads (offsets: reference §1.1).
      const dv = view(d);
      const pool = this.pool!;
      pool.feeRate = dv.getUint16(45, true);
      pool.liquidity = u128(dv, 49);
      pool.sqrtPrice = u128(dv, 65);
      pool.tickCurrentIndex = dv.getInt32(81, true);
      this.syncPrep();
      return Changed.quote | (this.moveWindow() ? Changed.window : 0);
    }
    const pool = this.pool;
    if (!pool) return 0;
    if (key === pool.tokenVaultA || key === pool.tokenVaultB) {
      this.accept(key, f.slot, false, 165);
      return 0;
    }
    if (key === this.oracleKey) {
      const s = this.accept(key, f.slot, false, 254);
      if (!s) return 0;
      this.oracle = decodeOracle(s.decode(f), { label: key });
      return Changed.quote;
    }
    const start = this.startOf(key);
    if (start === undefined) return 0;
    const s = this.accept(key, f.slot, false, 10_004);
    if (!s) return 0;
    const d = s.decode(f);
    this.setArray(start, key, d.length === 0 ? { startTickIndex: start, ticks: EMPTY_TICKS } : decodeTickArray(d, { label: key }));
    return Changed.quote;
  }

  ready(): boolean {
    if (!this.pool || (this.adaptive && !this.oracle)) return false;
    return this.arrays.has(tickArrayStartIndex(this.pool.tickCurrentIndex, this.pool.tickSpacing));
  }

  mid(): number {
    const w = this.pool!;
    return this.sellIsForward ? sqrtPriceToPrice(w.sqrtPrice, this.decBase, this.decQuote) : 1 / sqrtPriceToPrice(w.sqrtPrice, this.decQuote, this.decBase);
  }

  feeBps(): number {
    return this.pool!.feeRate / 100;
  }

  inputSlots(out: Float64Array): void {
    const lead = this.slots.get(this.address)?.slot ?? -1;
    let max = lead;
    for (const { key } of this.arrays.values()) max = Math.max(max, this.slots.get(key)?.slot ?? -1);
    if (this.adaptive) max = Math.max(max, this.slots.get(this.oracleKey)?.slot ?? -1);
    out[0] = max;
    out[1] = lead;
  }

  override ladder(sizesQuote: Float64Array, mid: number, buf: LadderBuffers, sell: Float64Array, buy: Float64Array): number {
    if (this.seqDirty || this.adaptive) this.rebuild();
    return super.ladder(sizesQuote, mid, buf, sell, buy);
  }

  private setPool(w: Whirlpool): void {
    const first = !this.pool;
    this.pool = w;
    this.adaptive = isAdaptiveFeePool(w);
    if (first) {
      if (this.adaptive) this.oracleKey = oracleAddress(this.address);
      this.moveWindow();
    }
    this.syncPrep();
  }

  private syncPrep(): void {
    const w = this.pool!;
    this.prep.feeRate = w.feeRate;
    this.prep.liquidity = w.liquidity;
    this.prep.sqrtPrice = w.sqrtPrice;
    this.prep.tickCurrentIndex = w.tickCurrentIndex;
    this.prep.pool = w;
  }

  /** Recompute the 5-array window; true when it changed (the feed then moves the subscriptions). */
  private moveWindow(): boolean {
    const w = this.pool!;
    const start = tickArrayStartIndex(w.tickCurrentIndex, w.tickSpacing);
    if (start === this.windowStart) return false;
    this.windowStart = start;
    this.window = tickArrayStartIndexes(w.tickCurrentIndex, w.tickSpacing, TICK_ARRAY_WINDOW);
    for (const [s, a] of this.arrays) {
      if (!this.window.includes(s)) {
        this.arrays.delete(s);
        this.slots.delete(a.key);
      }
    }
    this.seqDirty = true;
    return true;
  }

  private startOf(key: string): number | undefined {
    for (const s of this.window) if (tickArrayAddress(this.address, s) === key) return s;
    return undefined;
  }

  private setArray(start: number, key: string, ticks: TickArrayLike): void {
    this.arrays.set(start, { key, ticks });
    this.seqDirty = true;
  }

  /** The contiguous run of loaded arrays that holds the current tick (a move leaves gaps until the fetch lands). */
  private rebuild(): void {
    const w = this.pool!;
    const span = TICKS_PER_ARRAY * w.tickSpacing;
    const cur = tickArrayStartIndex(w.tickCurrentIndex, w.tickSpacing);
    let lo = cur;
    let hi = cur;
    while (this.arrays.has(lo - span) && cur - (lo - span) <= 2 * span) lo -= span;
    while (this.arrays.has(hi + span) && hi + span - cur <= 2 * span) hi += span;
    const run: TickArrayLike[] = [];
    for (let s = lo; s <= hi; s += span) run.push(this.arrays.get(s)!.ticks);
    if (this.adaptive) {
      const p = prepareWhirlpool(w, run, { oracle: this.oracle, timestampSec: this.nowSec() });
      Object.assign(this.prep, p);
    } else {
      this.prep.seq = buildTickSequence(run, w.tickSpacing);
      this.prep.tickArrays = run;
    }
    this.seqDirty = false;
  }
}

/** Constant-product pools (AMM v4, CPMM): pool account + two vaults; leaders are the vaults. */
abstract class CpTracker extends PoolTracker {
  protected vault0 = '';
  protected vault1 = '';
  protected amount0 = -1n;
  protected amount1 = -1n;

  keys(): string[] {
    return this.vault0 ? [this.address, this.vault0, this.vault1] : [this.address];
  }

  inputSlots(out: Float64Array): void {
    const p = this.slots.get(this.address)?.slot ?? -1;
    const a = this.slots.get(this.vault0)?.slot ?? -1;
    const b = this.slots.get(this.vault1)?.slot ?? -1;
    out[0] = Math.max(p, a, b);
    out[1] = Math.min(a, b);
  }

  ready(): boolean {
    return this.amount0 >= 0n && this.amount1 >= 0n;
  }

  protected vaultSnapshot(key: string, slot: number, acct: RpcAccount | null, mint0: string, mint1: string): void {
    const amount = this.checkVault(key, acct, key === this.vault0 ? mint0 : mint1);
    if (!this.accept(key, slot, true, 165)) return;
    if (key === this.vault0) this.amount0 = amount;
    else this.amount1 = amount;
  }

  protected vaultFrame(key: string, f: AccountFrame): number {
    const s = this.accept(key, f.slot, false, 165);
    if (!s) return 0;
    const d = s.decode(f);
    // Token account amount: u64 at 64 (the owner program and mint were checked at bootstrap).
    const amount = view(d).getBigUint64(64, true);
    if (key === this.vault0) this.amount0 = amount;
    else this.amount1 = amount;
    return Changed.quote;
  }

  /** Reserves of (base, quote) for the mid price: vault minus what the pool owes. */
  protected abstract reserves(): [bigint, bigint];

  mid(): number {
    const [b, q] = this.reserves();
    return reservePrice(b, q, this.decBase, this.decQuote);
  }
}

export class AmmV4Tracker extends CpTracker {
  private pool: AmmV4Pool | undefined;
  private readonly params: AmmV4QuoteParams = { pool: undefined as never, baseVaultAmount: 0n, quoteVaultAmount: 0n, amount: 0n, baseToQuote: true, exactIn: true };

  constructor(p: SolanaPoolSlice, mints: RouteMints) {
    super(p, mints);
    const r = { amountIn: 0n, amountOut: 0n, feeAmount: 0n };
    this.quoter = (amountIn, forward) => {
      const q = this.params;
      q.pool = this.pool!;
      q.baseVaultAmount = this.amount0;
      q.quoteVaultAmount = this.amount1;
      q.amount = amountIn;
      q.baseToQuote = forward;
      quoteAmmV4Into(q, r);
      return r.amountOut;
    };
  }

  staticKeys(): string[] {
    return this.pool ? [this.pool.baseMint, this.pool.quoteMint] : [];
  }

  applySnapshot(key: string, slot: number, acct: RpcAccount | null): void {
    if (key === this.address) {
      if (acct === null) throw new SolanaFeedError('SOLANA_ACCOUNT_MISSING', `Raydium AMM v4 pool ${key}: account does not exist`);
      const pool = decodeAmmV4(acct.data, { owner: acct.owner, label: key });
      this.checkMints('Raydium AMM v4 pool', pool.baseMint, pool.quoteMint);
      this.vault0 = pool.baseVault;
      this.vault1 = pool.quoteVault;
      if (this.accept(key, slot, true, 752)) this.pool = pool;
    } else if (this.pool && (key === this.vault0 || key === this.vault1)) {
      this.vaultSnapshot(key, slot, acct, this.pool.baseMint, this.pool.quoteMint);
    }
  }

  applyFrame(key: string, f: AccountFrame): number {
    if (key !== this.address) return key === this.vault0 || key === this.vault1 ? this.vaultFrame(key, f) : 0;
    const s = this.accept(key, f.slot, false, 752);
    if (!s) return 0;
    this.pool = decodeAmmV4(s.decode(f), { label: key });
    return Changed.quote;
  }

  override ready(): boolean {
    return this.pool !== undefined && super.ready();
  }

  feeBps(): number {
    return (Number(this.pool!.swapFeeNumerator) / Number(this.pool!.swapFeeDenominator)) * 10_000;
  }

  protected reserves(): [bigint, bigint] {
    const coin = this.amount0 - this.pool!.baseNeedTakePnl;
    const pc = this.amount1 - this.pool!.quoteNeedTakePnl;
    return this.sellIsForward ? [coin, pc] : [pc, coin];
  }
}

export class CpmmTracker extends CpTracker {
  private pool: CpmmPool | undefined;
  private config: CpmmConfig | undefined;
  private readonly params: CpmmQuoteParams = { pool: undefined as never, config: undefined as never, vault0Amount: 0n, vault1Amount: 0n, amount: 0n, zeroForOne: true, exactIn: true };

  constructor(p: SolanaPoolSlice, mints: RouteMints) {
    super(p, mints);
    this.quoter = (amountIn, forward) => {
      const q = this.params;
      q.pool = this.pool!;
      q.config = this.config!;
      q.vault0Amount = this.amount0;
      q.vault1Amount = this.amount1;
      q.amount = amountIn;
      q.zeroForOne = forward;
      return quoteCpmmDetailed(q).amountOut;
    };
  }

  staticKeys(): string[] {
    return this.pool ? [this.pool.token0Mint, this.pool.token1Mint, this.pool.ammConfig] : [];
  }

  applySnapshot(key: string, slot: number, acct: RpcAccount | null): void {
    if (key === this.address) {
      if (acct === null) throw new SolanaFeedError('SOLANA_ACCOUNT_MISSING', `Raydium CPMM pool ${key}: account does not exist`);
      const pool = decodeCpmmPool(acct.data, { owner: acct.owner, label: key });
      this.checkMints('Raydium CPMM pool', pool.token0Mint, pool.token1Mint);
      this.vault0 = pool.token0Vault;
      this.vault1 = pool.token1Vault;
      if (this.accept(key, slot, true, 637)) this.pool = pool;
    } else if (this.pool && key === this.pool.ammConfig) {
      if (acct === null) throw new SolanaFeedError('SOLANA_ACCOUNT_MISSING', `Raydium CPMM AmmConfig ${key} of pool ${this.address}: account does not exist`);
      this.config = decodeCpmmConfig(acct.data, { owner: acct.owner, label: key });
    } else if (this.pool && (key === this.vault0 || key === this.vault1)) {
      this.vaultSnapshot(key, slot, acct, this.pool.token0Mint, this.pool.token1Mint);
    }
  }

  applyFrame(key: string, f: AccountFrame): number {
    if (key !== this.address) return key === this.vault0 || key === this.vault1 ? this.vaultFrame(key, f) : 0;
    const s = this.accept(key, f.slot, false, 637);
    if (!s) return 0;
    this.pool = decodeCpmmPool(s.decode(f), { label: key });
    return Changed.quote;
  }

  override ready(): boolean {
    return this.pool !== undefined && this.config !== undefined && super.ready();
  }

  feeBps(): number {
    return Number(this.config!.tradeFeeRate) / 100;
  }

  protected reserves(): [bigint, bigint] {
    const p = this.pool!;
    const r0 = this.amount0 - (p.protocolFeesToken0 + p.fundFeesToken0 + p.creatorFeesToken0);
    const r1 = this.amount1 - (p.protocolFeesToken1 + p.fundFeesToken1 + p.creatorFeesToken1);
    return this.sellIsForward ? [r0, r1] : [r1, r0];
  }
}

export function makeTracker(p: SolanaPoolSlice, mints: RouteMints): PoolTracker {
  switch (p.program) {
    case 'whirlpool':
      return new WhirlpoolTracker(p, mints);
    case 'raydium_amm':
      return new AmmV4Tracker(p, mints);
    case 'raydium_cpmm':
      return new CpmmTracker(p, mints);
  }
}
