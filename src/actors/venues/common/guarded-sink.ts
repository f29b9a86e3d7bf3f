import type { BookSet, LevelSink, Side } from '../../../shared/book/index.ts';

/**
 * A LevelSink in front of a feed's BookSet that remembers, per connection, which symbols have had
 * their snapshot and which were touched by the current message. An update for a symbol that never
 * had a snapshot means the snapshot was lost: the book would be silently wrong, so the feed resyncs.
 */
export class GuardedSink implements LevelSink {
  private readonly snapshotted = new Set<string>();
  readonly touched: string[] = [];
  updateBeforeSnapshot: string | undefined;
  private active = false;

  constructor(private readonly books: BookSet) {}

  /** New connection: every book must be snapshotted again. */
  reset(): void {
    this.snapshotted.clear();
    this.updateBeforeSnapshot = undefined;
  }

  startMessage(): void {
    this.touched.length = 0;
    this.updateBeforeSnapshot = undefined;
  }

  begin(symbol: string, snapshot: boolean): void {
    this.active = this.books.get(symbol) !== undefined;
    if (!this.active) return;
    if (snapshot) this.snapshotted.add(symbol);
    else if (!this.snapshotted.has(symbol)) this.updateBeforeSnapshot = symbol;
    if (!this.touched.includes(symbol)) this.touched.push(symbol);
    this.books.begin(symbol, snapshot);
  }

  level(side: Side, price: number, size: number): void {
    if (this.active) this.books.level(side, price, size);
  }

  end(): void {
    if (this.active) this.books.end();
    this.active = false;
  }

  hasSnapshot(symbol: string): boolean {
    return this.snapshotted.has(symbol);
  }
}
