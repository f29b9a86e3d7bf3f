/**
 * Deterministic identifiers. A trade key is a pure function of (asset, venue pair, direction,
 * window, attempt): a restarted signal that restores its windows re-derives the same key for the
 * same attempt, and the store's unique index refuses a second intent with it, so a restart can never
 * double an order. Client order ids are derived from the trade key for the same reason.
 */
export function windowId(openedMs: number, pairIndex: number): number {
  // openedMs ≈ 1.8e12 × 64 pair slots ≈ 1.2e14 < 2^53: exact in a float64 message field.
  return Math.floor(openedMs) * 64 + (pairIndex & 63);
}

export function pairIndex(cexVenue: number, route: number, direction: number): number {
  return ((cexVenue & 7) << 3) | ((route & 3) << 1) | ((direction - 1) & 1);
}

const DIR = ['', 'bc', 'bd'];

export function tradeKey(asset: string, cexVenue: string, route: number, direction: number, window: number, attempt: number): string {
  return `${asset}:${cexVenue}:${route}:${DIR[direction] ?? direction}:${window}:${attempt}`;
}

/**
 * Client order id for one leg of a trade. Coinbase accepts any string ≤ 128 chars, Gemini ≤ 100,
 * Bitstamp ≤ 180; a 16-hex-digit FNV-1a hash of the key plus the leg keeps it short and stable.
 */
export function clientOrderId(key: string, leg: 'cex' | 'hedge', n = 0): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const s = `${key}|${leg}|${n}`;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return `cb-${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}-${leg}${n}`;
}
