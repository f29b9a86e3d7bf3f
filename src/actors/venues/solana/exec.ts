import WebSocket from 'ws';
import type { Clock } from '../../../shared/clock.ts';
import { CambistError, errorMessage } from '../../../shared/errors.ts';
import type { Logger } from '../../../shared/log.ts';
import type { Leg, LegRequest, LegResult, LegStatus } from '../../executor/legs.ts';
import { RAYDIUM_AMM_V4_PROGRAM_ID, WHIRLPOOL_PROGRAM_ID } from './dex/programs.ts';
import type { JupiterClient } from './jupiter/client.ts';
import { SolanaHttpRpc, SolanaRpcCode, SolanaRpcError } from './rpc.ts';
import { JupiterSwapBuilder } from './swap-jupiter.ts';
import { RAYDIUM_AMM_ERRORS, RaydiumAmmSwapBuilder } from './swap-raydium.ts';
import { WHIRLPOOL_SWAP_V2_ERRORS, WhirlpoolSwapBuilder } from './swap-whirlpool.ts';
import {
  DEFAULT_PRIORITY_POLICY, type PriorityFeePolicy, type RpcCall, type SignedTx, type SwapBuilder, type SwapIntent, type TxEffect,
  ataAddress, buildSignedTx, choosePriorityFee, createAtaIdempotentIx, describeTxError, effectOf, instructionsOf, signPrebuiltTx, toRaw,
} from './tx.ts';
import type { SolanaWallet } from './wallet.ts';

/**
 * The Solana DEX leg (DESIGN §4, §6): one pool route, one wallet.
 *
 * prepare  — blockhash (cached ≤ `blockhashRefreshMs`), priority fee from the expected edge (tx.ts),
 *            the swap (direct Whirlpool / Raydium AMM v4 instruction, or Jupiter /swap), signed. The
 *            signature is returned before anything is sent, so the executor's intent holds it.
 * submit   — send the same signed bytes (skipPreflight, maxRetries 0) every `resendEveryMs` until a
 *            `signatureSubscribe` notification or a `getSignatureStatuses` poll shows it landed, its
 *            blockhash expired (→ no_fill: it can never land), or `confirmTimeoutMs` passed (→ unknown).
 *            A landed transaction is read back with getTransaction and the fill is the wallet's own
 *            token balance changes; meta.err is `rejected` (the program refused; the fee was paid).
 * reconcile — statuses with history search + getTransaction; not found after expiry → no_fill.
 * Only a landed failure or a node that refuses the bytes themselves (bad signature, malformed) is
 * `rejected`; timeouts, dropped sockets, not-yet-landed are `unknown`. No call throws for venue trouble.
 *
 * avgPrice is the effective price from the balance changes (pool fee inside, as the signal models
 * it); feeQuote is the network fee (signature + priority lamports) at `solPriceQuote`. The wallet
 * trades from standing token accounts (wSOL, not native SOL, for SOL); `balances` reports those, and
 * native SOL only pays fees.
 */
export interface SolanaDexLegOptions {
  venue: string;
  priority: PriorityFeePolicy;
  commitment: 'confirmed' | 'finalized';
  confirmTimeoutMs: number;
  resendEveryMs: number;
  blockhashRefreshMs: number;
  rpcTimeoutMs: number;
  /** SOL price in quote (fee conversion). Default: the trade's own price when base is wSOL. */
  solPriceQuote?: () => number | undefined;
  /** Expected PnL of the trade in quote, for the priority-fee cap (see also `expectEdge`). */
  expectedPnlQuote?: (r: LegRequest) => number | undefined;
}

export const DEFAULT_LEG_OPTIONS: SolanaDexLegOptions = {
  venue: 'solana', priority: DEFAULT_PRIORITY_POLICY, commitment: 'confirmed',
  confirmTimeoutMs: 45_000, resendEveryMs: 2_000, blockhashRefreshMs: 20_000, rpcTimeoutMs: 5_000,
};

