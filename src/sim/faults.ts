import { type Rng, streamRng } from './market/rng.ts';
import type { Scheduler, Timer } from './market/scheduler.ts';
import { chancePct, drawRange, lognormalMs, type VenueProfile } from './profile.ts';

export type FaultKind = 'drop' | 'gap' | 'delay' | 'stale' | 'reconnect' | 'partial_fill' | 'fail_tx' | 'slow_land' | 'drop_tx' | 'rate_limit' | 'server_error' | 'depeg';

/** A fault request as `POST /sim/faults` and `faults.inject()` accept it. */
export interface FaultRequest {
  venue: string;
  kind: FaultKind;
  /** gap: messages to lose; partial_fill: orders to partially fill. Default 1. */
  count?: number;
  /** delay: added latency per outgoing message. */
  delay_ms?: number;
  /** delay/stale: how long the fault lasts (delay defaults to until cleared by delay_ms 0). */
  duration_ms?: number;
  /** partial_fill: fraction of the requested size that fills (default 0.5). */
  fill_ratio?: number;
  /** slow_land: slots a transaction lands late (default 4; or give `delay_ms`, rounded up to whole 400 ms slots). */
  slots?: number;
  /** server_error: the request takes effect before the 5xx (order placed, transaction accepted), so its outcome is unknown to the client. */
  processed?: boolean;
  /** depeg (bitstamp): how far USDC moves against USD, signed (−120: 1 USDC = 0.988 USD); 0 ends a running depeg. */
  bps?: number;
}

/** What the REST fault wrapper does with one request. */
export interface RestPlan {
  latency_ms: number;
  outcome: 'ok' | 'rate_limited' | 'error_before' | 'error_after';
}

/**
 * Per-venue fault state. Servers read it on every outgoing message; `drop` and `reconnect` are
 * pushed to the servers' listeners because they act on live sockets at once.
 */
export class VenueFaults {
  delay_ms = 0;
  /** Market-data messages still to lose (a real loss: data and, where the venue has one, its sequence number). */
  pending_gaps = 0;
  stale = false;
  partial_fills = 0;
  partial_ratio = 0.5;
  /** Solana: next transactions that land but fail (fail_tx), land late (slow_land), or never land (drop_tx). */
  pending_tx_failures = 0;
  pending_slow_lands = 0;
  slow_land_slots = 4;
  pending_tx_drops = 0;
  /** Jupiter: requests still to refuse with 429 (count), and a time until which every request is refused. */
  pending_rate_limits = 0;
  rate_limited_until_ms = 0;
  /** REST: requests still to answer with a 5xx (count), or until a time; `processed` = after the request took effect. */
  pending_server_errors = 0;
  server_errors_until_ms = 0;
  server_errors_processed = false;
  /** Standing latency and fault rates (scenario / `POST /sim/profile`). */
  profile: VenueProfile = {};
  /**
   * WS frames and characters written on the venue's sockets (counted by `net/outbox.ts`, read by
   * `/sim/health` and the load stats). Kept here because this is the one per-venue object every
   * socket of the venue already holds.
   */
  readonly sent = { frames: 0, chars: 0 };
  private readonly dropListeners = new Set<() => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly resumeListeners = new Set<() => void>();
  private timers: Timer[] = [];
  private dropTimer: Timer | undefined;
  private readonly depegListeners = new Set<(bps: number, duration_ms: number) => void>();
  // One stream per concern, so e.g. a burst of REST calls does not change which orders fill partially.
  private readonly rng: { rest: Rng; ws: Rng; orders: Rng; tx: Rng; drops: Rng };

  constructor(
    readonly venue: string,
    private readonly scheduler: Scheduler,
    seed = 0,
  ) {
    const r = (what: string): Rng => streamRng(seed, `faults:${venue}:${what}`);
    this.rng = { rest: r('rest'), ws: r('ws'), orders: r('orders'), tx: r('tx'), drops: r('drops') };
  }

  /** Replace (or with `merge`, update) the standing profile; restarts the dropped-socket process. */
  configure(p: VenueProfile, merge = false): void {
    this.profile = merge ? { ...this.profile, ...p } : { ...p };
    this.dropTimer?.cancel();
    this.dropTimer = undefined;
    this.armDrops();
  }

  /** Delay for the next outgoing WS message: the `delay` fault plus the profile's latency draw. */
  wsDelayMs(): number {
    const l = this.profile.ws_latency_ms;
    return this.delay_ms + (l === undefined ? 0 : lognormalMs(this.rng.ws, l));
  }

