import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../../shared/clock.ts';
import { errorMessage } from '../../../shared/errors.ts';
import { LatencyHistogram } from '../../../shared/histogram.ts';
import type { Logger } from '../../../shared/log.ts';
import { FeedHealth, FeedState, Flag, PoolQuote, QuoteSource, Venue, type FeedHealthView, type PoolQuoteView } from '../../../shared/messages/index.ts';
import type { Output } from '../../runtime/actor.ts';
import { Changed, SolanaFeedError, ladderBuffersFor, makeTracker, mintDecimals, type PoolTracker } from './accounts.ts';
import { BASE_FEE_LAMPORTS, SWAP_COMPUTE_UNITS, WSOL_MINT, ladderSizesQuote, routeMints, type SolanaFeedSlice } from './config.ts';
import type { LadderBuffers } from './dex/ladder.ts';
import type { JupiterClient } from './jupiter/client.ts';
import { fallbackBuffers, fetchFallbackLadder, type FallbackLadder } from './jupiter/fallback.ts';
import { DEFAULT_LABELS, labelsFrom, pinnedQuote } from './jupiter/route-pin.ts';
import { MAX_MULTIPLE_ACCOUNTS, SolanaPubSub, type AccountFrame, type RpcAccount } from './rpc.ts';

/**
 * feed:solana's logic: bootstrap every configured pool over HTTP (validated before Ready), keep its
 * accounts current over PubSub, and publish a PoolQuote per consistent state change into each
 * consuming asset's ring (the consistency rule is documented in accounts.ts). Falls back to pinned
 * Jupiter ladders while a pool's direct state is older than `aggregator_fallback.stale_threshold_ms`.
 *
 * Freshness: a pool's direct state is *current* as of the last notification that reached us at a new
 * slot (an account or slotNotification: the node would have told us had the pool changed). So a
 * quiet pool on a live socket stays fresh and is re-published (same ladder, new slot) every
 * `stale_ms / 2`; a silent or dropped socket makes every pool stale.
 */
export interface HttpRpc {
  getMultipleAccounts(keys: readonly string[], minContextSlot?: number): Promise<{ slot: number; accounts: (RpcAccount | null)[] }>;
  getRecentPrioritizationFees(addresses: readonly string[]): Promise<{ slot: number; fee: number }[]>;
}

export interface SolanaFeedOptions {
  slice: SolanaFeedSlice;
  rpc: HttpRpc;
  /** Full PubSub URL (may hold the API key: never logged). */
  wsUrl: string;
  jupiter: JupiterClient | null;
  assetOutputs: Map<number, Output[]>;
  healthOutputs: Output[];
  clock: Clock;
  random: () => number;
  log: Logger;
  /** Bench/test hook: every direct publish with its notification receive time and completion time (µs). */
  onDirectPublished?: (recvUs: number, doneUs: number) => void;
}

interface Route {
  t: PoolTracker;
  outs: Output[];
  sizes: Float64Array;
  buf: LadderBuffers;
  sell: Float64Array;
  buy: Float64Array;
  mid: number;
  slot: number;
  source: number;
  subscribed: Set<string>;
  refetching: boolean;
  refetchLastMs: number;
  priorityMicroLamports: number;
  fb: FallbackLadder;
  fbBusy: boolean;
  fbLastMs: number;
  divBusy: boolean;
  divLastMs: number;
  divergenceBps: number;
  divergenceSamples: number;
  quotes: number;
  fallbackQuotes: number;
  toFallback: number;
  toDirect: number;
  unfilled: number;
}

const ALL_ASSETS = 0xffff;