export interface SolanaDexLegConfig {
  urls: { http: string; ws: string };
  /** `jupiter` routes through Jupiter /swap pinned to `pool` (needed for raydium_cpmm). */
  route: { program: 'whirlpool' | 'raydium_amm' | 'raydium_cpmm'; pool: string; via?: 'direct' | 'jupiter'; slippageBpsCap?: number };
  mints: { base: string; quote: string; baseDecimals: number; quoteDecimals: number };
  wallet: SolanaWallet;
  clock: Clock;
  options?: Partial<SolanaDexLegOptions>;
  deps?: { http?: RpcCall; jupiter?: JupiterClient; builder?: SwapBuilder; sleep?: (ms: number) => Promise<void>; log?: Logger };
}

type WatchEvent = { kind: 'landed'; err: unknown } | { kind: 'closed'; why: string };

/** signatureSubscribe on one lazily (re)opened socket; a wait never rejects (a dropped socket is 'closed'). */
export class SignatureWatcher {
  private ws: WebSocket | undefined;
  private nextId = 1;
  private readonly reqs = new Map<number, string>();
  private readonly subs = new Map<number, string>();
  private readonly waiters = new Map<string, (e: WatchEvent) => void>();

  constructor(private readonly url: string, private readonly commitment: string) {}

  watch(sig: string): Promise<WatchEvent> {
    return new Promise<WatchEvent>((resolve) => {
      this.waiters.set(sig, resolve);
      const ws = this.socket();
      const send = (): void => {
        const id = this.nextId++;
        this.reqs.set(id, sig);
        ws.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'signatureSubscribe', params: [sig, { commitment: this.commitment }] }));
      };
      if (ws.readyState === WebSocket.OPEN) send();
      else ws.once('open', send);
    });
  }

  unwatch(sig: string): void {
    this.waiters.delete(sig);
    for (const [sub, s] of this.subs) {
      if (s !== sig) continue;
      this.subs.delete(sub);
      if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ jsonrpc: '2.0', id: this.nextId++, method: 'signatureUnsubscribe', params: [sub] }));
    }
  }

  close(): void {
    this.fail('watcher closed');
    this.ws?.terminate();
    this.ws = undefined;
  }

  private fail(why: string): void {
    const w = [...this.waiters.values()];
    this.waiters.clear();
    this.reqs.clear();
    this.subs.clear();
    for (const r of w) r({ kind: 'closed', why });
  }

  private socket(): WebSocket {
    if (this.ws !== undefined && (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)) return this.ws;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    // An error is always followed by 'close'; the waiters learn of both there and fall back to polling.
    let lastError = '';
    ws.on('error', (e) => {
      lastError = `: ${e.message}`;
    });
    ws.on('close', (code) => {
      if (this.ws === ws) this.ws = undefined;
      this.fail(`signature socket closed (${code}${lastError})`);
    });
    ws.on('message', (data) => this.onMessage(String(data)));
    return ws;
  }

  private onMessage(text: string): void {
    let m: { id?: unknown; result?: unknown; method?: unknown; params?: { subscription?: unknown; result?: { value?: unknown } } };
    try {
      m = JSON.parse(text) as typeof m;
    } catch (e) {
      this.fail(`unparseable PubSub frame (${errorMessage(e)})`);
      return;
    }
    if (typeof m.id === 'number') {
      const sig = this.reqs.get(m.id);
      this.reqs.delete(m.id);
      if (sig !== undefined && typeof m.result === 'number') this.subs.set(m.result, sig);
      return;
    }
    if (m.method !== 'signatureNotification') return;
    const sub = Number(m.params?.subscription);
    const sig = this.subs.get(sub);
    const v = m.params?.result?.value;
    if (sig === undefined || v === 'receivedSignature' || typeof v !== 'object' || v === null) return;
    this.subs.delete(sub); // the node cancels a signature subscription after its notification
    const w = this.waiters.get(sig);
    this.waiters.delete(sig);
    w?.({ kind: 'landed', err: (v as { err?: unknown }).err ?? null });
  }
}

