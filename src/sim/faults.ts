import type { Scheduler, Timer } from './market/scheduler.ts';

export type FaultKind = 'drop' | 'gap' | 'delay' | 'stale' | 'reconnect' | 'partial_fill' | 'fail_tx' | 'slow_land' | 'drop_tx' | 'rate_limit';

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
  /**
   * slow_land: slots a transaction lands late (default 4). Over HTTP (`POST /sim/faults`) use
   * `delay_ms` instead: it is rounded up to whole 400 ms slots.
   */
  slots?: number;
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
  private readonly dropListeners = new Set<() => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly resumeListeners = new Set<() => void>();
  private timers: Timer[] = [];

  constructor(
    readonly venue: string,
    private readonly scheduler: Scheduler,
  ) {}

  onDrop(fn: () => void): () => void {
    this.dropListeners.add(fn);
    return () => this.dropListeners.delete(fn);
  }

  onReconnectRequest(fn: () => void): () => void {
    this.reconnectListeners.add(fn);
    return () => this.reconnectListeners.delete(fn);
  }

  /** Called when a stale period ends, so held messages go out in order. */
  onResume(fn: () => void): () => void {
    this.resumeListeners.add(fn);
    return () => this.resumeListeners.delete(fn);
  }

  /** Take one pending gap if any: the caller then loses the message it was about to send. */
  takeGap(): boolean {
    if (this.pending_gaps <= 0) return false;
    this.pending_gaps--;
    return true;
  }

  /** Take one pending partial fill; returns the fill ratio to apply, or undefined. */
  takePartial(): number | undefined {
    if (this.partial_fills <= 0) return undefined;
    this.partial_fills--;
    return this.partial_ratio;
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
    }
  }

  close(): void {
    for (const t of this.timers) t.cancel();
    this.timers = [];
  }

  private later(ms: number, fn: () => void): void {
    const t = this.scheduler.after(ms, () => {
      this.timers = this.timers.filter((x) => x !== t);
      fn();
    });
    this.timers.push(t);
  }
}

export const FAULT_KINDS: readonly FaultKind[] = ['drop', 'gap', 'delay', 'stale', 'reconnect', 'partial_fill', 'fail_tx', 'slow_land', 'drop_tx', 'rate_limit'];
