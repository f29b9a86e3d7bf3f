export { ASK, BID, BookSide, type Side } from './side.ts';
export { OrderBook, type LevelSink, type TopCounts } from './book.ts';
export { BookSet } from './books.ts';
