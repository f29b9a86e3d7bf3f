import { BookTop, Kind, PoolQuote, askIndex, kindAt, type BookTopView, type PoolQuoteView } from '../../shared/messages/index.ts';
import type { Memory } from '../../shared/ring/index.ts';

/**
 * The latest view of every venue for one asset, as the signal sees it. Ring records live only for
 * the duration of a handler, so the fields the signal needs are copied into preallocated typed
 * arrays (indexed by venue id or route id): no allocation per tick.
 */
export class MarketState {
  /** Per CEX venue id: best bid px/sz, best ask px/sz, recvUs, exchTimeMs, levels. */
  readonly bestBid = new Float64Array(8);
  readonly bestAsk = new Float64Array(8);
  readonly bookRecvUs = new Float64Array(8);
  readonly bookUpdates = new Float64Array(8);
  /** Per DEX route id. */
  readonly poolMid = new Float64Array(16);
  readonly poolSlot = new Float64Array(16);
  readonly poolRecvUs = new Float64Array(16);
  books = 0;
  quotes = 0;
  other = 0;
  private readonly book: BookTopView = new BookTop();
  private readonly pool: PoolQuoteView = new PoolQuote();

  /** Apply one record; returns the recvUs of the tick it carried (0 if none). */
  apply(mem: Memory, off: number, len: number): number {
    switch (kindAt(mem, off)) {
      case Kind.BookTop: {
        const b = this.book.read(mem, off, len);
        const v = b.venue;
        this.bestBid[v] = b.bidCount > 0 ? mem.f64[b.tailIndex]! : NaN;
        this.bestAsk[v] = b.askCount > 0 ? mem.f64[askIndex(b)]! : NaN;
        this.bookRecvUs[v] = b.recvUs;
        this.bookUpdates[v]!++;
        this.books++;
        return b.recvUs;
      }
      case Kind.PoolQuote: {
        const p = this.pool.read(mem, off, len);
        this.poolMid[p.route] = p.midPrice;
        this.poolSlot[p.route] = p.slot;
        this.poolRecvUs[p.route] = p.recvUs;
        this.quotes++;
        return p.recvUs;
      }
      default:
        this.other++;
        return 0;
    }
  }
}
