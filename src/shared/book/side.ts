/**
 * One side of a price-level book: levels sorted in two parallel Float64Arrays (keys and sizes).
 *
 * Both sides share one code path by storing a *key* = price × dir, with dir = +1 for bids and −1 for
 * asks, kept ascending, so one binary search serves both. Negation is exact in float64, so
 * `key * dir` gives back the very same price.
 *
 * The best level sits at the *end* of the live range (index count−1), not at index 0. Updates cluster
 * within a few dozen ticks of the top (perf-limits.md §3: distance 1 + Exp(15 ticks)), and an insert
 * or delete shifts every level between it and the end with `copyWithin`. Best-at-end shifts ~16
 * levels per change; best-at-start would shift the ~1,000 levels behind it. Readers never see this:
 * `priceAt(0)` / `writeTop` are best-first. Capacity doubles only when an insert finds the arrays
 * full; steady-state updates never allocate.
 */
export const BID = 0;
export const ASK = 1;
export type Side = typeof BID | typeof ASK;

export class BookSide {
  /** price × dir, ascending, best last; valid in [0, count). */
  keys: Float64Array;
  sizes: Float64Array;
  count = 0;
  readonly dir: 1 | -1;

  constructor(side: Side, initialCapacity = 1024) {
    this.dir = side === BID ? 1 : -1;
    const cap = Math.max(4, initialCapacity | 0);
    this.keys = new Float64Array(cap);
    this.sizes = new Float64Array(cap);
  }

  get capacity(): number {
    return this.keys.length;
  }

  clear(): void {
    this.count = 0;
  }

  /** Make room for at least `n` levels (used before a snapshot so loading it grows at most once). */
  reserve(n: number): void {
    if (n <= this.keys.length) return;
    let cap = this.keys.length;
    while (cap < n) cap *= 2;
    const k = new Float64Array(cap);
    const s = new Float64Array(cap);
    k.set(this.keys.subarray(0, this.count));
    s.set(this.sizes.subarray(0, this.count));
    this.keys = k;
    this.sizes = s;
  }

  /** Index of the first key ≥ `key` (lower bound) in the live range. */
  private lowerBound(key: number): number {
    const keys = this.keys;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Set the absolute size at `price`; size 0 (or less) deletes the level. Returns the level's storage
   * index, or −1 when a delete hit no level.
   */
  set(price: number, size: number): number {
    const key = price * this.dir;
    const i = this.lowerBound(key);
    const n = this.count;
    const found = i < n && this.keys[i] === key;
    if (size > 0) {
      if (found) {
        this.sizes[i] = size;
        return i;
      }
      if (n === this.keys.length) this.reserve(n + 1);
      if (i < n) {
        this.keys.copyWithin(i + 1, i, n);
        this.sizes.copyWithin(i + 1, i, n);
      }
      this.keys[i] = key;
      this.sizes[i] = size;
      this.count = n + 1;
      return i;
    }
    if (!found) return -1;
    if (i < n - 1) {
      this.keys.copyWithin(i, i + 1, n);
      this.sizes.copyWithin(i, i + 1, n);
    }
    this.count = n - 1;
    return i;
  }

  /**
   * Snapshot loading: append without ordering, then `finishBulk()`. Venues send snapshots best-first,
   * which in this layout is the reverse of storage order; inserting one by one would shift the whole
   * array per level (quadratic on a multi-MB Coinbase snapshot), appending and reversing once is linear.
   */
  bulkAppend(price: number, size: number): void {
    if (!(size > 0)) return;
    if (this.count === this.keys.length) this.reserve(this.count + 1);
    this.keys[this.count] = price * this.dir;
    this.sizes[this.count] = size;
    this.count++;
  }

  /** Restore the sorted invariant after `bulkAppend`s (reverse if descending, else a full sort). */
  finishBulk(): void {
    const n = this.count;
    const keys = this.keys;
    let asc = true;
    let desc = true;
    for (let i = 1; i < n && (asc || desc); i++) {
      if (!(keys[i]! > keys[i - 1]!)) asc = false;
      if (!(keys[i]! < keys[i - 1]!)) desc = false;
    }
    if (asc) return;
    if (desc) {
      keys.subarray(0, n).reverse();
      this.sizes.subarray(0, n).reverse();
      return;
    }
    // Unordered or duplicated prices: sort an index, keep the last size given for each price.
    const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
    const k = Float64Array.from(idx, (i) => keys[i]!);
    const z = Float64Array.from(idx, (i) => this.sizes[i]!);
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (m > 0 && k[i] === keys[m - 1]) m--;
      keys[m] = k[i]!;
      this.sizes[m] = z[i]!;
      m++;
    }
    this.count = m;
  }

  /** Best price, or NaN when the side is empty. */
  bestPrice(): number {
    return this.count > 0 ? this.keys[this.count - 1]! * this.dir : NaN;
  }

  bestSize(): number {
    return this.count > 0 ? this.sizes[this.count - 1]! : NaN;
  }

  /** Price of the level at rank `i` from the top (0 = best). */
  priceAt(i: number): number {
    return this.keys[this.count - 1 - i]! * this.dir;
  }

  sizeAt(i: number): number {
    return this.sizes[this.count - 1 - i]!;
  }

  /** Size at an exact price, 0 when absent. */
  sizeOf(price: number): number {
    const key = price * this.dir;
    const i = this.lowerBound(key);
    return i < this.count && this.keys[i] === key ? this.sizes[i]! : 0;
  }

  /**
   * Write up to `n` levels as interleaved [px0, sz0, px1, sz1, …] best-first into `out`, zero the
   * remaining slots of the first `n` pairs (so a fixed-size message never carries stale levels), and
   * return how many levels were written (never more than `out` holds). No allocation.
   */
  writeTop(out: Float64Array, n: number): number {
    const room = out.length >> 1;
    if (n > room) n = room;
    const m = n < this.count ? n : this.count;
    const keys = this.keys;
    const sizes = this.sizes;
    const dir = this.dir;
    for (let i = this.count - 1, j = 0; j < 2 * m; i--, j += 2) {
      out[j] = keys[i]! * dir;
      out[j + 1] = sizes[i]!;
    }
    if (m < n) out.fill(0, 2 * m, 2 * n);
    return m;
  }
}
