import { BASIS_ASSET, BookTop, FeedHealth, FeedState, Inventory, Kind, PoolQuote, askIndex, kindAt, type BookTopView, type FeedHealthView, type InventoryView, type PoolQuoteView } from '../../shared/messages/index.ts';
import type { Memory } from '../../shared/ring/index.ts';

export const MAX_VENUES = 8;
export const MAX_ROUTES = 4;
export const MAX_LEVELS = 50;
export const MAX_POINTS = 16;
/** What `apply` returns for a BookTop of the basis book: not a venue's book, nothing to re-evaluate at once. */
export const BASIS_TOP = 0x100;

/**
 * The latest view of every venue for one asset, as the signal sees it. Ring records live only while
 * a handler runs, so what the signal needs is copied into preallocated typed arrays indexed by venue
 * id or route id: no allocation per tick.
 */
export class MarketState {
  /** Per venue: bids [px, sz] × MAX_LEVELS then asks likewise. */
  readonly levels = new Float64Array(MAX_VENUES * 4 * MAX_LEVELS);
  readonly bidCount = new Int32Array(MAX_VENUES);
  readonly askCount = new Int32Array(MAX_VENUES);
  readonly bookRecvUs = new Float64Array(MAX_VENUES);
  readonly bookExchMs = new Float64Array(MAX_VENUES);
  readonly bookUpdates = new Float64Array(MAX_VENUES);
  readonly feedState = new Int32Array(MAX_VENUES);
  /** Per route: sell pairs × MAX_POINTS then buy pairs × MAX_POINTS. */
  readonly ladders = new Float64Array(MAX_ROUTES * 4 * MAX_POINTS);
  readonly points = new Int32Array(MAX_ROUTES);
  readonly poolMid = new Float64Array(MAX_ROUTES);
  readonly poolFeeBps = new Float64Array(MAX_ROUTES);
  readonly poolFixedCost = new Float64Array(MAX_ROUTES);
  readonly poolSlot = new Float64Array(MAX_ROUTES);
  readonly poolRecvUs = new Float64Array(MAX_ROUTES);
  readonly poolSource = new Int32Array(MAX_ROUTES);
  readonly poolUpdates = new Float64Array(MAX_ROUTES);
  /** Free inventory per venue (Solana = venue 4): base and quote; NaN = not reported yet. */
  readonly baseFree = new Float64Array(MAX_VENUES).fill(NaN);
  readonly quoteFree = new Float64Array(MAX_VENUES).fill(NaN);
  /**
   * The basis book's top (USDC priced in USD): best bid, best ask, receive time, updates. 0 = none
   * yet. The signal reads its mid as USD per USDC.
   */
  basisBid = 0;
  basisAsk = 0;
  basisRecvUs = 0;
  basisUpdates = 0;
  books = 0;
  quotes = 0;
  other = 0;
  private readonly book: BookTopView = new BookTop();
  private readonly pool: PoolQuoteView = new PoolQuote();
  private readonly health: FeedHealthView = new FeedHealth();
  private readonly inv: InventoryView = new Inventory();

  static bookOffset(venue: number): number {
    return venue * 4 * MAX_LEVELS;
  }
  static askOffset(venue: number): number {
    return venue * 4 * MAX_LEVELS + 2 * MAX_LEVELS;
  }
  static ladderOffset(route: number): number {
    return route * 4 * MAX_POINTS;
  }

  /**
   * Apply one record. Returns the kind applied (so the caller knows what to re-evaluate) and, via
   * `lastVenue`/`lastRoute`, which venue or route changed.
   */
  lastVenue = 0;
  lastRoute = 0;
  lastRecvUs = 0;
  apply(mem: Memory, off: number, len: number): number {
    const kind = kindAt(mem, off);
    switch (kind) {
      case Kind.BookTop: {
        const b = this.book.read(mem, off, len);
        const v = b.venue;
        if (v >= MAX_VENUES) return 0;
        if (b.asset === BASIS_ASSET) {
          // A one-sided basis book has no mid: keep the last good one (its age still counts).
          if (b.bidCount > 0 && b.askCount > 0) {
            this.basisBid = mem.f64[b.tailIndex]!;
            this.basisAsk = mem.f64[askIndex(b)]!;
            this.basisRecvUs = b.recvUs;
          }
          this.basisUpdates++;
          return BASIS_TOP;
        }
        const nb = Math.min(b.bidCount, MAX_LEVELS);
        const na = Math.min(b.askCount, MAX_LEVELS);
        const src = mem.f64;
        const bi = b.tailIndex;
        const ai = askIndex(b);
        const bo = MarketState.bookOffset(v);
        const ao = MarketState.askOffset(v);
        for (let i = 0; i < 2 * nb; i++) this.levels[bo + i] = src[bi + i]!;
        for (let i = 0; i < 2 * na; i++) this.levels[ao + i] = src[ai + i]!;
        this.bidCount[v] = nb;
        this.askCount[v] = na;
        this.bookRecvUs[v] = b.recvUs;
        this.bookExchMs[v] = b.exchTimeMs;
        this.bookUpdates[v]!++;
        this.feedState[v] = FeedState.live;
        this.books++;
        this.lastVenue = v;
        this.lastRecvUs = b.recvUs;
        return kind;
      }
      case Kind.PoolQuote: {
        const p = this.pool.read(mem, off, len);
        const r = p.route;
        if (r >= MAX_ROUTES) return 0;
        const k = Math.min(p.points, MAX_POINTS);
        const src = mem.f64;
        const t = p.tailIndex;
        const lo = MarketState.ladderOffset(r);
        // The message holds `points` sell pairs then `points` buy pairs; we store them at fixed
        // offsets (MAX_POINTS apart) so evaluation need not know each route's K.
        for (let i = 0; i < 2 * k; i++) this.ladders[lo + i] = src[t + i]!;
        for (let i = 0; i < 2 * k; i++) this.ladders[lo + 2 * MAX_POINTS + i] = src[t + 2 * p.points + i]!;
        this.points[r] = k;
        this.poolMid[r] = p.midPrice;
        this.poolFeeBps[r] = p.feeBps;
        this.poolFixedCost[r] = p.fixedCostQuote;
        this.poolSlot[r] = p.slot;
        this.poolRecvUs[r] = p.recvUs;
        this.poolSource[r] = p.source;
        this.poolUpdates[r]!++;
        this.quotes++;
        this.lastRoute = r;
        this.lastRecvUs = p.recvUs;
        return kind;
      }
      case Kind.FeedHealth: {
        const h = this.health.read(mem, off, len);
        // The basis book's own health says nothing about the venue's book for this asset.
        if (h.venue < MAX_VENUES && h.asset !== BASIS_ASSET) this.feedState[h.venue] = h.state;
        this.other++;
        return kind;
      }
      case Kind.Inventory: {
        const i = this.inv.read(mem, off, len);
        if (i.venue < MAX_VENUES) {
          this.baseFree[i.venue] = i.baseFree;
          this.quoteFree[i.venue] = i.quoteFree;
        }
        this.other++;
        return kind;
      }
      default:
        this.other++;
        return kind;
    }
  }
}