export class SolanaFeed {
  readonly pubsub: SolanaPubSub;
  readonly routes: Route[];
  private readonly byKey = new Map<string, Route[]>();
  private readonly slotScratch = new Float64Array(2);
  private readonly pq: PoolQuoteView = new PoolQuote();
  private readonly health: FeedHealthView = new FeedHealth();
  private readonly assetState = new Map<number, number>();
  private connState: number = FeedState.connecting;
  private highestSlot = -1;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private feeTimer: NodeJS.Timeout | undefined;
  private recorder: WriteStream | undefined;
  private labels = DEFAULT_LABELS;
  private labelsLoaded = false;
  private stopped = false;
  /** Bootstrap done: snapshots from now on are merged with the live stream and published. */
  private live = false;
  readonly quoteSeconds = { direct: new LatencyHistogram(), jupiter: new LatencyHistogram() };
  /** Notification receipt → PoolQuote in the ring, per direct publish. */
  readonly notifyToQuote = new LatencyHistogram();
  messages = 0;
  resnapshots = 0;
  /** Re-snapshots applied (the state read after the subscriptions is in): tests wait on it. */
  resnapshotsDone = 0;
  tickArrayMoves = 0;
  rpcErrors = 0;
  jupiterErrors = 0;
  notPinned = 0;
  fixedCostUnknown = 0;

  constructor(private readonly o: SolanaFeedOptions) {
    this.routes = o.slice.pools.map((p) => {
      const k = ladderSizesQuote(p).length;
      return {
        t: makeTracker(p, routeMints(p)),
        outs: o.assetOutputs.get(p.asset_index) ?? [],
        sizes: Float64Array.from(ladderSizesQuote(p)),
        buf: ladderBuffersFor(k),
        sell: new Float64Array(2 * k),
        buy: new Float64Array(2 * k),
        mid: Number.NaN,
        slot: -1,
        source: QuoteSource.direct,
        subscribed: new Set<string>(),
        refetching: false,
        refetchLastMs: 0,
        priorityMicroLamports: 0,
        fb: fallbackBuffers(k),
        fbBusy: false,
        fbLastMs: 0,
        divBusy: false,
        divLastMs: 0,
        divergenceBps: Number.NaN,
        divergenceSamples: 0,
        quotes: 0,
        fallbackQuotes: 0,
        toFallback: 0,
        toDirect: 0,
        unfilled: 0,
      };
    });
    const s = o.slice;
    this.pubsub = new SolanaPubSub(
      { url: o.wsUrl, clock: o.clock, random: o.random, initialBackoffMs: s.reconnect_initial_ms, maxBackoffMs: s.reconnect_max_ms },
      {
        onOpen: () => o.log.info('solana pubsub connected'),
        onAllSubscribed: () => this.background(this.resnapshot(), 'resnapshot after (re)subscribe'),
        onAccount: (key, f, recvUs) => this.onAccount(key, f, recvUs),
        onSlot: (slot, recvUs) => this.advance(slot, recvUs),
        onClose: (why) => {
          o.log.warn({ why }, 'solana pubsub disconnected');
          this.setConnState(FeedState.down);
        },
        onRaw: (text, recvUs) => {
          this.messages++;
          this.recorder?.write(`{"recv_us":${recvUs},"frame":${JSON.stringify(text)}}\n`);
        },
        onError: (message) => {
          this.rpcErrors++;
          o.log.warn({ message }, 'solana pubsub request failed');
        },
      },
    );
  }