interface Prepared {
  tx: SignedTx | undefined;
  failure: string | undefined;
  intent: SwapIntent;
  feeLamports: bigint;
}

const MAX_REMEMBERED = 2_000;
const PROGRAM_ERRORS = { [WHIRLPOOL_PROGRAM_ID]: WHIRLPOOL_SWAP_V2_ERRORS, [RAYDIUM_AMM_V4_PROGRAM_ID]: RAYDIUM_AMM_ERRORS };
const UNSIGNED = 'unsigned:';
const WSOL = 'So11111111111111111111111111111111111111112';

export class SolanaDexLeg implements Leg {
  readonly venue: string;
  private readonly o: SolanaDexLegOptions;
  private readonly http: RpcCall;
  private readonly builder: SwapBuilder;
  private readonly watcher: SignatureWatcher;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly prepared = new Map<string, Prepared>();
  private readonly bySig = new Map<string, Prepared>();
  private readonly edges = new Map<string, number>();
  private readonly ours: Set<string>;
  private blockhash: { hash: string; lastValid: number; atMs: number } | undefined;
  private atasChecked = false;
  private ownHttp: SolanaHttpRpc | undefined;

  constructor(private readonly c: SolanaDexLegConfig) {
    this.o = { ...DEFAULT_LEG_OPTIONS, ...c.options, priority: { ...DEFAULT_PRIORITY_POLICY, ...c.options?.priority } };
    this.venue = this.o.venue;
    if (c.deps?.http !== undefined) this.http = c.deps.http;
    else this.http = this.ownHttp = new SolanaHttpRpc(c.urls.http, this.o.rpcTimeoutMs);
    this.sleep = c.deps?.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.watcher = new SignatureWatcher(c.urls.ws, this.o.commitment);
    this.ours = new Set([ataAddress(c.wallet.publicKey, c.mints.base), ataAddress(c.wallet.publicKey, c.mints.quote)]);
    const r = { pool: c.route.pool, baseMint: c.mints.base, quoteMint: c.mints.quote };
    if (c.deps?.builder) this.builder = c.deps.builder;
    else if (c.route.via !== 'jupiter' && c.route.program === 'whirlpool') this.builder = new WhirlpoolSwapBuilder(this.http, r);
    else if (c.route.via !== 'jupiter' && c.route.program === 'raydium_amm') this.builder = new RaydiumAmmSwapBuilder(this.http, r);
    else if (c.deps?.jupiter) {
      const pool = { program: c.route.program, pool_address: c.route.pool, slippage_bps_cap: c.route.slippageBpsCap ?? 75 };
      this.builder = new JupiterSwapBuilder(c.deps.jupiter, { pool, baseMint: c.mints.base, quoteMint: c.mints.quote });
    } else throw new CambistError('SOLANA_EXEC_CONFIG', `route ${c.route.program} ${c.route.pool} has no direct builder and no Jupiter client was given`, { retry: 'fatal' });
  }

  /** The trade's expected PnL in quote, for the priority-fee cap; call before `prepare`. */
  expectEdge(tradeKey: string, expectedPnlQuote: number): void {
    this.edges.set(tradeKey, expectedPnlQuote);
  }

  /** Closes the signature socket and, when the leg created it, the HTTP pool. */
  async close(): Promise<void> {
    this.watcher.close();
    await this.ownHttp?.close();
  }