  /**
   * Latency and outcome of one REST request. Counted and timed faults first (they are what a test
   * asked for), then the profile's rates. `countRateLimits` is false where the server implements
   * the venue's own 429 (Jupiter).
   */
  planRest(countRateLimits = true): RestPlan {
    const p = this.profile;
    const r = this.rng.rest;
    const latency_ms = lognormalMs(r, p.rest_latency_ms);
    const now = this.scheduler.clock.nowMs();
    if (countRateLimits && (this.take('rate_limit') || now < this.rate_limited_until_ms)) return { latency_ms, outcome: 'rate_limited' };
    if (this.pending_server_errors > 0 || now < this.server_errors_until_ms) {
      if (this.pending_server_errors > 0) this.pending_server_errors--;
      return { latency_ms, outcome: this.server_errors_processed ? 'error_after' : 'error_before' };
    }
    if (chancePct(r, p.rest_429_pct)) return { latency_ms, outcome: 'rate_limited' };
    if (chancePct(r, p.rest_5xx_pct)) return { latency_ms, outcome: chancePct(r, p.rest_5xx_processed_pct) ? 'error_after' : 'error_before' };
    return { latency_ms, outcome: 'ok' };
  }

  onDrop(fn: () => void): () => void {
    this.dropListeners.add(fn);
    return () => this.dropListeners.delete(fn);
  }

  onReconnectRequest(fn: () => void): () => void {
    this.reconnectListeners.add(fn);
    return () => this.reconnectListeners.delete(fn);
  }

  /** Bitstamp: a `depeg` fault, for the USDC/USD market its server quotes. */
  onDepeg(fn: (bps: number, duration_ms: number) => void): () => void {
    this.depegListeners.add(fn);
    return () => this.depegListeners.delete(fn);
  }

  /** Called when a stale period ends, so held messages go out in order. */
  onResume(fn: () => void): () => void {
    this.resumeListeners.add(fn);
    return () => this.resumeListeners.delete(fn);
  }

  /** Take one pending gap if any: the caller then loses the message it was about to send. */
  takeGap(): boolean {
    if (this.pending_gaps <= 0) return chancePct(this.rng.ws, this.profile.ws_gap_pct);
    this.pending_gaps--;
    return true;
  }

  /** Take one pending partial fill; returns the fill ratio to apply, or undefined. */
  takePartial(): number | undefined {
    if (this.partial_fills > 0) {
      this.partial_fills--;
      return this.partial_ratio;
    }
    const p = this.profile;
    if (!chancePct(this.rng.orders, p.partial_fill_pct)) return undefined;
    return drawRange(this.rng.orders, p.partial_fill_ratio ?? { min: 0.5, max: 0.5 });
  }

  /** Solana: what happens to one accepted transaction (counted faults first, then the profile's rates). */
  takeTxFate(): { drop: boolean; late_slots: number; fail: boolean } {
    const p = this.profile;
    const r = this.rng.tx;
    const drop = this.take('drop_tx') || chancePct(r, p.tx_drop_pct);
    let late_slots = 0;
    if (this.take('slow_land')) late_slots = this.slow_land_slots;
    else if (chancePct(r, p.tx_late_pct)) late_slots = Math.round(drawRange(r, p.tx_late_slots ?? { min: 2, max: 8 }));
    const fail = this.take('fail_tx') || chancePct(r, p.tx_fail_pct);
    return { drop, late_slots, fail };
  }

  /** Active one-shot faults and the profile, for `GET /sim/health`. */
  status(): Record<string, unknown> {
    const now = this.scheduler.clock.nowMs();
    return {
      delay_ms: this.delay_ms,
      stale: this.stale,
      pending_gaps: this.pending_gaps,
      partial_fills: this.partial_fills,
      pending_tx_failures: this.pending_tx_failures,
      pending_slow_lands: this.pending_slow_lands,
      pending_tx_drops: this.pending_tx_drops,
      pending_rate_limits: this.pending_rate_limits,
      rate_limited_for_ms: Math.max(0, this.rate_limited_until_ms - now),
      pending_server_errors: this.pending_server_errors,
      server_errors_for_ms: Math.max(0, this.server_errors_until_ms - now),
      profile: this.profile,
    };
  }

