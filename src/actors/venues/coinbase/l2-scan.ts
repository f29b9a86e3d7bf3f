/**
 * Fast path for the highest-rate Coinbase frame: an `l2_data` message scanned straight from its text
 * into a `LevelSink`, without `JSON.parse`. `JSON.parse` alone costs ~2.5 µs for a 500-byte message
 * (perf-limits.md §2), most of the per-message budget; the scanner reads only the fields the book
 * needs and allocates nothing except the product id string.
 *
 * It accepts exactly the compact form Coinbase sends (key order `type, product_id, updates` per event;
 * `side`, `price_level`, `new_quantity` in any order inside a level; no whitespace) and returns
 * `SCAN_FALLBACK` for anything else, after which the caller runs the validated `JSON.parse` path
 * (`readCoinbaseWs` + `coinbaseL2ToSink`) on the same text. A bail-out can happen after some levels
 * were applied; re-applying them is harmless because Coinbase levels carry absolute sizes, and a
 * snapshot group is always closed (`end()`) before returning, so the book's invariants hold.
 */
import type { LevelSink } from '../../../shared/book/book.ts';
import { ASK, BID } from '../../../shared/book/side.ts';

export const SCAN_FALLBACK = -1;

const Q = 34; // "
const COMMA = 44;
const LBRACE = 123;
const RBRACE = 125;
const RBRACKET = 93;
const DOT = 46;
const D0 = 48;
const D9 = 57;

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

// Result of the last `num()` call: where the number ended. Module state keeps the scanner allocation-free.
let numEnd = 0;

/**
 * Parse a plain decimal (digits, optional fraction) starting at `i`. Up to 15 significant digits
 * the result is `mantissa / 10^decimals`: both operands are exact doubles, so the one division
 * rounds correctly and equals `parseFloat`. Longer numbers use `+slice` (rare). NaN = not a number.
 */
function num(s: string, i: number): number {
  let m = 0;
  let digits = 0;
  let dec = -1;
  const start = i;
  for (;;) {
    const c = s.charCodeAt(i);
    if (c >= D0 && c <= D9) {
      m = m * 10 + (c - D0);
      digits++;
      if (dec >= 0) dec++;
    } else if (c === DOT && dec < 0) {
      dec = 0;
    } else break;
    i++;
  }
  numEnd = i;
  if (digits === 0 || dec === 0) return NaN;
  if (digits > 15) return +s.slice(start, i);
  return dec > 0 ? m / POW10[dec]! : m;
}

/** Index just past `key` if the text has it exactly at `i`, else −1. */
function expect(s: string, i: number, key: string): number {
  return s.startsWith(key, i) ? i + key.length : -1;
}

/** Find `"key":"` inside [from, to) and return the index of the value's first character, or −1. */
function valueAt(s: string, from: number, to: number, key: string): number {
  const k = s.indexOf(key, from);
  return k < 0 || k >= to ? -1 : k + key.length;
}

/**
 * One level in Coinbase's own key order (`side, event_time, price_level, new_quantity`), checked at
 * fixed offsets with no searching. Returns the index after its '}', or −1 (then the order-agnostic
 * path below decides). Nothing reaches the sink until the whole level has been validated.
 */
function levelInOrder(s: string, i: number, sink: LevelSink): number {
  if (!s.startsWith('{"side":"', i)) return -1;
  let j = i + 9;
  let side: 0 | 1;
  if (s.startsWith('bid","event_time":"', j)) {
    side = BID;
    j += 19;
  } else if (s.startsWith('offer","event_time":"', j)) {
    side = ASK;
    j += 21;
  } else return -1;
  j = s.indexOf('"', j);
  if (j < 0 || !s.startsWith('","price_level":"', j)) return -1;
  const px = num(s, j + 17);
  if (px !== px || !s.startsWith('","new_quantity":"', numEnd)) return -1;
  const qty = num(s, numEnd + 18);
  if (qty !== qty || !s.startsWith('"}', numEnd)) return -1;
  sink.level(side, px, qty);
  return numEnd + 2;
}