  async prepare(r: LegRequest): Promise<string> {
    const known = this.prepared.get(r.tradeKey);
    if (known !== undefined) return known.tx?.signature ?? `${UNSIGNED}${r.tradeKey}`;
    const { baseDecimals: bd, quoteDecimals: qd } = this.c.mints;
    // Sizes round down; a sell's minimum out rounds up and a buy's maximum in rounds down (safe side).
    const intent: SwapIntent = { side: r.side, baseRaw: toRaw(r.sizeBase, bd, 'down'), quoteLimitRaw: toRaw(r.limitQuote, qd, r.side === 'sell' ? 'up' : 'down') };
    const p: Prepared = { tx: undefined, failure: undefined, intent, feeLamports: 5_000n };
    try {
      if (intent.baseRaw <= 0n) throw new CambistError('SOLANA_EXEC_SIZE', `size ${r.sizeBase} is below one raw unit`);
      const [bh, fee] = await Promise.all([this.latestBlockhash(), this.priorityFee(r)]);
      p.feeLamports += fee.lamports;
      const ctx = { wallet: this.c.wallet, microLamportsPerCu: fee.microLamportsPerCu, computeUnitLimit: this.o.priority.computeUnitLimit };
      const built = await this.builder.build(intent, ctx);
      if (built.kind === 'prebuilt') {
        p.tx = signPrebuiltTx(this.c.wallet, built.base64, built.lastValidBlockHeight);
      } else {
        const setup = await this.missingAtaIxs();
        p.tx = buildSignedTx(this.c.wallet, [...built.ixs.slice(0, 2), ...setup, ...built.ixs.slice(2)], bh.hash, bh.lastValid);
      }
      this.bySig.set(p.tx.signature, p);
    } catch (e) {
      p.failure = `${this.builder.label}: ${e instanceof CambistError ? `${e.code}: ` : ''}${errorMessage(e)}`;
    }
    this.remember(this.prepared, r.tradeKey, p);
    return p.tx?.signature ?? `${UNSIGNED}${r.tradeKey}`;
  }

  async submit(r: LegRequest): Promise<LegResult> {
    if (!this.prepared.has(r.tradeKey)) await this.prepare(r);
    const p = this.prepared.get(r.tradeKey)!;
    if (p.tx === undefined) return this.outcome('no_fill', null, `not sent: ${p.failure ?? 'not built'}`);
    const tx = p.tx;
    const deadlineUs = this.c.clock.monoUs() + this.o.confirmTimeoutMs * 1000;
    let accepted = false;
    let refused: string | undefined;
    let lastSendError: string | undefined;
    let watch = this.watcher.watch(tx.signature);
    try {
      for (;;) {
        if (refused === undefined) {
          try {
            await this.http.call('sendTransaction', [tx.base64, { encoding: 'base64', skipPreflight: true, maxRetries: 0, preflightCommitment: this.o.commitment }]);
            accepted = true;
          } catch (e) {
            // Only the bytes themselves being refused is final (bad signature, malformed); anything else
            // (timeout, 429, node behind) may still let an earlier or later copy land.
            if (e instanceof SolanaRpcError && e.code === SolanaRpcCode.Rpc && (e.rpcCode === -32003 || e.rpcCode === -32602)) refused = e.message;
            else lastSendError = errorMessage(e);
          }
          if (refused !== undefined && !accepted) return this.outcome('rejected', tx.signature, `node refused the transaction: ${refused}`);
        }
        const ev = await Promise.race([watch, this.sleep(this.o.resendEveryMs).then(() => undefined)]);
        if (ev?.kind === 'closed') watch = this.watcher.watch(tx.signature);
        const st = ev?.kind === 'landed' ? 'landed' : await this.statusOf(tx.signature);
        if (st === 'landed') return await this.settle(r, tx.signature, p, deadlineUs);
        if (await this.expired(tx.signature, tx.lastValidBlockHeight)) return this.outcome('no_fill', tx.signature, `blockhash expired (last valid block height ${tx.lastValidBlockHeight}) and the transaction never landed`);
        if (this.c.clock.monoUs() > deadlineUs) {
          const sends = accepted ? '' : ` (no send acknowledged${lastSendError !== undefined ? `: ${lastSendError}` : ''})`;
          return this.outcome('unknown', tx.signature, `not confirmed within ${this.o.confirmTimeoutMs} ms${sends}`);
        }
      }
    } finally {
      this.watcher.unwatch(tx.signature);
    }
  }

  validUntilHeight(ref: string): number | undefined {
    return this.bySig.get(ref)?.tx?.lastValidBlockHeight;
  }

