/**
 * Books for several instruments behind one `LevelSink`: what a feed with many products per socket
 * (Coinbase, Gemini v2) hands to its parser. The symbol lookup happens once per group, not per level.
 */
import { OrderBook, type LevelSink, type Side } from './book.ts';

export class BookSet implements LevelSink {
  private readonly books = new Map<string, OrderBook>();
  private current: OrderBook | null = null;
  /** Symbols touched since the last `startMessage()`, in order; one reused array. */
  readonly touched: string[] = [];

  constructor(
    symbols: readonly string[],
    private readonly initialCapacity = 1024,
  ) {
    for (const s of symbols) this.books.set(s, new OrderBook(initialCapacity));
  }

  get(symbol: string): OrderBook | undefined {
    return this.books.get(symbol);
  }

  /** Call before handing a new message to a parser, so `touched` lists only that message's symbols. */
  startMessage(): void {
    this.touched.length = 0;
  }

  begin(symbol: string, snapshot: boolean): void {
    // Levels for a symbol we did not subscribe to are skipped, not an error: Coinbase maps -USDC
    // subscriptions onto -USD ids, and the feed decides which ids it tracks.
    const book = this.books.get(symbol) ?? null;
    this.current = book;
    if (book === null) return;
    book.begin(symbol, snapshot);
    if (!this.touched.includes(symbol)) this.touched.push(symbol);
  }

  level(side: Side, price: number, size: number): void {
    if (this.current !== null) this.current.level(side, price, size);
  }

  end(): void {
    if (this.current !== null) this.current.end();
    this.current = null;
  }

  /** Add a book for a new symbol (subscription change); existing books are kept. */
  add(symbol: string): OrderBook {
    let b = this.books.get(symbol);
    if (b === undefined) {
      b = new OrderBook(this.initialCapacity);
      this.books.set(symbol, b);
    }
    return b;
  }
}
