/**
 * Aligning `diff_order_book` with a REST snapshot (cex-protocols.md §3.4). Bitstamp has no sequence
 * numbers, so there is no gap detector: order comes from `microtimestamp` alone. Pure; the feed
 * buffers the raw diffs and asks this gate which to apply.
 *
 * Protocol: subscribe and buffer → fetch the REST snapshot → drop diffs with microtimestamp ≤ the
 * snapshot's → apply the rest in order. After that a diff whose microtimestamp goes backwards is
 * out of order and the book must be rebuilt (so is a crossed book, checked by the feed).
 */
export type DiffVerdict = 'buffer' | 'apply' | 'skip' | 'resync';

export class BitstampDiffGate {
  private snapshotUs = -1;
  private lastUs = -1;

  /** The REST snapshot has been applied to the book. */
  snapshotLoaded(microtimestamp: number): void {
    this.snapshotUs = microtimestamp;
    this.lastUs = microtimestamp;
  }

  /** Judge a diff by its microtimestamp. */
  check(microtimestamp: number): DiffVerdict {
    if (this.snapshotUs < 0) return 'buffer';
    if (microtimestamp <= this.snapshotUs) return 'skip';
    if (microtimestamp < this.lastUs) return 'resync';
    this.lastUs = microtimestamp;
    return 'apply';
  }

  /** Reconnect or resync: wait for a new snapshot. */
  reset(): void {
    this.snapshotUs = -1;
    this.lastUs = -1;
  }
}
