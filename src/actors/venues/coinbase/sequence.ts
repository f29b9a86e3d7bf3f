/**
 * Gap detector for Coinbase's envelope `sequence_num` (cex-protocols.md §1.4, rule marked [U]).
 *
 * `sequence_num` is one counter per *connection*, +1 per message across every channel including
 * heartbeats, not per product. A jump means the socket lost messages: every book on it is suspect,
 * so the answer is "gap → resync all books on this socket". A repeat or older number is ignored.
 * The first number seen is taken as the baseline because the docs do not say where it starts; a
 * lost first message also loses the snapshot, which the feed catches as "update before snapshot".
 */
export type SeqVerdict = 'ok' | 'gap' | 'stale';

export class CoinbaseSequence {
  private last = -1;
  private gaps = 0;

  /** Judge the next envelope's `sequence_num`. After a gap the new number becomes the baseline. */
  observe(seq: number): SeqVerdict {
    const last = this.last;
    if (last < 0) {
      this.last = seq;
      return 'ok';
    }
    if (seq <= last) return 'stale';
    this.last = seq;
    if (seq === last + 1) return 'ok';
    this.gaps++;
    return 'gap';
  }

  /** New connection: numbering starts again. */
  reset(): void {
    this.last = -1;
  }

  get lastSeq(): number {
    return this.last;
  }

  get gapCount(): number {
    return this.gaps;
  }
}