  async reconcile(r: LegRequest, ref: string, validUntilHeight?: number): Promise<LegResult> {
    if (ref.startsWith(UNSIGNED)) return this.outcome('no_fill', null, 'nothing was signed, so nothing can land');
    const p = this.bySig.get(ref);
    // This process signed it (p), or a previous one did and stored its last valid height.
    const lastValid = p?.tx?.lastValidBlockHeight ?? validUntilHeight;
    try {
      // Height first, then status: a block that could still include it would have to be at or below
      // lastValidBlockHeight, so "expired by height, then not found" cannot race with a landing.
      const expiredByHeight = lastValid !== undefined ? (await this.blockHeight()) > lastValid : false;
      const st = await this.statusOf(ref, true);
      if (st === 'landed') return await this.settle(r, ref, p, this.c.clock.monoUs() + this.o.rpcTimeoutMs * 1000);
      if (st === 'processed') return this.outcome('unknown', ref, 'landed at processed only; waiting for confirmation');
      if (expiredByHeight) return this.outcome('no_fill', ref, `blockhash expired (last valid block height ${lastValid}); the transaction never landed`);
      return this.outcome('unknown', ref, lastValid === undefined ? 'not found, and its blockhash is unknown to this process (restart): cannot prove expiry yet' : 'not landed yet; blockhash still valid');
    } catch (e) {
      return this.outcome('unknown', ref, `reconcile failed: ${errorMessage(e)}`);
    }
  }

  async verify(r: LegRequest, res: LegResult): Promise<LegResult> {
    if (res.ref === null || res.ref.startsWith(UNSIGNED) || (res.status !== 'filled' && res.status !== 'partial')) return res;
    // An unreadable record is not a verification: throw (Leg.verify's contract), so the trade is
    // not counted verified on the strength of its own answer.
    let eff;
    try {
      eff = await this.readEffect(res.ref);
    } catch (e) {
      throw new CambistError('SOLANA_VERIFY_UNAVAILABLE', `verification unavailable: ${errorMessage(e)}`, { retry: 'retryable', cause: e });
    }
    if (eff === undefined) throw new CambistError('SOLANA_VERIFY_UNAVAILABLE', 'verification unavailable: getTransaction returned nothing', { retry: 'retryable' });
    return { ...this.fromEffect(r, res.ref, eff), doneUs: res.doneUs };
  }

  async balances(): Promise<{ base: number; quote: number }> {
    const [b, q] = await Promise.all([this.tokenBalance(this.c.mints.base), this.tokenBalance(this.c.mints.quote)]);
    return { base: Number(b) / 10 ** this.c.mints.baseDecimals, quote: Number(q) / 10 ** this.c.mints.quoteDecimals };
  }

  // ---------------------------------------------------------------------------------------------

  private remember<K, V>(m: Map<K, V>, k: K, v: V): void {
    m.set(k, v);
    if (m.size > MAX_REMEMBERED) m.delete(m.keys().next().value as K);
  }

  private async latestBlockhash(): Promise<{ hash: string; lastValid: number }> {
    const now = this.c.clock.nowMs();
    if (this.blockhash !== undefined && now - this.blockhash.atMs < this.o.blockhashRefreshMs) return this.blockhash;
    const res = (await this.http.call('getLatestBlockhash', [{ commitment: this.o.commitment }])) as { value?: { blockhash?: unknown; lastValidBlockHeight?: unknown } } | null;
    const v = res?.value;
    if (typeof v?.blockhash !== 'string' || typeof v.lastValidBlockHeight !== 'number') throw new CambistError('SOLANA_EXEC_BAD_RESPONSE', 'getLatestBlockhash: expected {blockhash, lastValidBlockHeight}', { retry: 'retryable' });
    this.blockhash = { hash: v.blockhash, lastValid: v.lastValidBlockHeight, atMs: now };
    return this.blockhash;
  }

