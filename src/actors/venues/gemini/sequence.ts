/**
 * Gap detector for Gemini `socket_sequence` (order events §2.5 and v1 market data §2.4).
 *
 * The counter starts at 0 on the first message after the subscription ack and goes up by one on
 * every message, heartbeats included. Any other number means a lost message: "gap → reconnect",
 * take the `initial` snapshot and reconcile through REST. Unlike Coinbase the start is documented,
 * so a first message that is not 0 is already a gap.
 */
export type SeqVerdict = 'ok' | 'gap' | 'stale';

export class GeminiSequence {
  private expected = 0;
  private gaps = 0;

  observe(seq: number): SeqVerdict {
    if (seq === this.expected) {
      this.expected = seq + 1;
      return 'ok';
    }
    if (seq < this.expected) return 'stale';
    this.gaps++;
    this.expected = seq + 1;
    return 'gap';
  }

  /** New connection (after its ack): numbering restarts at 0. */
  reset(): void {
    this.expected = 0;
  }

  get nextExpected(): number {
    return this.expected;
  }

  get gapCount(): number {
    return this.gaps;
  }
}