  /** Bootstrap (throws before Ready on any invalid pool), first quotes, then the live subscription. */
  async start(): Promise<void> {
    const s = this.o.slice;
    if (s.record_dir) {
      mkdirSync(s.record_dir, { recursive: true });
      this.recorder = createWriteStream(join(s.record_dir, `solana-${this.o.clock.nowMs()}.jsonl`), { flags: 'a' });
    }
    await this.fetch([...new Set(this.routes.map((r) => r.t.address))]);
    await this.snapshot(true);
    await this.refreshFees();
    for (const r of this.routes) {
      if (!r.t.ready()) throw new SolanaFeedError('SOLANA_ACCOUNT_MISSING', `pool ${r.t.address}: not quotable after bootstrap (accounts missing)`);
      r.t.inputSlots(this.slotScratch);
      this.publishDirect(r, this.slotScratch[0]!, this.o.clock.monoUs());
    }
    for (const r of this.routes) this.syncSubscriptions(r);
    this.live = true;
    this.pubsub.start();
    this.timer = setInterval(() => this.tick(), Math.max(20, Math.min(100, s.stale_ms / 4)));
    this.feeTimer = setInterval(() => this.background(this.refreshFees(), 'priority fees'), s.priority_fee_refresh_ms);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.feeTimer);
    this.pubsub.stop();
    if (this.recorder) await new Promise<void>((r) => this.recorder!.end(() => r()));
  }

  /** Expected network trouble (RPC, Jupiter) is logged and counted; anything else is a bug and ends the thread. */
  private background(p: Promise<unknown>, what: string): void {
    p.catch((e: unknown) => {
      this.rpcErrors++;
      this.o.log.warn({ err: errorMessage(e), what }, 'solana background task failed');
    });
  }

  // ---- snapshots ------------------------------------------------------------------------------

  /** Fetch `keys` (≤100 per call, one slot per call) and hand each account to every route that holds it. */
  private async fetch(keys: string[], minSlot?: number): Promise<void> {
    for (let i = 0; i < keys.length; i += MAX_MULTIPLE_ACCOUNTS) {
      const chunk = keys.slice(i, i + MAX_MULTIPLE_ACCOUNTS);
      const { slot, accounts } = await this.o.rpc.getMultipleAccounts(chunk, minSlot);
      const recvUs = this.o.clock.monoUs();
      for (let j = 0; j < chunk.length; j++) for (const r of this.routes) this.applySnapshot(r, chunk[j]!, slot, accounts[j]!);
      if (this.live) {
        this.advance(slot, recvUs);
        for (const r of this.routes) this.tryPublish(r, recvUs);
      }
    }
  }

  private applySnapshot(r: Route, key: string, slot: number, acct: RpcAccount | null): void {
    const t = r.t;
    if (key === t.mints.baseMint || key === t.mints.quoteMint) {
      if (key === t.mints.baseMint) t.decBase = mintDecimals(acct, key);
      else t.decQuote = mintDecimals(acct, key);
      return;
    }
    if (key === t.address || t.keys().includes(key) || t.staticKeys().includes(key)) t.applySnapshot(key, slot, acct);
  }

  /** Every route's accounts, one getMultipleAccounts per group of whole routes (one slot per route). */
  private async snapshot(withStatic: boolean): Promise<void> {
    let group: string[] = [];
    for (const r of this.routes) {
      const keys = [...new Set([...r.t.keys(), ...(withStatic ? [...r.t.staticKeys(), r.t.mints.baseMint, r.t.mints.quoteMint] : [])])];
      if (group.length + keys.length > MAX_MULTIPLE_ACCOUNTS) {
        await this.fetch(group);
        group = [];
      }
      for (const k of keys) if (!group.includes(k)) group.push(k);
    }
    if (group.length > 0) await this.fetch(group);
  }

  private async resnapshot(): Promise<void> {
    this.resnapshots++;
    await this.snapshot(false);
    this.resnapshotsDone++;
    for (const r of this.routes) this.syncSubscriptions(r);
  }

  // ---- hot path -------------------------------------------------------------------------------

  private onAccount(key: string, f: AccountFrame, recvUs: number): void {
    const list = this.byKey.get(key);
    if (!list) return;
    // Close earlier slots first, so a pool pending at S is quoted from its S state, before this
    // frame (possibly S+1 for one of its accounts) is applied.
    this.advance(f.slot, recvUs);
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      const ch = r.t.applyFrame(key, f);
      if (ch & Changed.window) this.onWindowMoved(r);
      if (ch & Changed.quote) this.tryPublish(r, recvUs);
    }
  }

  /** A notification at `slot` arrived: slots before it are closed, and every quotable pool is current. */
  private advance(slot: number, recvUs: number): void {
    if (this.connState !== FeedState.live) this.setConnState(FeedState.live);
    if (slot <= this.highestSlot) return;
    this.highestSlot = slot;
    for (let i = 0; i < this.routes.length; i++) {
      const r = this.routes[i]!;
      const pending = r.t.pendingSlot;
      if (pending >= 0 && pending < slot) {
        r.t.pendingSlot = -1;
        this.publishDirect(r, pending, recvUs);
      } else if (r.t.ready() && r.t.pendingSlot < 0) r.t.freshUs = recvUs;
    }
  }

  /** Quote now if the pool is consistent (accounts.ts), else leave it pending until its slot closes. */
  private tryPublish(r: Route, recvUs: number): void {
    const t = r.t;
    if (!t.ready()) return;
    t.inputSlots(this.slotScratch);
    const max = this.slotScratch[0]!;
    const lead = this.slotScratch[1]!;
    if (lead >= max || max < this.highestSlot) {
      t.pendingSlot = -1;
      this.publishDirect(r, max, recvUs);
    } else t.pendingSlot = max;
  }

  private publishDirect(r: Route, slot: number, recvUs: number): void {
    const t = r.t;
    t.inputSlots(this.slotScratch);
    const s = this.slotScratch[0]!;
    const t0 = this.o.clock.monoUs();
    const mid = t.mid();
    r.unfilled += t.ladder(r.sizes, mid, r.buf, r.sell, r.buy);
    r.mid = mid;
    r.slot = Math.max(slot, s);
    t.freshUs = recvUs;
    if (r.source !== QuoteSource.direct) {
      r.source = QuoteSource.direct;
      r.toDirect++;
      this.o.log.info({ pool: t.address, asset: t.p.asset }, 'direct pool state fresh again: back to direct quotes');
    }
    this.write(r, QuoteSource.direct, 0, r.slot, recvUs, mid, t.feeBps(), r.sizes.length, r.sell, r.buy);
    const done = this.o.clock.monoUs();
    this.quoteSeconds.direct.record(done - t0);
    this.notifyToQuote.record(done - recvUs);
    this.o.onDirectPublished?.(recvUs, done);
  }

  private write(r: Route, source: number, flags: number, slot: number, recvUs: number, mid: number, fee: number, k: number, sell: Float64Array, buy: Float64Array): void {
    const t = r.t;
    const fixed = this.fixedCostQuote(r, mid);
    t.lastPublishUs = this.o.clock.monoUs();
    r.quotes++;
    for (let o = 0; o < r.outs.length; o++) {
      const out = r.outs[o]!;
      const v = this.pq.begin(out.producer, k);
      v.flags = flags;
      v.seq = ++this.seq;
      v.exchTimeMs = 0;
      v.recvUs = recvUs;
      v.venue = Venue.solana;
      v.asset = t.p.asset_index;
      v.route = t.p.route;
      v.source = source;
      v.slot = slot;
      v.midPrice = mid;
      v.feeBps = fee;
      v.fixedCostQuote = fixed;
      const f64 = out.producer.mem.f64;
      const base = v.tailIndex;
      for (let i = 0; i < 2 * k; i++) f64[base + i] = sell[i]!;
      for (let i = 0; i < 2 * k; i++) f64[base + 2 * k + i] = buy[i]!;
      out.publish();
    }
  }

  /** Priority fee (recent p75 for this pool × budgeted CU) + base fee, in quote currency at mid. */
  private fixedCostQuote(r: Route, mid: number): number {
    const lamports = (SWAP_COMPUTE_UNITS[r.t.p.program] * r.priorityMicroLamports) / 1e6 + BASE_FEE_LAMPORTS;
    let solPx = r.t.mints.baseMint === WSOL_MINT ? mid : Number.NaN;
    if (!(solPx > 0)) {
      const sol = this.routes.find((x) => x.t.mints.baseMint === WSOL_MINT && x.t.mints.quoteMint === r.t.mints.quoteMint && x.mid > 0);
      solPx = sol ? sol.mid : Number.NaN;
    }
    if (!(solPx > 0)) {
      this.fixedCostUnknown++;
      return 0;
    }
    return (lamports / 1e9) * solPx;
  }

  // ---- subscriptions --------------------------------------------------------------------------

  /** Subscribe what the route needs now, drop what it no longer does. */
  private syncSubscriptions(r: Route): void {
    const want = new Set(r.t.keys());
    for (const k of want) {
      if (r.subscribed.has(k)) continue;
      r.subscribed.add(k);
      const list = this.byKey.get(k);
      if (list) list.push(r);
      else this.byKey.set(k, [r]);
      this.pubsub.subscribe(k);
    }
    for (const k of r.subscribed) {
      if (want.has(k)) continue;
      r.subscribed.delete(k);
      const list = this.byKey.get(k)!.filter((x) => x !== r);
      if (list.length === 0) {
        this.byKey.delete(k);
        this.pubsub.unsubscribe(k);
      } else this.byKey.set(k, list);
    }
  }

  /** The current tick left its array: move the tick-array subscriptions and fetch the new arrays with the pool. */
  private onWindowMoved(r: Route): void {
    this.tickArrayMoves++;
    this.syncSubscriptions(r);
    this.refetch(r);
  }

  private refetch(r: Route): void {
    if (r.refetching) return;
    r.refetching = true;
    r.refetchLastMs = this.o.clock.nowMs();
    const minSlot = this.highestSlot;
    const run = async () => {
      try {
        await this.fetch([r.t.address, ...r.t.keys().filter((k) => k !== r.t.address)], minSlot);
      } finally {
        r.refetching = false;
      }
      this.syncSubscriptions(r);
    };
    this.background(run(), 'tick-array refetch');
  }

  // ---- staleness, fallback, divergence, fees --------------------------------------------------

  private tick(): void {
    const now = this.o.clock.monoUs();
    const nowMs = this.o.clock.nowMs();
    const s = this.o.slice;
    // FeedState values rank live (1) < stale (2) < down (4): an asset is as bad as its worst pool.
    const worst = new Map<number, number>();
    for (const r of this.routes) {
      const t = r.t;
      // A window fetch that failed (RPC error) is retried here rather than waiting for the next move.
      if (this.live && !r.refetching && nowMs - r.refetchLastMs >= 1_000 && !t.hasAll()) this.refetch(r);
      const ageMs = (now - t.freshUs) / 1000;
      const fresh = t.ready() && ageMs <= s.stale_ms;
      const st = this.connState === FeedState.down && !fresh ? FeedState.down : fresh ? FeedState.live : FeedState.stale;
      worst.set(t.p.asset_index, Math.max(worst.get(t.p.asset_index) ?? FeedState.live, st));
      const fb = t.p.fallback;
      if (fb.enabled && this.o.jupiter && ageMs > fb.stale_threshold_ms) {
        if (r.source === QuoteSource.direct) {
          r.source = QuoteSource.jupiter;
          r.toFallback++;
          this.o.log.warn({ pool: t.address, asset: t.p.asset, age_ms: Math.round(ageMs) }, 'direct pool state stale: quoting through Jupiter');
        }
        if (!r.fbBusy && nowMs - r.fbLastMs >= s.jupiter_refresh_ms && this.o.jupiter.gateMs() === 0) this.runFallback(r);
      } else if (fresh && r.source === QuoteSource.direct) {
        if (now - t.lastPublishUs > (s.stale_ms * 1000) / 2 && t.pendingSlot < 0) {
          this.write(r, QuoteSource.direct, 0, Math.max(r.slot, this.highestSlot), t.freshUs, r.mid, t.feeBps(), r.sizes.length, r.sell, r.buy);
        }
        if (this.o.jupiter && !r.divBusy && nowMs - r.divLastMs >= s.divergence_sample_ms && this.o.jupiter.gateMs() === 0) this.sampleDivergence(r);
      }
    }
    for (const [asset, w] of worst) this.setAssetState(asset, w);
  }

  private async loadLabels(): Promise<void> {
    if (this.labelsLoaded || !this.o.jupiter) return;
    this.labelsLoaded = true;
    try {
      this.labels = labelsFrom(await this.o.jupiter.programIdToLabel());
    } catch (e) {
      this.jupiterErrors++;
      this.o.log.warn({ err: errorMessage(e) }, 'Jupiter program-id-to-label failed: using the default labels');
    }
  }

  private runFallback(r: Route): void {
    r.fbBusy = true;
    r.fbLastMs = this.o.clock.nowMs();
    const t = r.t;
    const run = async () => {
      await this.loadLabels();
      const t0 = this.o.clock.monoUs();
      const route = { pool: t.p, labels: this.labels, baseMint: t.mints.baseMint, quoteMint: t.mints.quoteMint, decBase: t.decBase, decQuote: t.decQuote };
      const fb = await fetchFallbackLadder(this.o.jupiter!, route, r.sizes, r.mid, r.fb);
      const recvUs = this.o.clock.monoUs();
      this.quoteSeconds.jupiter.record(recvUs - t0);
      this.notPinned += fb.notPinned;
      this.jupiterErrors += fb.errors;
      // Direct came back while we were asking: its quote is newer, do not overwrite it.
      if (fb.points === 0 || r.source !== QuoteSource.jupiter || this.stopped) return;
      r.fallbackQuotes++;
      this.write(r, QuoteSource.jupiter, Flag.Fallback, fb.slot, recvUs, fb.mid, t.p.swap_fee_bps, fb.points, fb.sell, fb.buy);
    };
    run()
      .finally(() => {
        r.fbBusy = false;
      })
      .catch((e: unknown) => this.crash(e));
  }

  /** One pinned Jupiter quote at the middle sell size vs our exact output for the same input. */
  private sampleDivergence(r: Route): void {
    r.divBusy = true;
    r.divLastMs = this.o.clock.nowMs();
    const t = r.t;
    const i = r.sizes.length >> 1;
    const baseIn = r.sell[2 * i]!;
    const direct = r.sell[2 * i + 1]!;
    const run = async () => {
      await this.loadLabels();
      const raw = BigInt(Math.round(baseIn * 10 ** t.decBase));
      const q = await pinnedQuote(this.o.jupiter!, t.p, { inputMint: t.mints.baseMint, outputMint: t.mints.quoteMint, amount: raw }, this.labels);
      const jup = Number(q.outAmount) / 10 ** t.decQuote;
      if (direct > 0) {
        r.divergenceBps = ((jup - direct) / direct) * 10_000;
        r.divergenceSamples++;
      }
    };
    run()
      .catch((e: unknown) => {
        this.jupiterErrors++;
        this.o.log.debug({ err: errorMessage(e), pool: t.address }, 'divergence sample failed');
      })
      .finally(() => {
        r.divBusy = false;
      })
      .catch((e: unknown) => this.crash(e));
  }

  private async refreshFees(): Promise<void> {
    for (const r of this.routes) {
      try {
        const fees = (await this.o.rpc.getRecentPrioritizationFees([r.t.address])).map((f) => f.fee).filter(Number.isFinite).sort((a, b) => a - b);
        // p75 of recent landed fees for transactions that touched this pool: enough to land, not the outliers.
        r.priorityMicroLamports = fees.length === 0 ? 0 : fees[Math.min(fees.length - 1, Math.floor(fees.length * 0.75))]!;
      } catch (e) {
        this.rpcErrors++;
        this.o.log.warn({ err: errorMessage(e), pool: r.t.address }, 'getRecentPrioritizationFees failed: keeping the last estimate');
      }
    }
  }

  private crash(e: unknown): void {
    // Crash-only: a bug in a background task ends the thread from a fresh macrotask (uncaught).
    setImmediate(() => {
      throw e;
    });
  }

  // ---- health ---------------------------------------------------------------------------------

  stalenessSec(assetIndex: number): number {
    const now = this.o.clock.monoUs();
    let worst = 0;
    for (const r of this.routes) if (r.t.p.asset_index === assetIndex) worst = Math.max(worst, (now - r.t.freshUs) / 1e6);
    return worst;
  }

  stateOf(assetIndex: number): number {
    return this.assetState.get(assetIndex) ?? FeedState.connecting;
  }

  private setConnState(s: number): void {
    if (s === this.connState) return;
    this.connState = s;
    this.publishHealth(ALL_ASSETS, s, this.o.healthOutputs);
  }

  private setAssetState(asset: number, s: number): void {
    if (this.assetState.get(asset) === s) return;
    this.assetState.set(asset, s);
    this.o.log.info({ asset_index: asset, state: s }, 'solana feed state');
    this.publishHealth(asset, s, [...this.o.healthOutputs, ...(this.o.assetOutputs.get(asset) ?? [])]);
  }

  private publishHealth(asset: number, s: number, outs: Output[]): void {
    for (const out of outs) {
      const h = this.health.begin(out.producer);
      h.seq = ++this.seq;
      h.recvUs = this.o.clock.monoUs();
      h.exchTimeMs = this.o.clock.nowMs();
      h.venue = Venue.solana;
      h.asset = asset;
      h.state = s;
      h.resyncs = this.resnapshots;
      h.stalenessMs = asset === ALL_ASSETS ? 0 : this.stalenessSec(asset) * 1000;
      h.rttMs = 0;
      h.messages = this.messages;
      out.publish();
    }
  }
}