  private async priorityFee(r: LegRequest): Promise<ReturnType<typeof choosePriorityFee>> {
    let recent: { slot: number; fee: number }[] = [];
    try {
      const res = await this.http.call('getRecentPrioritizationFees', [[this.c.route.pool]]);
      if (Array.isArray(res)) recent = res.map((e: { slot?: unknown; prioritizationFee?: unknown }) => ({ slot: Number(e.slot), fee: Number(e.prioritizationFee) }));
    } catch (e) {
      // Without the market's fees we still trade, at the policy's minimum price.
      this.c.deps?.log?.warn({ err: errorMessage(e) }, 'getRecentPrioritizationFees failed; priority fee at the policy minimum');
    }
    const pnl = this.o.expectedPnlQuote?.(r) ?? this.edges.get(r.tradeKey);
    this.edges.delete(r.tradeKey);
    return choosePriorityFee(recent, this.o.priority, { expectedPnlQuote: pnl, solPriceQuote: this.solPrice(r, undefined) });
  }

  private solPrice(r: LegRequest, avgPrice: number | undefined): number | undefined {
    const p = this.o.solPriceQuote?.();
    if (p !== undefined) return p;
    if (this.c.mints.base !== WSOL) return undefined;
    return avgPrice !== undefined && avgPrice > 0 ? avgPrice : r.sizeBase > 0 ? r.limitQuote / r.sizeBase : undefined;
  }

  /** CreateIdempotent for a wallet ATA that does not exist yet (checked once; they are never closed by us). */
  private async missingAtaIxs(): Promise<ReturnType<typeof createAtaIdempotentIx>[]> {
    if (this.atasChecked) return [];
    const keys = [...this.ours];
    const res = (await this.http.call('getMultipleAccounts', [keys, { encoding: 'base64', commitment: this.o.commitment, dataSlice: { offset: 0, length: 0 } }])) as { value?: unknown[] } | null;
    if (!Array.isArray(res?.value)) throw new CambistError('SOLANA_EXEC_BAD_RESPONSE', 'getMultipleAccounts: expected value[]', { retry: 'retryable' });
    const mints = [this.c.mints.base, this.c.mints.quote];
    const missing = mints.filter((_, i) => res.value![i] === null);
    if (missing.length === 0) this.atasChecked = true;
    return missing.map((m) => createAtaIdempotentIx(this.c.wallet.publicKey, this.c.wallet.publicKey, m));
  }

  private async blockHeight(): Promise<number> {
    const h = await this.http.call('getBlockHeight', [{ commitment: this.o.commitment }]);
    if (typeof h !== 'number') throw new CambistError('SOLANA_EXEC_BAD_RESPONSE', 'getBlockHeight: expected a number', { retry: 'retryable' });
    return h;
  }

  /** 'landed' at our commitment or deeper, 'processed', 'none', or 'error' (the node did not answer). */
  private async statusOf(sig: string, history = false): Promise<'landed' | 'processed' | 'none' | 'error'> {
    try {
      const res = (await this.http.call('getSignatureStatuses', [[sig], { searchTransactionHistory: history }])) as { value?: ({ confirmationStatus?: unknown } | null)[] } | null;
      const st = res?.value?.[0];
      if (st === null || st === undefined) return 'none';
      const c = st.confirmationStatus;
      return c === 'finalized' || (c === 'confirmed' && this.o.commitment === 'confirmed') ? 'landed' : 'processed';
    } catch (e) {
      if (history) throw e;
      return 'error';
    }
  }

  private async expired(sig: string, lastValid: number): Promise<boolean> {
    try {
      if ((await this.blockHeight()) <= lastValid) return false;
      return (await this.statusOf(sig, true)) === 'none';
    } catch (e) {
      this.c.deps?.log?.debug({ err: errorMessage(e), signature: sig }, 'expiry check failed; still waiting');
      return false;
    }
  }

  private async readEffect(sig: string): Promise<TxEffect | undefined> {
    const tx = await this.http.call('getTransaction', [sig, { encoding: 'json', commitment: this.o.commitment, maxSupportedTransactionVersion: 0 }]);
    return tx === null ? undefined : effectOf(tx, this.c.wallet.publicKey, this.c.mints, this.ours);
  }