// The last product id seen: consecutive frames almost always name the same product, so reusing the
// string avoids one allocation per event.
let lastProduct = '';

/**
 * Scan an `l2_data` frame into `sink`. Returns its `sequence_num`, or `SCAN_FALLBACK` when the text
 * is not in the exact compact form (including: not `l2_data` at all).
 */
export function scanCoinbaseL2(s: string, sink: LevelSink): number {
  if (!s.startsWith('{"channel":"l2_data",')) return SCAN_FALLBACK;
  let i = s.indexOf('"sequence_num":', 20);
  if (i < 0) return SCAN_FALLBACK;
  const seq = num(s, i + 15);
  if (!(seq >= 0) || s.charCodeAt(numEnd) !== COMMA) return SCAN_FALLBACK;
  i = expect(s, numEnd + 1, '"events":[');
  if (i < 0) return SCAN_FALLBACK;
  if (s.charCodeAt(i) === RBRACKET) return s.charCodeAt(i + 1) === RBRACE ? seq : SCAN_FALLBACK;
  for (;;) {
    i = expect(s, i, '{"type":"');
    if (i < 0) return SCAN_FALLBACK;
    let snapshot: boolean;
    if (s.startsWith('snapshot"', i)) {
      snapshot = true;
      i += 9;
    } else if (s.startsWith('update"', i)) {
      snapshot = false;
      i += 7;
    } else return SCAN_FALLBACK;
    i = expect(s, i, ',"product_id":"');
    if (i < 0) return SCAN_FALLBACK;
    const pEnd = s.indexOf('"', i);
    if (pEnd < 0) return SCAN_FALLBACK;
    let product = lastProduct;
    if (pEnd - i !== product.length || !s.startsWith(product, i)) product = lastProduct = s.slice(i, pEnd);
    i = expect(s, pEnd, '","updates":[');
    if (i < 0) return SCAN_FALLBACK;
    sink.begin(product, snapshot);
    if (s.charCodeAt(i) !== RBRACKET) {
      for (;;) {
        const next = levelInOrder(s, i, sink);
        if (next > 0) {
          i = next;
          const c = s.charCodeAt(i);
          if (c === COMMA) {
            i++;
            continue;
          }
          if (c === RBRACKET) break;
          return bail(sink);
        }
        if (s.charCodeAt(i) !== LBRACE) return bail(sink);
        // Level objects hold only flat string values without braces, so the next '}' closes it.
        const end = s.indexOf('}', i);
        if (end < 0) return bail(sink);
        const sv = valueAt(s, i, end, '"side":"');
        if (sv < 0) return bail(sink);
        let side: 0 | 1;
        if (s.startsWith('bid"', sv)) side = BID;
        else if (s.startsWith('offer"', sv)) side = ASK;
        else return bail(sink);
        const pv = valueAt(s, i, end, '"price_level":"');
        if (pv < 0) return bail(sink);
        const px = num(s, pv);
        if (px !== px || s.charCodeAt(numEnd) !== Q) return bail(sink);
        const qv = valueAt(s, i, end, '"new_quantity":"');
        if (qv < 0) return bail(sink);
        const qty = num(s, qv);
        if (qty !== qty || s.charCodeAt(numEnd) !== Q) return bail(sink);
        sink.level(side, px, qty);
        i = end + 1;
        const c = s.charCodeAt(i);
        if (c === COMMA) i++;
        else if (c === RBRACKET) break;
        else return bail(sink);
      }
    }
    sink.end();
    // After the updates array: close the event, then either another event or the end of the frame.
    if (s.charCodeAt(i + 1) !== RBRACE) return SCAN_FALLBACK;
    i += 2;
    const c = s.charCodeAt(i);
    if (c === COMMA) {
      i++;
      continue;
    }
    if (c === RBRACKET && s.charCodeAt(i + 1) === RBRACE && i + 2 === s.length) return seq;
    return SCAN_FALLBACK;
  }
}

function bail(sink: LevelSink): number {
  sink.end();
  return SCAN_FALLBACK;
}
