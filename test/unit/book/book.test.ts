import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASK, BID, BookSet, OrderBook, type Side } from '../../../src/shared/book/index.ts';

/** The obvious book: a Map per side, sorted on every read. The oracle for the property test. */
class NaiveBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  apply(side: Side, px: number, sz: number): void {
    const m = side === BID ? this.bids : this.asks;
    if (sz > 0) m.set(px, sz);
    else m.delete(px);
  }
  top(side: Side, n: number): number[] {
    const m = side === BID ? this.bids : this.asks;
    const pxs = [...m.keys()].sort((a, b) => (side === BID ? b - a : a - b)).slice(0, n);
    return pxs.flatMap((p) => [p, m.get(p)!]);
  }
}

const N = 5;
const update = fc.record({
  side: fc.constantFrom<Side>(BID, ASK),
  // A small tick grid so inserts, resizes and deletes of existing levels all happen often.
  tick: fc.integer({ min: 0, max: 40 }),
  size: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 }).map((x) => x / 100)),
});

describe('OrderBook', () => {
  it('matches a naive Map book on random update streams (top-N after every update)', () => {
    fc.assert(
      fc.property(fc.array(update, { minLength: 1, maxLength: 300 }), fc.integer({ min: 4, max: 16 }), (ups, cap) => {
        const book = new OrderBook(cap); // small capacity: growth on insert overflow is exercised
        const ref = new NaiveBook();
        const b = new Float64Array(2 * N);
        const a = new Float64Array(2 * N);
        for (const u of ups) {
          const px = 100 + u.tick * 0.01;
          book.apply(u.side, px, u.size);
          ref.apply(u.side, px, u.size);
          const c = book.writeTop(b, a, N);
          const rb = ref.top(BID, N);
          const ra = ref.top(ASK, N);
          expect(c.bids).toBe(rb.length / 2);
          expect(c.asks).toBe(ra.length / 2);
          expect(Array.from(b.subarray(0, rb.length))).toEqual(rb);
          expect(Array.from(a.subarray(0, ra.length))).toEqual(ra);
          // Slots past the written levels are zeroed, never stale.
          expect(Array.from(b.subarray(rb.length)).every((x) => x === 0)).toBe(true);
          expect(Array.from(a.subarray(ra.length)).every((x) => x === 0)).toBe(true);
          expect(book.bids.count).toBe(ref.bids.size);
          expect(book.asks.count).toBe(ref.asks.size);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('snapshot through the sink (any order, duplicates: last wins) then updates matches the naive book', () => {
    const level = fc.record({ side: fc.constantFrom<Side>(BID, ASK), tick: fc.integer({ min: 0, max: 60 }), size: fc.integer({ min: 1, max: 99 }) });
    fc.assert(
      fc.property(fc.array(level, { maxLength: 120 }), fc.array(update, { maxLength: 60 }), fc.boolean(), (snap, ups, sorted) => {
        const lv = sorted
          ? // Venue order: bids best-first (descending), then asks best-first (ascending).
            [...snap].sort((x, y) => x.side - y.side || (x.side === BID ? y.tick - x.tick : x.tick - y.tick))
          : snap;
        const book = new OrderBook(4);
        book.apply(BID, 1, 1); // stale state the snapshot must replace
        const ref = new NaiveBook();
        book.begin('X', true);
        for (const l of lv) {
          book.level(l.side, 100 + l.tick * 0.01, l.size);
          ref.apply(l.side, 100 + l.tick * 0.01, l.size);
        }
        book.end();
        const b = new Float64Array(2 * N);
        const a = new Float64Array(2 * N);
        for (const u of [...ups, ups[0] ?? { side: BID, tick: 0, size: 0 }]) {
          const c = book.writeTop(b, a, N);
          expect(Array.from(b.subarray(0, 2 * c.bids))).toEqual(ref.top(BID, N));
          expect(Array.from(a.subarray(0, 2 * c.asks))).toEqual(ref.top(ASK, N));
          expect([book.bids.count, book.asks.count]).toEqual([ref.bids.size, ref.asks.size]);
          book.apply(u.side, 100 + u.tick * 0.01, u.size);
          ref.apply(u.side, 100 + u.tick * 0.01, u.size);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('applies a snapshot in any order, best-first, replacing the previous book', () => {
    const book = new OrderBook(4);
    book.apply(BID, 1, 1);
    book.applySnapshot([10, 12, 11], [1, 2, 3], [15, 13, 14], [4, 5, 6]);
    const b = new Float64Array(6);
    const a = new Float64Array(6);
    const c = book.writeTop(b, a, 3);
    expect([c.bids, c.asks]).toEqual([3, 3]);
    expect(Array.from(b)).toEqual([12, 2, 11, 3, 10, 1]);
    expect(Array.from(a)).toEqual([13, 5, 14, 6, 15, 4]);
    expect(book.bids.sizeOf(1)).toBe(0);
    expect([book.bids.priceAt(0), book.bids.sizeAt(0), book.asks.priceAt(2)]).toEqual([12, 2, 15]);
  });

  it('deletes on size 0 and ignores deletes of absent levels', () => {
    const book = new OrderBook();
    book.apply(ASK, 101, 2);
    book.apply(ASK, 102, 3);
    book.apply(ASK, 101, 0);
    book.apply(ASK, 999, 0);
    expect(book.asks.count).toBe(1);
    expect(book.bestAsk()).toBe(102);
    expect(book.bestBid()).toBeNaN();
  });

  it('detects crossed and locked books', () => {
    const book = new OrderBook();
    book.apply(BID, 100, 1);
    expect(book.isCrossed()).toBe(false); // one side only
    book.apply(ASK, 100.5, 1);
    expect(book.isCrossed()).toBe(false);
    book.apply(BID, 100.5, 1); // locked
    expect(book.isCrossed()).toBe(true);
    book.apply(BID, 100.5, 0);
    expect(book.isCrossed()).toBe(false);
    book.apply(BID, 101, 1); // crossed
    expect(book.isCrossed()).toBe(true);
  });

  it('grows capacity only on insert overflow, never on updates of existing levels', () => {
    const book = new OrderBook(4);
    for (let i = 0; i < 4; i++) book.apply(BID, 100 - i, 1);
    const keys = book.bids.keys;
    for (let r = 0; r < 1000; r++) book.apply(BID, 100 - (r % 4), 1 + r);
    expect(book.bids.keys).toBe(keys); // same backing array: no allocation in steady state
    book.apply(BID, 50, 1);
    expect(book.bids.capacity).toBe(8);
    expect(book.bids.count).toBe(5);
  });

  it('writeTop with n larger than the output view does not write out of range', () => {
    const book = new OrderBook();
    for (let i = 0; i < 5; i++) book.apply(ASK, 10 + i, 1);
    const a = new Float64Array(4);
    const b = new Float64Array(4);
    const c = book.writeTop(b, a, 2);
    expect(c.asks).toBe(2);
    expect(Array.from(a)).toEqual([10, 1, 11, 1]);
    const c2 = book.writeTop(b, a, 5); // the views hold only 2 levels: counts must say so
    expect(c2.asks).toBe(2);
    expect(c2.bids).toBe(0);
  });
});

describe('BookSet', () => {
  it('routes groups to per-symbol books, clears on snapshot, skips unknown symbols', () => {
    const set = new BookSet(['BTC-USD', 'ETH-USD'], 8);
    set.startMessage();
    set.begin('BTC-USD', true);
    set.level(BID, 100, 1);
    set.end();
    set.begin('XRP-USD', false);
    set.level(BID, 1, 1);
    set.end();
    set.begin('ETH-USD', false);
    set.level(ASK, 10, 2);
    set.end();
    expect(set.touched).toEqual(['BTC-USD', 'ETH-USD']);
    expect(set.get('BTC-USD')!.bestBid()).toBe(100);
    expect(set.get('ETH-USD')!.bestAsk()).toBe(10);
    set.startMessage();
    set.begin('BTC-USD', true);
    set.level(BID, 99, 1);
    set.end();
    expect(set.get('BTC-USD')!.bids.count).toBe(1);
    expect(set.get('BTC-USD')!.bestBid()).toBe(99);
    expect(set.touched).toEqual(['BTC-USD']);
  });
});
