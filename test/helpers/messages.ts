import { BookTop, ExecResult, Inventory, PoolQuote, askIndex } from '../../src/shared/messages/index.ts';
import { memoryOf, type Memory } from '../../src/shared/ring/index.ts';

/** Build single message records in a private buffer, as a feed would write them into a ring. */
export interface Rec {
  mem: Memory;
  off: number;
  len: number;
}

export function bookTop(o: { venue: number; asset?: number; bids: number[][]; asks: number[][]; recvUs: number; depth?: number; exchTimeMs?: number }): Rec {
  const depth = o.depth ?? Math.max(o.bids.length, o.asks.length, 1);
  const mem = memoryOf(new ArrayBuffer(BookTop.bytesFor(depth)));
  const v = new BookTop().write(mem, 0, depth);
  v.venue = o.venue;
  v.asset = o.asset ?? 0;
  v.recvUs = o.recvUs;
  v.exchTimeMs = o.exchTimeMs ?? 0;
  v.bidCount = o.bids.length;
  v.askCount = o.asks.length;
  mem.f64.set(o.bids.flat(), v.tailIndex);
  mem.f64.set(o.asks.flat(), askIndex(v));
  return { mem, off: 0, len: v.length };
}

/** sell: [baseIn, quoteOut] pairs; buy: [quoteIn, baseOut] pairs; same length. */
export function poolQuote(o: { route: number; asset?: number; mid: number; sell: number[][]; buy: number[][]; recvUs: number; feeBps?: number; fixedCost?: number; slot?: number }): Rec {
  const k = o.sell.length;
  const mem = memoryOf(new ArrayBuffer(PoolQuote.bytesFor(k)));
  const v = new PoolQuote().write(mem, 0, k);
  v.venue = 4;
  v.asset = o.asset ?? 0;
  v.route = o.route;
  v.midPrice = o.mid;
  v.feeBps = o.feeBps ?? 4;
  v.fixedCostQuote = o.fixedCost ?? 0.01;
  v.slot = o.slot ?? 1;
  v.recvUs = o.recvUs;
  mem.f64.set(o.sell.flat(), v.tailIndex);
  mem.f64.set(o.buy.flat(), v.tailIndex + 2 * k);
  return { mem, off: 0, len: v.length };
}

export function inventory(o: { venue: number; asset?: number; base: number; quote: number }): Rec {
  const mem = memoryOf(new ArrayBuffer(Inventory.bytesFor()));
  const v = new Inventory().write(mem, 0);
  v.venue = o.venue;
  v.asset = o.asset ?? 0;
  v.baseFree = o.base;
  v.quoteFree = o.quote;
  return { mem, off: 0, len: v.length };
}

export function execResult(o: { key: string; outcome: number }): Rec {
  const mem = memoryOf(new ArrayBuffer(ExecResult.bytesFor()));
  const v = new ExecResult().write(mem, 0);
  v.tradeKey = o.key;
  v.outcome = o.outcome;
  return { mem, off: 0, len: v.length };
}

/** A linear ladder around `mid` with a constant spread `bps` against the taker (for tests). */
export function linearLadder(mid: number, bps: number, sizes: number[]): { sell: number[][]; buy: number[][] } {
  const sellPx = mid * (1 - bps / 1e4);
  const buyPx = mid * (1 + bps / 1e4);
  return { sell: sizes.map((q) => [q, q * sellPx]), buy: sizes.map((q) => [q * buyPx, q]) };
}
