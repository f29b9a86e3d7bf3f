import { describe, expect, it } from 'vitest';
import { BitstampFeedAdapter } from '../../../../src/actors/venues/bitstamp/feed.ts';
import { bitstampBookToSink, parseBitstampWs } from '../../../../src/actors/venues/bitstamp/parse.ts';
import { BookSet, OrderBook } from '../../../../src/shared/book/index.ts';
import type { FeedContext } from '../../../../src/actors/venues/common/book-feed.ts';
import { fixture } from './fixtures.ts';

/** The USD vs USDC basis book: Bitstamp `order_book_usdcusd`, read by the same parser as any pair. */
describe('Bitstamp usdcusd (the basis book)', () => {
  it('parses as a snapshot of pair usdcusd whose mid is USD per USDC', () => {
    const f = parseBitstampWs(fixture('ws_order_book_usdcusd.json'));
    if (f.kind !== 'book') throw new Error(`expected a book frame, got ${f.kind}`);
    expect([f.pair, f.snapshot]).toEqual(['usdcusd', true]);
    const book = new OrderBook();
    expect(bitstampBookToSink(f.pair, f.data, f.snapshot, book)).toBe(1583656800237527);
    expect([book.bestBid(), book.bestAsk(), book.bids.count, book.asks.count]).toEqual([0.99985, 0.99995, 2, 2]);
    expect(((book.bestBid() + book.bestAsk()) / 2 - 1) * 1e4).toBeCloseTo(-1, 9); // −1 bp
  });

  it('the feed adapter subscribes it like a traded pair and reports it applied under its own symbol', () => {
    const sent: string[] = [];
    const applied: [string, number][] = [];
    const ctx: FeedContext = {
      books: new BookSet(['solusd', 'usdcusd']),
      applied: (symbol, exchMs) => applied.push([symbol, exchMs]),
      alive: () => undefined,
      resync: (why) => {
        throw new Error(`unexpected resync: ${why}`);
      },
      send: (t) => sent.push(t),
      log: { info: () => undefined, warn: () => undefined } as unknown as FeedContext['log'],
    };
    const a = new BitstampFeedAdapter();
    a.onOpen(ctx, ['solusd', 'usdcusd']);
    expect(sent.map((t) => (JSON.parse(t) as { data: { channel: string } }).data.channel)).toEqual(['order_book_solusd', 'order_book_usdcusd']);
    a.onFrame(JSON.stringify(fixture('ws_order_book_usdcusd.json')), 1, ctx);
    expect(applied).toEqual([['usdcusd', 1583656800237]]);
    expect(ctx.books.get('usdcusd')!.bestAsk()).toBe(0.99995);
  });
});
