import type { Clock } from '../../shared/clock.ts';
import { CambistError, errorMessage } from '../../shared/errors.ts';
import type { InventorySnapshot, Opportunity, Store, TradePatch, TradeRecord, WindowRecord } from '../../shared/store/index.ts';
import { applyPatch, tradePatch, type ExecUpdate } from './records.ts';

/**
 * The recorder's write side: buffers records from the rings and commits them in transactions of at
 * most `maxRecords` records, at most `maxDelayMs` after the oldest buffered one arrived.
 *
 * Backpressure. The rings into the recorder are `reject` rings (a window or a trade result is never
 * dropped), so the recorder must keep draining them even when the store is slow, or the producers'
 * rings fill and escalate. What gives is opportunities: once a write has been in flight longer than
 * the batch delay and a full batch is already waiting, a new opportunity replaces the buffered one of the same (asset, venue, route,
 * direction) instead of queueing behind it, and each replacement is counted. Windows merge by id
 * (an upsert of the newer state supersedes the older: nothing is lost) and trade results queue in
 * order, so neither is ever dropped.
 *
 * Failures. A retryable store error (busy, unreachable) puts the batch back and retries with
 * backoff; anything else is a broken invariant reported to `onFatal` (the actor exits, crash-only).
 * A trade result whose trade row does not exist is one of those: the executor writes the intent
 * before it sends anything, so a missing row means a lost intent. The rest of the batch is written
 * first, then `RECORDER_TRADE_MISSING` is raised.
 */
export interface BatcherOptions {
  store: Store;
  clock: Clock;
  maxRecords?: number;
  maxDelayMs?: number;
  onFatal: (e: Error) => void;
}

interface Taken {
  windows: WindowRecord[];
  execs: ExecUpdate[];
  opps: Opportunity[];
  inventory: InventorySnapshot[];
}

const BATCH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;
const RETRY_MAX_MS = 2_000;

export class Batcher {
  private readonly maxRecords: number;
  private readonly maxDelayMs: number;
  private opps: Opportunity[] = [];
  private readonly conflated = new Map<number, Opportunity>();
  private readonly windows = new Map<string, WindowRecord>();
  private execs: ExecUpdate[] = [];
  // Latest snapshot per (venue, asset): a newer balance supersedes an older one in the same batch.
  private readonly inventory = new Map<string, InventorySnapshot>();
  private firstAtMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private retryMs = 0;
  private failed = false;
  private draining = false;
  private writeStartedMs = 0;
  private inFlightRecords = 0;
  readonly counters = {
    conflated: 0,
    batches: 0,
    retries: 0,
    /** Results the executor had already written to the trade row (nothing to change). */
    alreadyRecorded: 0,
    written: { opportunity: 0, window: 0, trade_update: 0, inventory: 0 },
    batchSecondsSum: 0,
    buckets: new Float64Array(BATCH_BUCKETS.length + 1),
  };

  constructor(private readonly o: BatcherOptions) {
    this.maxRecords = o.maxRecords ?? 1_000;
    this.maxDelayMs = o.maxDelayMs ?? 50;
  }

  get pending(): number {
    return this.opps.length + this.conflated.size + this.windows.size + this.execs.length + this.inventory.size;
  }

  /**
   * True while the store is behind: a full batch waits while a write has been in flight for longer
   * than the batch delay (or the store is backing off after a retryable error). A burst that merely
   * outruns one event-loop turn is not congestion: it is written in full as soon as the loop yields.
   */
  get congested(): boolean {
    if (this.pending < this.maxRecords) return false;
    if (this.retryMs > 0) return true;
    return this.inFlight !== undefined && this.o.clock.monoUs() / 1000 - this.writeStartedMs > this.maxDelayMs;
  }

  addOpportunity(o: Opportunity, key: number): void {
    const replaces = this.conflated.has(key);
    if (replaces || this.congested) {
      if (replaces) this.counters.conflated++;
      this.conflated.set(key, o);
    } else this.opps.push(o);
    this.arm();
  }

  addWindow(w: WindowRecord): void {
    // Delete first so the newest state moves to the end (Map keeps insertion order).
    this.windows.delete(w.window_id);
    this.windows.set(w.window_id, w);
    this.arm();
  }

