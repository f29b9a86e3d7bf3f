/**
 * A local price-level order book for one instrument, fed by venue parsers through the `LevelSink`
 * interface so a message goes from JSON to levels without intermediate objects.
 *
 * Prices and sizes are float64 on this path (DESIGN §3); the venue boundary converts decimal strings
 * once. A venue never publishes a locked or crossed book of its own, so best bid ≥ best ask means we
 * missed an update: the caller must resync (Bitstamp has no sequence numbers; this is its only check).
 */
import { ASK, BID, BookSide, type Side } from './side.ts';

export { ASK, BID, type Side } from './side.ts';

/**
 * Receiver of parsed levels. A parser calls `begin` once per instrument group in a message (a Coinbase
 * message may carry several products), then `level` per price level, then `end`.
 */
export interface LevelSink {
  /** `snapshot` = the levels that follow replace the whole book for `symbol`. */
  begin(symbol: string, snapshot: boolean): void;
  /** Absolute size at a price; size 0 removes the level. */
  level(side: Side, price: number, size: number): void;
  end(): void;
}

/** Level counts written by `writeTop`; one reused object per book, overwritten on every call. */
export interface TopCounts {
  bids: number;
  asks: number;
}

export class OrderBook implements LevelSink {
  readonly bids: BookSide;
  readonly asks: BookSide;
  /** Levels applied since construction (updates + snapshot levels); cheap progress counter. */
  applied = 0;
  /** Inside a snapshot group from a parser: levels are appended, sorted once at `end()`. */
  private bulk = false;
  private readonly counts: TopCounts = { bids: 0, asks: 0 };

  constructor(initialCapacity = 1024) {
    this.bids = new BookSide(BID, initialCapacity);
    this.asks = new BookSide(ASK, initialCapacity);
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  /** Apply one level update; size 0 deletes. */
  apply(side: Side, price: number, size: number): void {
    (side === BID ? this.bids : this.asks).set(price, size);
    this.applied++;
  }

  /**
   * Replace the book with a snapshot given as parallel arrays (any order). Capacity is reserved once
   * for the whole snapshot, so loading grows the arrays at most one time.
   */
  applySnapshot(
    bidPx: ArrayLike<number>,
    bidSz: ArrayLike<number>,
    askPx: ArrayLike<number>,
    askSz: ArrayLike<number>,
  ): void {
    this.clear();
    this.bids.reserve(bidPx.length);
    this.asks.reserve(askPx.length);
    for (let i = 0; i < bidPx.length; i++) this.bids.bulkAppend(bidPx[i]!, bidSz[i]!);
    for (let i = 0; i < askPx.length; i++) this.asks.bulkAppend(askPx[i]!, askSz[i]!);
    this.bids.finishBulk();
    this.asks.finishBulk();
    this.applied += bidPx.length + askPx.length;
  }

  // LevelSink: a book fed directly by a single-instrument parser.
  begin(_symbol: string, snapshot: boolean): void {
    if (snapshot) {
      this.clear();
      this.bulk = true;
    }
  }
  level(side: Side, price: number, size: number): void {
    if (this.bulk) {
      (side === BID ? this.bids : this.asks).bulkAppend(price, size);
      this.applied++;
    } else this.apply(side, price, size);
  }
  end(): void {
    if (this.bulk) {
      this.bulk = false;
      this.bids.finishBulk();
      this.asks.finishBulk();
    }
  }

  bestBid(): number {
    return this.bids.bestPrice();
  }

  bestAsk(): number {
    return this.asks.bestPrice();
  }

  /** True when both sides are present and best bid ≥ best ask (crossed or locked): resync. */
  isCrossed(): boolean {
    return this.bids.count > 0 && this.asks.count > 0 && this.bids.bestPrice() >= this.asks.bestPrice();
  }

  /**
   * Zero-allocation top-N: writes interleaved [px, sz] best-first into the caller's views (e.g. the
   * BookTop message's Float64Array fields). Slots past the written levels (up to `n`) are zeroed.
   * Returns this book's reused `TopCounts`; read it before the next call.
   */
  writeTop(bids: Float64Array, asks: Float64Array, n: number): TopCounts {
    this.counts.bids = this.bids.writeTop(bids, n);
    this.counts.asks = this.asks.writeTop(asks, n);
    return this.counts;
  }
}