  /** A landed transaction → result from its own balance changes (retried until the node serves it). */
  private async settle(r: LegRequest, sig: string, p: Prepared | undefined, deadlineUs: number): Promise<LegResult> {
    for (;;) {
      let why: string;
      try {
        const eff = await this.readEffect(sig);
        if (eff !== undefined) return this.fromEffect(r, sig, eff, p);
        why = 'getTransaction returned null';
      } catch (e) {
        why = errorMessage(e);
      }
      if (this.c.clock.monoUs() > deadlineUs) return this.outcome('unknown', sig, `landed, but the transaction could not be read: ${why}`);
      await this.sleep(Math.min(500, this.o.resendEveryMs));
    }
  }

  private fromEffect(r: LegRequest, sig: string, eff: TxEffect, p?: Prepared): LegResult {
    const { baseDecimals: bd, quoteDecimals: qd } = this.c.mints;
    const base = Number(eff.baseDelta < 0n ? -eff.baseDelta : eff.baseDelta) / 10 ** bd;
    const quote = Number(eff.quoteDelta < 0n ? -eff.quoteDelta : eff.quoteDelta) / 10 ** qd;
    const avg = base > 0 ? quote / base : 0;
    const px = this.solPrice(r, avg);
    const feeQuote = px !== undefined ? (Number(eff.feeLamports) / 1e9) * px : 0;
    if (eff.err !== null) {
      const signed = p?.tx ?? this.bySig.get(sig)?.tx;
      const ixs = signed !== undefined ? instructionsOf(signed.bytes) : [];
      const why = describeTxError(eff.err, (i) => ixs[i]?.programId, PROGRAM_ERRORS);
      return { ...this.outcome('rejected', sig, `failed on chain: ${why}`), feeQuote };
    }
    // A sell must lose base and gain quote, a buy the reverse; anything else is not our swap's effect.
    const rightWay = r.side === 'sell' ? eff.baseDelta <= 0n && eff.quoteDelta >= 0n : eff.baseDelta >= 0n && eff.quoteDelta <= 0n;
    if (!rightWay) return { ...this.outcome('unknown', sig, `balance changes base ${eff.baseDelta}, quote ${eff.quoteDelta} do not match a ${r.side}`), feeQuote };
    const want = p?.intent.baseRaw ?? this.bySig.get(sig)?.intent.baseRaw ?? toRaw(r.sizeBase, bd, 'down');
    const got = eff.baseDelta < 0n ? -eff.baseDelta : eff.baseDelta;
    const status: LegStatus = got === 0n ? 'no_fill' : got >= want ? 'filled' : 'partial';
    return { status, filledBase: base, avgPrice: avg, feeQuote, ref: sig, reason: status === 'filled' ? null : `filled ${got} of ${want} raw base`, doneUs: this.c.clock.monoUs() };
  }

  private outcome(status: LegStatus, ref: string | null, reason: string | null): LegResult {
    return { status, filledBase: 0, avgPrice: 0, feeQuote: 0, ref, reason, doneUs: this.c.clock.monoUs() };
  }

  private async tokenBalance(mint: string): Promise<bigint> {
    const res = (await this.http.call('getTokenAccountsByOwner', [this.c.wallet.publicKey, { mint }, { encoding: 'base64', commitment: this.o.commitment }])) as { value?: { account?: { data?: unknown } }[] } | null;
    if (!Array.isArray(res?.value)) throw new CambistError('SOLANA_EXEC_BAD_RESPONSE', 'getTokenAccountsByOwner: expected value[]', { retry: 'retryable' });
    let sum = 0n;
    for (const a of res.value) {
      const d = a.account?.data;
      if (!Array.isArray(d) || typeof d[0] !== 'string') continue;
      const bytes = Buffer.from(d[0], 'base64');
      if (bytes.length >= 72) sum += bytes.readBigUInt64LE(64); // SPL token account: amount u64 at 64
    }
    return sum;
  }
}
