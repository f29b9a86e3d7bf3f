import type { VenueFaults } from '../faults.ts';

/**
 * Holds market-data messages while the venue is "stale" and releases them in order when it
 * resumes: the venue goes quiet (heartbeats may continue) without losing data, which is what a
 * connector's staleness timer, not its gap detector, has to catch.
 */
export class StaleGate<T> {
  private held: T[] = [];
  private readonly off: () => void;

  constructor(
    private readonly faults: VenueFaults,
    private readonly deliver: (e: T) => void,
  ) {
    this.off = faults.onResume(() => this.flush());
  }

  push(e: T): void {
    if (this.faults.stale) {
      this.held.push(e);
      return;
    }
    this.flush();
    this.deliver(e);
  }

  /** Forget held messages a fresh snapshot already covers. */
  discard(pred: (e: T) => boolean): void {
    this.held = this.held.filter((e) => !pred(e));
  }

  close(): void {
    this.off();
    this.held = [];
  }

  private flush(): void {
    const batch = this.held;
    this.held = [];
    for (const e of batch) this.deliver(e);
  }
}