  addInventory(snapshots: readonly InventorySnapshot[]): void {
    for (const i of snapshots) this.inventory.set(`${i.venue}|${i.asset}`, i);
    this.arm();
  }

  addExec(u: ExecUpdate): void {
    this.execs.push(u);
    this.arm();
  }

  /** After each drain pass: write now if a full batch is waiting (the timer covers the rest). */
  poke(): void {
    if (this.pending >= this.maxRecords && this.retryMs === 0) this.schedule(0);
  }

  /** Write everything buffered (on stop); resolves when the buffer is empty or a write failed. */
  async drain(): Promise<void> {
    this.draining = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (!this.failed) {
      if (this.inFlight) await this.inFlight;
      else if (this.pending === 0) return;
      else {
        if (this.retryMs > 0) await new Promise((r) => setTimeout(r, this.retryMs));
        await this.startWrite();
      }
    }
  }

  private arm(): void {
    if (this.firstAtMs === 0) this.firstAtMs = this.o.clock.monoUs() / 1000;
    this.schedule(this.maxDelayMs);
  }

  /** Make sure a write starts within `delayMs` (an earlier timer stays; a shorter one replaces it). */
  private schedule(delayMs: number): void {
    if (this.inFlight !== undefined || this.failed || this.draining) return;
    if (this.timer !== undefined) {
      if (delayMs > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.inFlight === undefined && this.pending > 0) void this.startWrite();
    }, delayMs);
  }

  /** write() settles every error itself (retry or onFatal), so this promise never rejects. */
  private startWrite(): Promise<void> {
    this.writeStartedMs = this.o.clock.monoUs() / 1000;
    this.inFlight = this.write().then(() => {
      this.inFlight = undefined;
      this.inFlightRecords = 0;
      this.afterWrite();
    });
    return this.inFlight;
  }

  private afterWrite(): void {
    if (this.failed || this.draining || this.pending === 0) return;
    if (this.retryMs > 0) return this.schedule(this.retryMs);
    const waited = this.o.clock.monoUs() / 1000 - this.firstAtMs;
    this.schedule(this.pending >= this.maxRecords ? 0 : Math.max(0, this.maxDelayMs - waited));
  }

  /** Take up to maxRecords: windows and trade results first (never conflated), then opportunities. */
  private take(): Taken {
    let room = this.maxRecords;
    const inventory: InventorySnapshot[] = [];
    for (const [k, i] of this.inventory) {
      if (room === 0) break;
      inventory.push(i);
      this.inventory.delete(k);
      room--;
    }
    const windows: WindowRecord[] = [];
    for (const [id, w] of this.windows) {
      if (room === 0) break;
      windows.push(w);
      this.windows.delete(id);
      room--;
    }
    const execs = this.execs.splice(0, room);
    room -= execs.length;
    const opps = this.opps.splice(0, room);
    room -= opps.length;
    for (const [k, o] of this.conflated) {
      if (room === 0) break;
      opps.push(o);
      this.conflated.delete(k);
      room--;
    }
    this.firstAtMs = this.pending > 0 ? this.o.clock.monoUs() / 1000 : 0;
    return { windows, execs, opps, inventory };
  }

  /** Put a failed batch back in front of what arrived meanwhile (newer window states win). */
  private putBack(b: Taken): void {
    const newerInv = new Map(this.inventory);
    this.inventory.clear();
    for (const i of b.inventory) if (!newerInv.has(`${i.venue}|${i.asset}`)) this.inventory.set(`${i.venue}|${i.asset}`, i);
    for (const [k, i] of newerInv) this.inventory.set(k, i);
    const newer = new Map(this.windows);
    this.windows.clear();
    for (const w of b.windows) if (!newer.has(w.window_id)) this.windows.set(w.window_id, w);
    for (const [id, w] of newer) this.windows.set(id, w);
    this.execs = [...b.execs, ...this.execs];
    this.opps = [...b.opps, ...this.opps];
    this.firstAtMs = this.o.clock.monoUs() / 1000;
  }

  private async patches(execs: readonly ExecUpdate[]): Promise<{ updates: { trade_key: string; patch: TradePatch }[]; missing: ExecUpdate[] }> {
    const current = new Map<string, TradeRecord | null>();
    const updates: { trade_key: string; patch: TradePatch }[] = [];
    const missing: ExecUpdate[] = [];
    const now = this.o.clock.nowMs();
    for (const u of execs) {
      if (!current.has(u.trade_key)) current.set(u.trade_key, await this.o.store.getTrade(u.trade_key));
      const t = current.get(u.trade_key);
      if (!t) {
        missing.push(u);
        continue;
      }
      const patch = tradePatch(t, u, now);
      if (patch === null) {
        this.counters.alreadyRecorded++;
        continue;
      }
      updates.push({ trade_key: u.trade_key, patch });
      current.set(u.trade_key, applyPatch(t, patch));
    }
    return { updates, missing };
  }

  private async write(): Promise<void> {
    const b = this.take();
    this.inFlightRecords = b.windows.length + b.execs.length + b.opps.length + b.inventory.length;
    const started = this.o.clock.monoUs();
    try {
      const { updates, missing } = await this.patches(b.execs);
      await this.o.store.writeBatch({ opportunities: b.opps, windows: b.windows, trade_updates: updates, inventory: b.inventory });
      this.retryMs = 0;
      this.observe((this.o.clock.monoUs() - started) / 1e6);
      this.counters.written.opportunity += b.opps.length;
      this.counters.written.window += b.windows.length;
      this.counters.written.trade_update += updates.length;
      this.counters.written.inventory += b.inventory.length;
      if (missing.length > 0) {
        const keys = missing.map((m) => m.trade_key);
        this.fail(new CambistError('RECORDER_TRADE_MISSING', `exec.result for ${keys.length} trade(s) with no trade row (${keys.slice(0, 5).join(', ')}): the executor writes the intent before sending, so the intent was lost`, { retry: 'fatal' }));
      }
    } catch (e) {
      if (e instanceof CambistError && e.retry === 'retryable') {
        this.counters.retries++;
        this.retryMs = Math.min(RETRY_MAX_MS, Math.max(50, this.retryMs * 2));
        this.putBack(b);
        return;
      }
      this.putBack(b);
      this.fail(e instanceof Error ? e : new CambistError('RECORDER_WRITE_FAILED', errorMessage(e), { retry: 'fatal' }));
    }
  }

  private fail(e: Error): void {
    this.failed = true;
    clearTimeout(this.timer);
    this.o.onFatal(e);
  }

  private observe(seconds: number): void {
    const c = this.counters;
    c.batches++;
    c.batchSecondsSum += seconds;
    let i = 0;
    while (i < BATCH_BUCKETS.length && seconds > BATCH_BUCKETS[i]!) i++;
    c.buckets[i]!++;
  }

  /** Prometheus series (rendered by the supervisor from `stats().counters`). */
  series(): Record<string, number> {
    const c = this.counters;
    const out: Record<string, number> = {
      cambist_recorder_conflated_total: c.conflated,
      cambist_recorder_batches_total: c.batches,
      cambist_recorder_retries_total: c.retries,
      cambist_recorder_results_already_recorded_total: c.alreadyRecorded,
      // Not yet committed: buffered plus the batch being written.
      cambist_recorder_pending: this.pending + this.inFlightRecords,
      'cambist_recorder_written_total{kind="opportunity"}': c.written.opportunity,
      'cambist_recorder_written_total{kind="window"}': c.written.window,
      'cambist_recorder_written_total{kind="trade_update"}': c.written.trade_update,
      'cambist_recorder_written_total{kind="inventory"}': c.written.inventory,
    };
    let cum = 0;
    BATCH_BUCKETS.forEach((le, i) => {
      cum += c.buckets[i]!;
      out[`cambist_recorder_batch_seconds_bucket{le="${le}"}`] = cum;
    });
    out['cambist_recorder_batch_seconds_bucket{le="+Inf"}'] = cum + c.buckets[BATCH_BUCKETS.length]!;
    out.cambist_recorder_batch_seconds_sum = c.batchSecondsSum;
    out.cambist_recorder_batch_seconds_count = c.batches;
    return out;
  }
}