  /** Take one pending counted fault of a Solana/Jupiter kind; true = apply it to this transaction/request. */
  take(kind: 'fail_tx' | 'slow_land' | 'drop_tx' | 'rate_limit'): boolean {
    const field = ({ fail_tx: 'pending_tx_failures', slow_land: 'pending_slow_lands', drop_tx: 'pending_tx_drops', rate_limit: 'pending_rate_limits' } as const)[kind];
    if (this[field] <= 0) return false;
    this[field]--;
    return true;
  }

  apply(f: FaultRequest): void {
    switch (f.kind) {
      case 'drop':
        for (const fn of [...this.dropListeners]) fn();
        return;
      case 'gap':
        this.pending_gaps += f.count ?? 1;
        return;
      case 'delay':
        this.delay_ms = Math.max(0, f.delay_ms ?? 0);
        if (f.duration_ms !== undefined) this.later(f.duration_ms, () => (this.delay_ms = 0));
        return;
      case 'stale':
        this.stale = true;
        this.later(f.duration_ms ?? 15_000, () => {
          this.stale = false;
          for (const fn of [...this.resumeListeners]) fn();
        });
        return;
      case 'reconnect':
        for (const fn of [...this.reconnectListeners]) fn();
        return;
      case 'partial_fill':
        this.partial_fills += f.count ?? 1;
        this.partial_ratio = f.fill_ratio ?? 0.5;
        return;
      case 'fail_tx':
        this.pending_tx_failures += f.count ?? 1;
        return;
      case 'drop_tx':
        this.pending_tx_drops += f.count ?? 1;
        return;
      case 'slow_land':
        this.pending_slow_lands += f.count ?? 1;
        this.slow_land_slots = f.slots ?? (f.delay_ms !== undefined ? Math.max(1, Math.ceil(f.delay_ms / 400)) : 4);
        return;
      case 'rate_limit':
        if (f.duration_ms !== undefined) this.rate_limited_until_ms = this.scheduler.clock.nowMs() + f.duration_ms;
        else this.pending_rate_limits += f.count ?? 1;
        return;
      case 'server_error':
        this.server_errors_processed = f.processed === true;
        if (f.duration_ms !== undefined) this.server_errors_until_ms = this.scheduler.clock.nowMs() + f.duration_ms;
        else this.pending_server_errors += f.count ?? 1;
        return;
      case 'depeg':
        for (const fn of [...this.depegListeners]) fn(f.bps ?? 0, f.duration_ms ?? 15_000);
        return;
    }
  }

  close(): void {
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.dropTimer?.cancel();
    this.dropTimer = undefined;
  }

  /** Dropped sockets as a Poisson process: exponential gaps with the profile's mean rate. */
  private armDrops(): void {
    const rate = this.profile.ws_drop_per_min ?? 0;
    if (rate <= 0) return;
    const gap = (-Math.log(1 - this.rng.drops.uniform()) * 60_000) / rate;
    this.dropTimer = this.scheduler.after(Math.max(1, gap), () => {
      this.dropTimer = undefined;
      this.apply({ venue: this.venue, kind: 'drop' });
      this.armDrops();
    });
  }

  private later(ms: number, fn: () => void): void {
    const t = this.scheduler.after(ms, () => {
      this.timers = this.timers.filter((x) => x !== t);
      fn();
    });
    this.timers.push(t);
  }
}

export const FAULT_KINDS: readonly FaultKind[] = ['drop', 'gap', 'delay', 'stale', 'reconnect', 'partial_fill', 'fail_tx', 'slow_land', 'drop_tx', 'rate_limit', 'server_error', 'depeg'];

/** Which one-shot faults each simulated venue acts on (anything else would be silently ignored, so the control API refuses it). */
export const VENUE_FAULT_KINDS: Record<string, readonly FaultKind[]> = {
  coinbase: ['drop', 'gap', 'delay', 'stale', 'partial_fill', 'rate_limit', 'server_error'],
  gemini: ['drop', 'gap', 'delay', 'stale', 'partial_fill', 'rate_limit', 'server_error'],
  bitstamp: ['drop', 'gap', 'delay', 'stale', 'reconnect', 'partial_fill', 'rate_limit', 'server_error', 'depeg'],
  solana: ['drop', 'gap', 'delay', 'stale', 'fail_tx', 'slow_land', 'drop_tx', 'rate_limit', 'server_error'],
  jupiter: ['delay', 'rate_limit', 'server_error'],
};
